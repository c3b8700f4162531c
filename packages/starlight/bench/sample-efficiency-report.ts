/**
 * The sample-efficiency benchmark's markdown report, generated from the per-split results files
 * alone (`sample-efficiency-results.ts`), so it can be rebuilt at any time without training
 * anything: per split, the median over seeds per model × n of ρ and MAPE per target and the
 * ±1σ/±2σ coverage of ln EDP, DOSA's best EDP MAPE and ρ, and the samples each model needs to reach them.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ScoreRow, medianRows, referenceBest, samplesToReach } from './sample-efficiency-scores.js';
import { type Cell, type SplitResults, readSplitResults, resultsPath } from './sample-efficiency-results.js';

const fmt = (x: number | undefined, digits: number): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

/** n as the tables show it: `drawn+fixed` when the split adds fixed rows to every training set. */
function nLabel(results: SplitResults, cells: readonly Cell[], n: number): string {
  const drawn = cells.find((c) => c.n === n)?.drawn ?? n;
  const all = drawn === results.pool ? 'all ' : '';
  return results.fixedTrain > 0 ? `${n} (${all}${drawn}+${results.fixedTrain})` : `${n}${all ? ' (all)' : ''}`;
}

const modelLabel = (name: string, quick: boolean): string => (quick ? `${name} (quick)` : name);

const provenance = (cells: readonly Cell[]): string => {
  const list = (xs: string[]) => [...new Set(xs)].sort().join(', ');
  const dates = cells.map((c) => c.date).sort();
  const dirty = cells.filter((c) => c.gitDirty).length;
  return `${cells.length} cells; backend ${list(cells.map((c) => c.backend))}; git ${list(cells.map((c) => c.gitHead.slice(0, 10)))}`
    + `${dirty > 0 ? ` (${dirty} with uncommitted model code)` : ''}; ${dates[0]?.slice(0, 16) ?? '–'} to ${dates.at(-1)?.slice(0, 16) ?? '–'}`;
};

/** The markdown section of one split. `referenceModels`: the models whose best the others must reach (DOSA's). */
export function splitMarkdown(results: SplitResults, referenceModels: readonly string[]): string {
  const groups = [false, true].map((quick) => results.cells.filter((c) => c.quick === quick)).filter((g) => g.length > 0);
  const lines = [
    `### ${results.split} — ${results.pool} pool${results.fixedTrain > 0 ? ` + ${results.fixedTrain} fixed` : ''} training / ${results.test} held-out samples`,
    '',
    results.description,
    '',
    ...results.assignment.map((a) => `- ${a}`),
    '',
    `Cells: ${provenance(results.cells)}. Split fingerprint ${results.fingerprint}.`,
    '',
    'Median over seeds; ρ = Spearman, MAPE in % on linear values; EDP = cycles × energy per layer; coverage = fraction of held-out samples whose ln EDP is within ±1σ / ±2σ (σ = hypot(σ lnC, σ lnE); calibrated: 0.68 / 0.95).',
    '',
    '| model | n | seeds | cycles ρ | cycles MAPE | energy ρ | energy MAPE | EDP ρ | EDP MAPE | ±1σ | ±2σ | train s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const reachLines: string[] = [];
  for (const cells of groups) {
    const quick = cells[0].quick;
    const rows = medianRows(cells);
    lines.push(...rows.map((r: ScoreRow) => `| ${modelLabel(r.model, quick)} | ${nLabel(results, cells, r.n)} | ${r.seeds} | ${fmt(r.median.cycles.rho, 3)} | ${fmt(r.median.cycles.mape, 1)} `
      + `| ${fmt(r.median.energy.rho, 3)} | ${fmt(r.median.energy.mape, 1)} | ${fmt(r.median.edp.rho, 3)} | ${fmt(r.median.edp.mape, 1)} `
      + `| ${fmt(r.median.edpCoverage?.within1, 2)} | ${fmt(r.median.edpCoverage?.within2, 2)} | ${fmt(r.medianTrainMs / 1000, 1)} |`));
    const best = referenceBest(rows, referenceModels);
    const at = (a?: { model: string; n: number }) => (a ? `${a.model} at n=${a.n}` : 'no DOSA model run');
    reachLines.push(
      '',
      `${quick ? 'Quick cells: ' : ''}DOSA's best EDP MAPE ${fmt(best.edpMape, 1)} % (${at(best.edpMapeAt)}); best EDP ρ ${fmt(best.edpRho, 3)} (${at(best.edpRhoAt)}).`,
      '',
      '| model | samples to reach DOSA\'s best EDP MAPE | samples to reach DOSA\'s best EDP ρ |',
      '| --- | --- | --- |',
      ...samplesToReach(rows, best).map((r) => `| ${modelLabel(r.model, quick)} | ${r.mapeN ?? 'not reached'} | ${r.rhoN ?? 'not reached'} |`),
    );
  }
  return [...lines, ...reachLines].join('\n');
}

/** The split files of a directory, `order` first, then any others alphabetically. */
export function listSplitResults(dir: string, order: readonly string[]): SplitResults[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  const sorted = [...order.filter((s) => names.includes(s)), ...names.filter((s) => !order.includes(s)).sort()];
  return sorted.flatMap((s) => readSplitResults(resultsPath(dir, s)) ?? []);
}

/** The whole report of a results directory. */
export function reportMarkdown(dir: string, order: readonly string[], referenceModels: readonly string[]): string {
  const splits = listSplitResults(dir, order);
  return [
    '## Sample efficiency',
    '',
    'Generated by `npm run bench:sample-efficiency -w @polaris/starlight -- --report` from the per-split results files beside this report; do not edit by hand.',
    ...splits.flatMap((s) => ['', splitMarkdown(s, referenceModels)]),
    ...(splits.length === 0 ? ['', `No results in ${dir} yet.`] : []),
  ].join('\n');
}

/** Writes {@link reportMarkdown} to `<dir>/report.md` and returns its path. */
export function writeReport(dir: string, order: readonly string[], referenceModels: readonly string[]): string {
  const path = join(dir, 'report.md');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, `${reportMarkdown(dir, order, referenceModels)}\n`);
  return path;
}
