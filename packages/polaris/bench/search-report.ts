/**
 * Writes the search benchmark's report from whatever the store holds: one SVG per workload,
 * search-strategies.md (status, targets, tables) and search-summary.json, under the docs folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { BENCH_OPTIMIZERS, BENCH_SEEDS, BENCH_WORKLOADS, BENCH_MINUTES } from './search-bench-plan.js';
import { archivedMapperWorkers } from './search-bench-archive.js';
import { archiveCompleteRuns, readJournal, type BenchPaths } from './search-bench-runner.js';
import { renderSvg, workloadChartSpec } from './search-charts.js';
import { judgeTargets, loadSummary, type SeedResult, type StrategySummary, type WorkloadSummary } from './search-summary.js';

const e = (x: number | undefined): string => (x === undefined ? '—' : x.toExponential(3));
const r = (x: number | undefined, best: number | undefined): string => (x === undefined || best === undefined ? '—' : `${(x / best).toFixed(3)}`);

/** The report machine's load, and the mapper pools the archived runs recorded (not this process's). */
function machineLine(paths: BenchPaths): string {
  let up = '';
  try { up = execFileSync('uptime', { encoding: 'utf8' }).trim(); } catch { up = 'uptime unavailable'; }
  const pools = archivedMapperWorkers(paths.archiveDir);
  const recorded = pools.length > 0 ? pools.join(', ') : 'no archived run';
  return `\`uptime\` at report time: \`${up}\`; Node ${process.version}; ${availableParallelism()} cores; mapper workers of the archived runs (POLARIS_MAPPER_WORKERS; 0 = in-process): ${recorded}.`;
}

function seedCell(s: SeedResult): string {
  const state = s.complete ? (s.stoppedBy === 'exhausted' ? 'exhausted' : 'done') : `incomplete, ${(s.elapsedMs / 60_000).toFixed(1)} min`;
  return `s${s.seed}: ${s.trials} (${s.trialsPerSecond.toFixed(2)}/s, ${state})`;
}

function strategyRow(s: StrategySummary, best: number | undefined): string {
  const done = s.seeds.filter((x) => x.complete).length;
  const partial = s.seeds.filter((x) => !x.complete && x.bestEdp !== undefined).map((x) => `s${x.seed} ${r(x.bestEdp, best)}`);
  return `| ${s.optimizer} | ${done}/${BENCH_SEEDS.length} | ${r(s.completeMedian, best)} | ${r(s.completeMin, best)} | ${r(s.completeMax, best)} | ${e(s.completeMedian)} | ${partial.join(', ') || '—'} | ${s.seeds.map(seedCell).join('; ') || 'not started'} |`;
}

function workloadSection(w: WorkloadSummary, svg: string | undefined): string[] {
  const lines = [`## ${w.workload}`, ''];
  if (svg) lines.push(`![${w.workload}: best EDP against search time and trials](${svg})`, '');
  lines.push(`Best-known EDP: ${e(w.bestKnown)} pJ·cycles${w.bestKnownFrom ? ` (run \`${w.bestKnownFrom}\`)` : ''}. `
    + `DOSA's default Gemmini (16×16 PEs, 128 KiB, 32 KiB; mapper seed 1): ${e(w.reference?.edp)}`
    + `${w.reference && w.bestKnown ? ` = ${(w.reference.edp / w.bestKnown).toFixed(2)}× best-known` : ''}.`, '');
  lines.push(`| strategy | seeds done | median (÷ best-known) | min | max | median EDP | incomplete seeds so far | trials per seed (rate, state) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of w.strategies) lines.push(strategyRow(s, w.bestKnown));
  if (w.bestKnownRuns.length > 0) {
    lines.push('', `1-hour best-known runs: ${w.bestKnownRuns.map((b) => `\`${b.runId}\` ${b.complete ? 'done' : `incomplete (${(b.elapsedMs / 60_000).toFixed(1)} min)`}, ${b.trials} trials, best ${e(b.bestEdp)}`).join('; ')}.`);
  } else {
    lines.push('', 'No 1-hour best-known run stored yet (`npm run bench:search -- --best-known`): best-known is the best of the 10-minute runs.');
  }
  lines.push('');
  return lines;
}

function statusLines(summary: readonly WorkloadSummary[]): string[] {
  const done: string[] = [];
  const partial: string[] = [];
  const missing: string[] = [];
  for (const seed of BENCH_SEEDS) {
    for (const workload of BENCH_WORKLOADS) {
      for (const optimizer of BENCH_OPTIMIZERS) {
        const s = summary.find((w) => w.workload === workload)?.strategies.find((x) => x.optimizer === optimizer)?.seeds.find((x) => x.seed === seed);
        const id = `${workload}/${optimizer}/${seed}`;
        if (!s) missing.push(id);
        else if (s.complete) done.push(id);
        else partial.push(`${id} (${(s.elapsedMs / 60_000).toFixed(1)} of ${BENCH_MINUTES} min, ${s.trials} trials)`);
      }
    }
  }
  const total = BENCH_SEEDS.length * BENCH_WORKLOADS.length * BENCH_OPTIMIZERS.length;
  return [
    `**${done.length} of ${total} runs complete**, ${partial.length} incomplete, ${missing.length} not started (workload/strategy/seed).`, '',
    `- complete: ${done.join(', ') || 'none'}`,
    `- incomplete (resumed by the same command): ${partial.join(', ') || 'none'}`,
    `- not started: ${missing.join(', ') || 'none'}`, '',
  ];
}

/** The sessions journal: which code each session of a run ran (others edit the checkout meanwhile). */
function sessionLines(paths: BenchPaths): string[] {
  const rows = readJournal(paths);
  if (rows.length === 0) return [];
  return [
    '## Sessions (code each run ran)', '',
    'Uncommitted source files (outside bench/) in the checkout when the session started — the runs execute the working tree.', '',
    '| run | started | wall | exit | 1-min load at start → end | HEAD | uncommitted src files |', '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((x) => `| ${x.run} | ${x.startedAt} | ${(x.wallMs / 1000).toFixed(0)} s | ${x.exit} | ${x.load1 ? x.load1.map((l) => l.toFixed(1)).join(' → ') : '—'} | ${x.head} | ${x.dirty.filter((f) => f.includes('/src/')).join(', ') || 'none'} |`), '',
  ];
}

export async function writeSearchReport(paths: BenchPaths, docsDir: string): Promise<void> {
  archiveCompleteRuns(paths);
  const summary = loadSummary(paths);
  mkdirSync(docsDir, { recursive: true });
  const targets = judgeTargets(summary);
  const lines = [
    '# Search strategies: benchmark report (generated)', '',
    `Generated ${new Date().toISOString()} by \`npm run bench:search -- --report\` from the committed run archive (\`docs/benchmarks/search-runs/\`) and \`${relative(paths.root, paths.store)}\`. `
      + 'ResNet-50, BERT, U-Net, RetinaNet at analytical fidelity (Timeloop energy), full template space; '
      + `random, genetic, bayesian, gradient, ${BENCH_MINUTES} minutes of search each (summed over sessions), seeds 1–3. `
      + 'EDP values are ÷ the best-known EDP of the workload (1.000 = the best any stored run found). '
      + 'Gradient runs its default of unlimited starts (DOSA as published stops after 7 starts, 28 trials).', '',
    machineLine(paths), '',
    ...statusLines(summary),
    '## Targets (issue 9)', '',
    '| target | verdict | on | detail |', '| --- | --- | --- | --- |',
    ...targets.map((t) => `| ${t.target} | **${t.verdict}**${t.final ? '' : ' (so far)'} | ${t.final ? 'all runs' : 'complete runs only; more to come'} | ${t.detail} |`), '',
  ];
  for (const w of summary) {
    const spec = workloadChartSpec(w);
    let file: string | undefined;
    if (spec) {
      file = `search-${w.workload}.svg`;
      writeFileSync(join(docsDir, file), await renderSvg(spec));
    }
    lines.push(...workloadSection(w, file));
  }
  lines.push(...sessionLines(paths));
  writeFileSync(join(docsDir, 'search-strategies.md'), `${lines.join('\n')}\n`);
  const slim = summary.map((w) => ({ ...w, strategies: w.strategies.map(({ byTime: _t, byTrials: _n, ...s }) => s) }));
  writeFileSync(join(docsDir, 'search-summary.json'), `${JSON.stringify({ generatedAt: new Date().toISOString(), targets, workloads: slim }, null, 2)}\n`);
  console.log(lines.slice(0, 40).join('\n'));
  console.log(`\nreport written to ${relative(paths.root, docsDir)}/ (search-strategies.md, search-summary.json, search-<workload>.svg)`);
}
