import { readFileSync, writeFileSync } from 'node:fs';
import { type DosaAgreement, type Spread, scoreDosaRows } from '@polaris/analytical';
import { parseDosaCsv, resolveEnergySetting } from '@polaris/core';

const pct = (x: number): string => `${(100 * x).toPrecision(3)}%`;
const ratios = (s: Spread): string =>
  `min ${s.min.toFixed(3)}, p10 ${s.p10.toFixed(3)}, median ${s.median.toFixed(3)}, p90 ${s.p90.toFixed(3)}, max ${s.max.toFixed(3)}`;

/** Agreement figures as the CLI prints them. */
export function formatAgreement(source: string, a: DosaAgreement): string {
  const lines = [`${source}: ${a.scored} of ${a.rows} rows scored`];
  lines.push(`  cycles: ${pct(a.exactCycleFraction)} equal target.cycle exactly; model/target ratio ${ratios(a.cycleRatio)}`);
  if (a.rtlCycleRatio) lines.push(`  cycles vs target.gemmini_cycle (RTL): model/RTL ratio ${ratios(a.rtlCycleRatio)}`);
  const e = a.energyRelativeError;
  lines.push(`  energy vs target.energy: relative error median ${pct(e.median)}, p99 ${pct(e.p99)}, max ${pct(e.max)}`);
  return lines.join('\n');
}

/**
 * `polaris evaluate --csv FILE`: scores every row of a CSV in DOSA's format with the analytical
 * model and writes the file back with `polaris.cycle`, `polaris.energy` (µJ, as `target.energy`)
 * and `polaris.error` columns beside its own targets, then prints the agreement.
 */
export function evaluateCsvCommand(path: string, options: { out?: string; energy: string }): number {
  const text = readFileSync(path, 'utf8');
  const rows = parseDosaCsv(text, path);
  const { scores, agreement } = scoreDosaRows(rows, resolveEnergySetting(options.energy));
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const out: string[] = [`${lines[0]},polaris.cycle,polaris.energy,polaris.error`];
  scores.forEach((score, i) => {
    const extra = score.ok ? `${score.cycles},${score.energyPJ / 1e6},` : `,,"${score.error.replaceAll('"', "'")}"`;
    out.push(`${lines[i + 1]},${extra}`);
  });
  const outPath = options.out ?? path.replace(/(\.csv)?$/i, '.polaris.csv');
  writeFileSync(outPath, `${out.join('\n')}\n`);
  process.stdout.write(`${formatAgreement(path, agreement)}\n`);
  const failed = scores.filter((s) => !s.ok).length;
  if (failed > 0) process.stderr.write(`${failed} rows could not be scored; see the polaris.error column\n`);
  process.stderr.write(`wrote ${outPath}\n`);
  return 0;
}
