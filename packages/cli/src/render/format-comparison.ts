import type { Evaluation, Workload } from '@polaris/core';
import { formatQuantity, formatTable } from './format-number.js';

/** A lognormal σ as the multiplicative spread it means: `×/÷1.23` for e^σ = 1.23. */
export function formatSpread(logStd: number): string {
  return `×/÷${Math.exp(logStd).toFixed(logStd < 0.005 ? 4 : 2)}`;
}

/**
 * Side-by-side report of one design at several fidelities: per layer and for the network,
 * cycles and energy of each evaluation and their ratio to the first (the baseline). A surrogate's
 * per-layer values carry their uncertainty as a ×/÷ e^σ factor, its EDP the σ of ln EDP.
 */
export function formatComparison(workload: Workload, evaluations: readonly Evaluation[]): string {
  const [base] = evaluations;
  const name = (e: Evaluation) => e.evaluator;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(3)}×`;
  const header = ['#', 'layer', 'count'];
  for (const e of evaluations) header.push(`${name(e)} cycles`, `${name(e)} µJ`);
  for (const e of evaluations.slice(1)) header.push(`${name(e)}/${name(base)} cycles`, `${name(e)}/${name(base)} energy`);
  const rows: string[][] = [header];
  type Values = { cycles: number; energy: number; std?: { logCycles: number; logEnergy: number } };
  const row = (label: string[], pick: (e: Evaluation) => Values) => {
    const cells = [...label];
    for (const e of evaluations) {
      const { cycles, energy, std } = pick(e);
      cells.push(
        `${formatQuantity(cycles)}${std ? ` ${formatSpread(std.logCycles)}` : ''}`,
        `${(energy / 1e6).toPrecision(5)}${std ? ` ${formatSpread(std.logEnergy)}` : ''}`,
      );
    }
    for (const e of evaluations.slice(1)) cells.push(ratio(pick(e).cycles, pick(base).cycles), ratio(pick(e).energy, pick(base).energy));
    rows.push(cells);
  };
  workload.layers.forEach((entry, i) => row([String(i + 1), entry.name, `×${entry.count}`], (e) => e.layers[i]));
  row(['', 'network', ''], (e) => ({ cycles: e.cycles, energy: e.energy }));
  const edp = (e: Evaluation) => `${name(e)} ${formatQuantity(e.edp / 1e6, 4)}` +
    (e.std !== undefined ? ` ${formatSpread(e.std)} (σ of ln EDP ${e.std.toFixed(4)})` : '');
  return `${formatTable(rows)}\n\nEDP (µJ·cycles): ${evaluations.map(edp).join(', ')}`;
}
