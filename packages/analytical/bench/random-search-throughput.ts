/**
 * Random-search throughput of `polaris run` on ResNet-50 at analytical fidelity: trials per second
 * with the mapper in-process (POLARIS_MAPPER_WORKERS=0) and on 1 and 2 worker threads. Each run is
 * a real child `polaris run` (random optimizer, Timeloop energy, the template's full space) on a
 * fresh store, so no answer comes from an earlier run; runs of one variant use seeds 1..RUNS, the
 * same seeds for every variant. Trials/s = trials / the search's own elapsed time (as the CLI
 * prints it; process start-up and worker start-up inside the search are included in the latter).
 * Run with `npm run bench:mapper -w @polaris/analytical [-- --trials 96 --batch 8 --runs 3]`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BIN = fileURLToPath(new URL('../../cli/bin/polaris.mjs', import.meta.url));
const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const TRIALS = flag('trials', 96);
const BATCH = flag('batch', 8);
const RUNS = flag('runs', 3);
const VARIANTS = [{ name: 'in-process', workers: '0' }, { name: 'workers=1', workers: '1' }, { name: 'workers=2', workers: '2' }];

/** What one child run reported. */
interface RunFigures {
  readonly trialsPerSecond: number;
  readonly searchSeconds: number;
  readonly wallSeconds: number;
  readonly searched: number;
  readonly reused: number;
}

/** One `polaris run` on a fresh store; its figures from the CLI's summary lines. */
async function runOnce(workers: string, seed: number): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'polaris-bench-random-'));
  try {
    const config = join(dir, 'run.yaml');
    writeFileSync(config, `name: bench-random\nseed: ${seed}\nworkload: resnet50\nevaluator: analytical\noptimizer: random\n`
      + `budget: {trials: ${TRIALS}, batch: ${BATCH}}\nstore: ${join(dir, 'runs.sqlite')}\noutput: ${join(dir, 'out.json')}\n`);
    const started = performance.now();
    const { stderr } = await promisify(execFile)(process.execPath, [BIN, 'run', config, '--quiet'], {
      env: { ...process.env, POLARIS_MAPPER_WORKERS: workers }, maxBuffer: 16 * 1024 * 1024,
    });
    const wallSeconds = (performance.now() - started) / 1000;
    const summary = /(\d+) trials \(\d+ resumed, (\d+) evaluated.* in ([\d.]+) s/.exec(stderr);
    const mapper = /mapper: (\d+) layer mappings searched, (\d+) read from the store/.exec(stderr);
    if (!summary || !mapper) throw new Error(`unexpected output of polaris run:\n${stderr}`);
    const searchSeconds = Number(summary[3]);
    return { trialsPerSecond: Number(summary[2]) / searchSeconds, searchSeconds, wallSeconds, searched: Number(mapper[1]), reused: Number(mapper[2]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');

console.log(`random search, ResNet-50, analytical fidelity: ${TRIALS} trials per run, batch ${BATCH}, ${RUNS} runs per variant (seeds 1-${RUNS}), fresh store each run`);
console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}); load average (1/5/15 min) before: ${load()}`);
console.log('| mapper | trials/s (median; × in-process) | runs (trials/s) | search s (median) | process wall s (median) | layer mappings searched / reused in-run |');
console.log('| --- | --- | --- | --- | --- | --- |');
// Variants interleaved per seed, so that drift in the machine's load touches each alike.
const runs = new Map<string, RunFigures[]>(VARIANTS.map((v) => [v.name, []]));
for (let seed = 1; seed <= RUNS; seed++) {
  for (const variant of VARIANTS) runs.get(variant.name)!.push(await runOnce(variant.workers, seed));
}
const inProcess = median(runs.get('in-process')!.map((r) => r.trialsPerSecond));
for (const variant of VARIANTS) {
  const figures = runs.get(variant.name)!;
  const rates = figures.map((r) => r.trialsPerSecond);
  console.log(`| ${variant.name} | **${median(rates).toFixed(2)}** (${(median(rates) / inProcess).toFixed(2)}×) | ${rates.map((r) => r.toFixed(2)).join(', ')} `
    + `| ${median(figures.map((r) => r.searchSeconds)).toFixed(1)} | ${median(figures.map((r) => r.wallSeconds)).toFixed(1)} | ${figures[0].searched} / ${figures[0].reused} (seed 1) |`);
}
console.log(`load average after: ${load()}`);
