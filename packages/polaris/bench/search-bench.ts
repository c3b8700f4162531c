/**
 * `npm run bench:search` — the search-strategy benchmark of issue 9.
 *
 *   npm run bench:search                       # the 48 runs (4 workloads × 4 strategies × seeds 1–3, 10 min each); resumes
 *   npm run bench:search -- --best-known       # one 60-minute run of the best time-bound strategy per workload; resumes
 *   npm run bench:search -- --report           # report from whatever is stored: docs/benchmarks/search-*.svg + search-strategies.md
 *
 * Options: --store <file> (default polaris-runs/bench/search.sqlite; its folder holds the generated
 * configs, result files and the session journal), --docs <dir> (default docs/benchmarks: the
 * report, the committed archive of complete runs in search-runs/ and search-reference.json —
 * a fresh checkout skips the runs archived there),
 * --workloads a,b  --optimizers a,b  --seeds 1,2  --minutes <n> (subsets, smoke tests),
 * --best-known-optimizer <id> (override the choice of strategy for --best-known).
 * Relative paths resolve against the directory npm was started from.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchPlan, bestKnownRun, BENCH_WORKLOADS, type PlanFilter } from './search-bench-plan.js';
import { ensureReference, runPlan, stopOnSignals, type BenchPaths } from './search-bench-runner.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const base = process.env['INIT_CWD'] ?? process.cwd();

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'polaris-runs/bench/search.sqlite' },
    docs: { type: 'string', default: 'docs/benchmarks' },
    workloads: { type: 'string' },
    optimizers: { type: 'string' },
    seeds: { type: 'string' },
    minutes: { type: 'string' },
    report: { type: 'boolean', default: false },
    'best-known': { type: 'boolean', default: false },
    'best-known-optimizer': { type: 'string' },
  },
  allowPositionals: false,
});

const list = (s: string | undefined): string[] | undefined => s?.split(',').map((x) => x.trim()).filter(Boolean);
const store = resolve(base, values.store);
const docsDir = resolve(base, values.docs);
const paths: BenchPaths = {
  root, store, benchDir: dirname(store), archiveDir: join(docsDir, 'search-runs'), referenceFile: join(docsDir, 'search-reference.json'),
};
const filter: PlanFilter = {
  ...(values.workloads ? { workloads: list(values.workloads)! } : {}),
  ...(values.optimizers ? { optimizers: list(values.optimizers)! } : {}),
  ...(values.seeds ? { seeds: list(values.seeds)!.map(Number) } : {}),
  ...(values.minutes ? { minutes: Number(values.minutes) } : {}),
};
const workloads = filter.workloads ?? BENCH_WORKLOADS;

async function main(): Promise<number> {
  if (values.report) {
    const { writeSearchReport } = await import('./search-report.js');
    await ensureReference(paths, workloads);
    await writeSearchReport(paths, docsDir);
    return 0;
  }
  stopOnSignals();
  await ensureReference(paths, workloads);
  if (values['best-known']) {
    const { chooseBestKnownStrategy } = await import('./search-summary.js');
    const plan = workloads.map((w) => bestKnownRun(w, values['best-known-optimizer'] ?? chooseBestKnownStrategy(paths, w), filter.minutes));
    return (await runPlan(paths, plan)) ? 0 : 130;
  }
  return (await runPlan(paths, benchPlan(filter))) ? 0 : 130;
}

process.exitCode = await main();
