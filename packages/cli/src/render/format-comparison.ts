import type { Evaluation, Workload } from '@polaris/core';
import { formatQuantity, formatTable } from './format-number.js';

/**
 * Side-by-side report of one design at several fidelities: per layer and for the network,
 * cycles and energy of each evaluation and their ratio to the first (the baseline).
 */
export function formatComparison(workload: Workload, evaluations: readonly Evaluation[]): string {
  const [base] = evaluations;
  const name = (e: Evaluation) => e.evaluator;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(3)}×`;
  const header = ['#', 'layer', 'count'];
  for (const e of evaluations) header.push(`${name(e)} cycles`, `${name(e)} µJ`);
  for (const e of evaluations.slice(1)) header.push(`${name(e)}/${name(base)} cycles`, `${name(e)}/${name(base)} energy`);
  const rows: string[][] = [header];
  const row = (label: string[], pick: (e: Evaluation) => { cycles: number; energy: number }) => {
    const cells = [...label];
    for (const e of evaluations) cells.push(formatQuantity(pick(e).cycles), (pick(e).energy / 1e6).toPrecision(5));
    for (const e of evaluations.slice(1)) cells.push(ratio(pick(e).cycles, pick(base).cycles), ratio(pick(e).energy, pick(base).energy));
    rows.push(cells);
  };
  workload.layers.forEach((entry, i) => row([String(i + 1), entry.name, `×${entry.count}`], (e) => e.layers[i]));
  row(['', 'network', ''], (e) => e);
  const edps = evaluations.map((e) => `${name(e)} ${formatQuantity(e.edp / 1e6, 4)}`).join(', ');
  return `${formatTable(rows)}\n\nEDP (µJ·cycles): ${edps}`;
}
