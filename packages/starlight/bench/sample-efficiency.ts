/**
 * Sample-efficiency benchmark: how many high-fidelity samples each performance model needs.
 *
 * For each data source (`sample-efficiency-sources.ts`: a fixed split holding out ~20 % of the
 * layers), each training-set size n and each seed, the model is trained on a seeded subset of n
 * training samples (for one seed the subsets are nested: n = 50 extends n = 25) and predicts the
 * whole held-out split. Per model × n it reports the median over seeds of Spearman's ρ and the
 * MAPE (linear units) of per-layer cycles, energy and EDP (cycles × energy of the layer); and,
 * per model, the smallest n reaching DOSA's best EDP MAPE and ρ (the best median any DOSA
 * variant reaches at any n). Prints a markdown table, writes JSON.
 *
 * Run: `npm run bench:sample-efficiency -w @polaris/starlight -- [options]`
 *   --source firesim|rtl|all   (default all: every source that loads; an unavailable one is reported)
 *   --sizes 25,50,100,200,400,800,all
 *   --seeds 1,2,3
 *   --models dosa-analytical,dosa-dnn,dosa-residual   (default every entry of sample-efficiency-models.ts)
 *   --quick                    (sizes 25,100; seed 1; reduced training budgets)
 *   --out FILE                 (default polaris-runs/bench/sample-efficiency.json at the repository root)
 *   --reuse FILE               (merge the runs of models not rerun here from an earlier JSON result,
 *                               e.g. DOSA's, so adding a model does not retrain the others)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Random } from '@polaris/core';
import { activeBackendName, ensureBackend, meanAbsolutePercentageError, spearman, type DatasetSample } from '../src/index.js';
import { MODELS_UNDER_TEST, type ModelPrediction, type ModelUnderTest, REFERENCE_MODELS } from './sample-efficiency-models.js';
import { type LoadedSource, SOURCE_NAMES, type SourceName, loadSource } from './sample-efficiency-sources.js';

export const DEFAULT_SIZES: readonly (number | 'all')[] = [25, 50, 100, 200, 400, 800, 'all'];
export const DEFAULT_SEEDS: readonly number[] = [1, 2, 3];
const METRIC_TARGETS = ['cycles', 'energy', 'edp'] as const;
type MetricTarget = (typeof METRIC_TARGETS)[number];

/**
 * Accuracy on the held-out split: Spearman ρ (unitless) and MAPE (%) per target; for models with
 * a σ, `edpCoverage` = the fraction of samples whose ln EDP lies within ±1σ of the prediction
 * (σ of ln EDP = √(σ²_lnC + σ²_lnE); a calibrated Gaussian gives 0.68).
 */
export type Scores = Record<MetricTarget, { readonly rho: number; readonly mape: number }> & { readonly edpCoverage?: number };

/** Scores of a prediction against the samples' targets (linear units; EDP = cycles × energy per layer). */
export function scorePrediction(prediction: ModelPrediction, samples: readonly DatasetSample[]): Scores {
  const n = samples.length;
  const truth = { cycles: new Float64Array(n), energy: new Float64Array(n), edp: new Float64Array(n) };
  const pred = { cycles: new Float64Array(n), energy: new Float64Array(n), edp: new Float64Array(n) };
  samples.forEach((s, i) => {
    truth.cycles[i] = s.target.cycles;
    truth.energy[i] = s.target.energy;
    truth.edp[i] = s.target.cycles * s.target.energy;
    pred.cycles[i] = Math.exp(prediction.logCycles[i]);
    pred.energy[i] = Math.exp(prediction.logEnergy[i]);
    pred.edp[i] = Math.exp(prediction.logCycles[i] + prediction.logEnergy[i]);
  });
  const out = {} as Record<MetricTarget, { rho: number; mape: number }>;
  for (const t of METRIC_TARGETS) out[t] = { rho: spearman(pred[t], truth[t]), mape: meanAbsolutePercentageError(pred[t], truth[t]) };
  const { stdLogCycles: sc, stdLogEnergy: se } = prediction;
  if (!sc || !se) return out;
  let inside = 0;
  for (let i = 0; i < n; i++) if (Math.abs(Math.log(truth.edp[i]) - Math.log(pred.edp[i])) <= Math.hypot(sc[i], se[i])) inside++;
  return { ...out, edpCoverage: inside / n };
}

/** The seeded subset of n training samples for a seed (nested across n: a prefix of one permutation). */
export function trainingSubset(train: readonly DatasetSample[], n: number, seed: number, source: string): DatasetSample[] {
  return new Random(seed).fork(`sample-efficiency:${source}`).shuffle([...train]).slice(0, Math.min(n, train.length));
}

const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Run { readonly model: string; readonly n: number; readonly label: string; readonly seed: number; readonly scores: Scores; readonly trainMs: number; readonly predictMs: number; readonly details?: Record<string, unknown> }
interface Row { readonly model: string; readonly n: number; readonly label: string; readonly median: Scores; readonly medianTrainMs: number }
interface Reach { readonly model: string; readonly mapeN: number | null; readonly rhoN: number | null }
interface SourceResult {
  readonly source: SourceName; readonly description: string; readonly train: number; readonly test: number;
  readonly runs: Run[]; readonly rows: Row[];
  readonly dosaBest: { readonly edpMape: number; readonly edpMapeBy: string; readonly edpRho: number; readonly edpRhoBy: string };
  readonly reach: Reach[]; readonly wallMs: number;
}

interface Options { sources: SourceName[]; explicitSource: boolean; sizes: (number | 'all')[]; seeds: number[]; models: ModelUnderTest[]; quick: boolean; out: string; reuse?: string }

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    return v;
  };
  const known = new Set(['--source', '--sizes', '--seeds', '--models', '--quick', '--out', '--reuse']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown option ${a}; expected ${[...known].join(', ')}`);
  const quick = argv.includes('--quick');
  const source = value('--source') ?? 'all';
  if (source !== 'all' && !(SOURCE_NAMES as readonly string[]).includes(source)) throw new Error(`--source must be one of ${SOURCE_NAMES.join(', ')}, all; got ${source}`);
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
  const repoRoot = resolve(join(import.meta.dirname, '../../..'));
  return {
    sources: source === 'all' ? [...SOURCE_NAMES] : [source as SourceName], explicitSource: source !== 'all',
    sizes, seeds, models, quick, out: resolve(value('--out') ?? join(repoRoot, 'polaris-runs/bench/sample-efficiency.json')),
    reuse: value('--reuse') === undefined ? undefined : resolve(value('--reuse')!),
  };
}

const fmt = (x: number, digits: number): string => (Number.isNaN(x) ? '–' : x.toFixed(digits));

async function runSource(loaded: LoadedSource, options: Options, log: (line: string) => void, reused: readonly Run[] = []): Promise<SourceResult> {
  const began = performance.now();
  const { train, test } = loaded.split;
  const sizes = [...new Set(options.sizes.map((s) => (s === 'all' ? train.length : Math.min(s, train.length))))].sort((a, b) => a - b);
  const runs: Run[] = reused.filter((r) => sizes.includes(r.n) && options.seeds.includes(r.seed) && !options.models.some((m) => m.name === r.model));
  if (runs.length > 0) log(`  reusing ${runs.length} earlier runs of ${[...new Set(runs.map((r) => r.model))].join(', ')}`);
  for (const n of sizes) {
    const label = n === train.length ? `all (${n})` : String(n);
    for (const seed of options.seeds) {
      const subset = trainingSubset(train, n, seed, loaded.name);
      for (const model of options.models) {
        const t0 = performance.now();
        const trained = await model.train(subset, { seed, source: loaded.name, quick: options.quick });
        const t1 = performance.now();
        const prediction = trained(test);
        const t2 = performance.now();
        trained.dispose?.();
        const scores = scorePrediction(prediction, test);
        runs.push({ model: model.name, n, label, seed, scores, trainMs: t1 - t0, predictMs: t2 - t1, details: trained.details });
        log(`  ${loaded.name} n=${label} seed ${seed} ${model.name}: EDP ρ ${fmt(scores.edp.rho, 3)} MAPE ${fmt(scores.edp.mape, 1)} %; train ${((t1 - t0) / 1000).toFixed(1)} s, predict ${((t2 - t1) / 1000).toFixed(2)} s${trained.details ? ` ${JSON.stringify(trained.details)}` : ''}`);
      }
    }
  }
  const rows: Row[] = [];
  const modelNames = [...new Set(runs.map((r) => r.model))];
  for (const name of modelNames) {
    for (const n of sizes) {
      const mine = runs.filter((r) => r.model === name && r.n === n);
      if (mine.length === 0) continue;
      const med = {} as Record<MetricTarget, { rho: number; mape: number }> & { edpCoverage?: number };
      for (const t of METRIC_TARGETS) med[t] = { rho: median(mine.map((r) => r.scores[t].rho)), mape: median(mine.map((r) => r.scores[t].mape)) };
      const coverage = mine.flatMap((r) => (r.scores.edpCoverage === undefined ? [] : [r.scores.edpCoverage]));
      if (coverage.length > 0) med.edpCoverage = median(coverage);
      rows.push({ model: name, n, label: mine[0].label, median: med, medianTrainMs: median(mine.map((r) => r.trainMs)) });
    }
  }
  const reference = rows.filter((r) => REFERENCE_MODELS.includes(r.model));
  const bestMape = reference.reduce<Row | undefined>((b, r) => (!(r.median.edp.mape >= (b?.median.edp.mape ?? Infinity)) ? r : b), undefined);
  const bestRho = reference.reduce<Row | undefined>((b, r) => (!(r.median.edp.rho <= (b?.median.edp.rho ?? -Infinity)) ? r : b), undefined);
  const dosaBest = {
    edpMape: bestMape?.median.edp.mape ?? Number.NaN, edpMapeBy: bestMape ? `${bestMape.model} at n=${bestMape.label}` : 'no DOSA model run',
    edpRho: bestRho?.median.edp.rho ?? Number.NaN, edpRhoBy: bestRho ? `${bestRho.model} at n=${bestRho.label}` : 'no DOSA model run',
  };
  const reach = modelNames.map((name) => {
    const mine = rows.filter((r) => r.model === name);
    return {
      model: name,
      mapeN: mine.find((r) => r.median.edp.mape <= dosaBest.edpMape)?.n ?? null,
      rhoN: mine.find((r) => r.median.edp.rho >= dosaBest.edpRho)?.n ?? null,
    };
  });
  return { source: loaded.name, description: loaded.description, train: train.length, test: test.length, runs, rows, dosaBest, reach, wallMs: performance.now() - began };
}

function markdown(result: SourceResult, backend: string): string {
  const lines = [
    `### ${result.source} — ${result.train} training / ${result.test} held-out samples (backend ${backend}, wall ${(result.wallMs / 60000).toFixed(1)} min)`,
    '',
    result.description,
    '',
    'Median over seeds; ρ = Spearman, MAPE in % on linear values; EDP = cycles × energy per layer.',
    '',
    '| model | n | cycles ρ | cycles MAPE | energy ρ | energy MAPE | EDP ρ | EDP MAPE | EDP ±1σ coverage | train s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.rows.map((r) => `| ${r.model} | ${r.label} | ${fmt(r.median.cycles.rho, 3)} | ${fmt(r.median.cycles.mape, 1)} | ${fmt(r.median.energy.rho, 3)} | ${fmt(r.median.energy.mape, 1)} | ${fmt(r.median.edp.rho, 3)} | ${fmt(r.median.edp.mape, 1)} | ${r.median.edpCoverage === undefined ? '–' : fmt(r.median.edpCoverage, 2)} | ${fmt(r.medianTrainMs / 1000, 1)} |`),
    '',
    `DOSA's best EDP MAPE ${fmt(result.dosaBest.edpMape, 1)} % (${result.dosaBest.edpMapeBy}); best EDP ρ ${fmt(result.dosaBest.edpRho, 3)} (${result.dosaBest.edpRhoBy}).`,
    '',
    '| model | samples to reach DOSA\'s best EDP MAPE | samples to reach DOSA\'s best EDP ρ |',
    '| --- | --- | --- |',
    ...result.reach.map((r) => `| ${r.model} | ${r.mapeN ?? 'not reached'} | ${r.rhoN ?? 'not reached'} |`),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const began = performance.now();
  await ensureBackend();
  const backend = activeBackendName() ?? 'unknown';
  const log = (line: string): void => { process.stderr.write(`${line}\n`); };
  log(`sample-efficiency: backend ${backend}; sources ${options.sources.join(', ')}; sizes ${options.sizes.join(', ')}; seeds ${options.seeds.join(', ')}; models ${options.models.map((m) => m.name).join(', ')}${options.quick ? '; quick' : ''}`);
  const results: SourceResult[] = [];
  const unavailable: { source: SourceName; error: string }[] = [];
  for (const name of options.sources) {
    let loaded: LoadedSource;
    try {
      loaded = await loadSource(name);
    } catch (error) {
      if (options.explicitSource) throw error;
      unavailable.push({ source: name, error: (error as Error).message });
      log(`source ${name} unavailable: ${(error as Error).message}`);
      continue;
    }
    log(`source ${name}: ${loaded.description}`);
    const reused = options.reuse ? (JSON.parse(readFileSync(options.reuse, 'utf8')) as { results: SourceResult[] }).results.find((r) => r.source === name)?.runs ?? [] : [];
    results.push(await runSource(loaded, options, log, reused));
  }
  const wallMs = performance.now() - began;
  const report = [
    `## Sample efficiency (backend ${backend}; seeds ${options.seeds.join(', ')}; total wall ${(wallMs / 60000).toFixed(1)} min)`,
    ...results.map((r) => markdown(r, backend)),
    ...unavailable.map((u) => `Source ${u.source} unavailable: ${u.error}`),
  ].join('\n\n');
  process.stdout.write(`${report}\n`);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify({
    benchmark: 'sample-efficiency', createdAt: new Date().toISOString(), backend, node: process.version,
    options: { sources: options.sources, sizes: options.sizes, seeds: options.seeds, models: options.models.map((m) => m.name), quick: options.quick },
    wallMs, results, unavailable,
  }, null, 2)}\n`);
  log(`wrote ${options.out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    process.stderr.write(`sample-efficiency: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
