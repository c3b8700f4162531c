/**
 * Sample-efficiency benchmark: how many high-fidelity samples each performance model needs, on
 * held-out layers and on held-out hardware.
 *
 * For each split (`sample-efficiency-sources.ts`: `firesim` and `rtl` hold out ~20 % of the
 * layers; `rtl-hardware` holds out whole hardware configurations; `gemmini16` trains on the
 * 128×128 FireSim rows and scores the real 16×16 Gemmini rows; `gemmini16-mixed` adds half the
 * 16×16 layers to every training set), each training-set size n and each seed, the model is
 * trained on a seeded subset of the split's pool (for one seed the subsets are nested: n = 50
 * extends n = 25) plus the split's fixed rows, and predicts the whole test set. Each
 * (split, model, n, seed) cell's scores — Spearman ρ and MAPE (linear units) of per-layer cycles,
 * energy and EDP, and for models with a σ the ±1σ and ±2σ coverage of ln EDP — are written as
 * soon as computed to `<results>/<split>.json` with the backend, git HEAD and date
 * (`sample-efficiency-results.ts`); a rerun skips the cells already there. The markdown report
 * (`<results>/report.md`: medians over seeds per model × n, DOSA's best, the samples each model
 * needs to reach it) is generated from those files (`sample-efficiency-report.ts`).
 *
 * Run: `npm run bench:sample-efficiency -w @polaris/starlight -- [options]`
 *   --source NAME[,NAME]       firesim, rtl, rtl-hardware, gemmini16, gemmini16-mixed or all (default all:
 *                              every split that loads; an unavailable one is reported)
 *   --sizes 25,50,100,200,400,800,all   rows drawn from the pool (gemmini16-mixed adds its fixed 16×16 rows to n)
 *   --seeds 1,2,3
 *   --models dosa-analytical,dosa-dnn,…   (default every entry of sample-efficiency-models.ts)
 *   --quick                    sizes 25,100; seed 1; reduced training budgets; results default to
 *                              polaris-runs/bench/sample-efficiency-quick/ (gitignored), never mixed with full cells
 *   --results DIR              default docs/benchmarks/sample-efficiency/ (committed)
 *   --redo                     recompute the selected cells even when the results hold them
 *   --report                   only regenerate <results>/report.md from the results files (trains nothing)
 * e.g.
 *   npm run bench:sample-efficiency -w @polaris/starlight                                    # every split, model, n, seed (hours)
 *   npm run bench:sample-efficiency -w @polaris/starlight -- --source gemmini16,gemmini16-mixed
 *   npm run bench:sample-efficiency -w @polaris/starlight -- --source rtl-hardware --models starlight --redo
 *   npm run bench:sample-efficiency -w @polaris/starlight -- --source gemmini16 --quick --models dosa-analytical,starlight
 *   npm run bench:sample-efficiency -w @polaris/starlight -- --report
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { activeBackendName, ensureBackend } from '../src/index.js';
import { REPO_ROOT, SAMPLE_EFFICIENCY_QUICK_RESULTS, SAMPLE_EFFICIENCY_RESULTS } from './bench-paths.js';
import { MODELS_UNDER_TEST, type ModelUnderTest, REFERENCE_MODELS } from './sample-efficiency-models.js';
import { listSplitResults, splitMarkdown, writeReport } from './sample-efficiency-report.js';
import { type Cell, type SplitHeader, cellsToRun, openSplitResults, recordCell, resultsPath, splitFingerprint, wantedCells } from './sample-efficiency-results.js';
import { scorePrediction } from './sample-efficiency-scores.js';
import { type LoadedSource, SOURCE_NAMES, type SourceName, loadSource } from './sample-efficiency-sources.js';
import { trainingSet } from './sample-efficiency-splits.js';

export const DEFAULT_SIZES: readonly (number | 'all')[] = [25, 50, 100, 200, 400, 800, 'all'];
export const DEFAULT_SEEDS: readonly number[] = [1, 2, 3];

interface Options {
  sources: SourceName[]; explicitSource: boolean; sizes: (number | 'all')[]; seeds: number[]; models: ModelUnderTest[];
  quick: boolean; results: string; redo: boolean; reportOnly: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const known = new Set(['--source', '--sizes', '--seeds', '--models', '--quick', '--results', '--redo', '--report']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}; expected ${[...known].join(', ')}`);
  const quick = argv.includes('--quick');
  const source = value('--source') ?? 'all';
  const sources = source === 'all' ? [...SOURCE_NAMES] : source.split(',').map((s) => {
    if (!(SOURCE_NAMES as readonly string[]).includes(s)) throw new Error(`--source must be one or more of ${SOURCE_NAMES.join(', ')} (comma-separated), or all; got ${s}`);
    return s as SourceName;
  });
  const sizes = (value('--sizes') ?? (quick ? '25,100' : DEFAULT_SIZES.join(','))).split(',').map((s) => {
    if (s === 'all') return 'all' as const;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes: "${s}" is neither a positive integer nor all`);
    return n;
  });
  const seeds = (value('--seeds') ?? (quick ? '1' : DEFAULT_SEEDS.join(','))).split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n)) throw new Error(`--seeds: "${s}" is not an integer`);
    return n;
  });
  const names = value('--models')?.split(',');
  const models = names ? names.map((name) => {
    const m = MODELS_UNDER_TEST.find((x) => x.name === name);
    if (!m) throw new Error(`--models: unknown model ${name}; known: ${MODELS_UNDER_TEST.map((x) => x.name).join(', ')}`);
    return m;
  }) : [...MODELS_UNDER_TEST];
  return {
    sources, explicitSource: source !== 'all', sizes, seeds, models, quick,
    results: resolve(value('--results') ?? (quick ? SAMPLE_EFFICIENCY_QUICK_RESULTS : SAMPLE_EFFICIENCY_RESULTS)), redo: argv.includes('--redo'), reportOnly: argv.includes('--report'),
  };
}

/** git HEAD, and whether the model code has uncommitted changes (recorded with every cell). */
function gitState(): { gitHead: string; gitDirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  try {
    return { gitHead: git('rev-parse', 'HEAD'), gitDirty: git('status', '--porcelain', '--', 'packages/starlight/src', 'packages/analytical/src', 'packages/core/src') !== '' };
  } catch {
    return { gitHead: 'unknown', gitDirty: true };
  }
}

async function runSplit(loaded: LoadedSource, options: Options, backend: string, log: (line: string) => void): Promise<void> {
  const { split } = loaded;
  const header: SplitHeader = {
    split: loaded.name, description: loaded.description, assignment: split.assignment, fingerprint: splitFingerprint(split),
    pool: split.pool.length, fixedTrain: split.fixedTrain.length, test: split.test.length,
  };
  const path = resultsPath(options.results, loaded.name);
  const { results, setAside } = openSplitResults(path, header);
  if (setAside > 0) log(`  ${path} held ${setAside} cells of another split definition (fingerprint changed to ${header.fingerprint}); set aside (git history keeps them)`);
  const wanted = wantedCells(split, options.sizes, options.seeds, options.models.map((m) => m.name), options.quick);
  const todo = cellsToRun(wanted, results, options.redo);
  log(`  ${wanted.length} cells wanted, ${wanted.length - todo.length} already in ${path}${options.redo ? ' (--redo: recomputing them)' : ''}, ${todo.length} to compute`);
  const git = gitState();
  for (const drawn of [...new Set(todo.map((c) => c.drawn))]) {
    for (const seed of [...new Set(todo.filter((c) => c.drawn === drawn).map((c) => c.seed))]) {
      const training = trainingSet(split, drawn, seed, loaded.name);
      for (const spec of todo.filter((c) => c.drawn === drawn && c.seed === seed)) {
        const model = options.models.find((m) => m.name === spec.model)!;
        const t0 = performance.now();
        const trained = await model.train(training.samples, { seed, source: loaded.name, quick: options.quick, pretrainLayers: loaded.pretrainLayers });
        const t1 = performance.now();
        const prediction = trained(split.test);
        const t2 = performance.now();
        trained.dispose?.();
        const scores = scorePrediction(prediction, split.test);
        const cell: Cell = {
          ...spec, scores, trainMs: Math.round(t1 - t0), predictMs: Math.round(t2 - t1), ...(trained.details ? { details: trained.details } : {}),
          backend, ...git, date: new Date().toISOString(),
        };
        recordCell(path, header, cell);
        const cov = scores.edpCoverage ? `; ±1σ ${scores.edpCoverage.within1.toFixed(2)} ±2σ ${scores.edpCoverage.within2.toFixed(2)}` : '';
        log(`  ${loaded.name} n=${spec.n} seed ${seed} ${spec.model}: EDP ρ ${scores.edp.rho.toFixed(3)} MAPE ${scores.edp.mape.toFixed(1)} %${cov}; `
          + `train ${((t1 - t0) / 1000).toFixed(1)} s, predict ${((t2 - t1) / 1000).toFixed(2)} s${trained.details ? ` ${JSON.stringify(trained.details)}` : ''}`);
      }
    }
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string): void => { process.stderr.write(`${line}\n`); };
  if (options.reportOnly) {
    log(`wrote ${writeReport(options.results, SOURCE_NAMES, REFERENCE_MODELS)}`);
    return;
  }
  const began = performance.now();
  await ensureBackend();
  const backend = activeBackendName() ?? 'unknown';
  log(`sample-efficiency: backend ${backend}; splits ${options.sources.join(', ')}; sizes ${options.sizes.join(', ')}; seeds ${options.seeds.join(', ')}; `
    + `models ${options.models.map((m) => m.name).join(', ')}${options.quick ? '; quick' : ''}; results ${options.results}`);
  const ran: SourceName[] = [];
  for (const name of options.sources) {
    let loaded: LoadedSource;
    try {
      loaded = await loadSource(name);
    } catch (error) {
      if (options.explicitSource) throw error;
      log(`split ${name} unavailable: ${(error as Error).message}`);
      continue;
    }
    log(`split ${name}: ${loaded.description}`);
    for (const line of loaded.split.assignment) log(`  ${line}`);
    await runSplit(loaded, options, backend, log);
    ran.push(name);
  }
  const report = writeReport(options.results, SOURCE_NAMES, REFERENCE_MODELS);
  for (const results of listSplitResults(options.results, ran).filter((r) => ran.includes(r.split as SourceName))) {
    process.stdout.write(`${splitMarkdown(results, REFERENCE_MODELS)}\n\n`);
  }
  log(`sample-efficiency: wall ${((performance.now() - began) / 60000).toFixed(1)} min; wrote ${report}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    process.stderr.write(`sample-efficiency: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
