/**
 * Starlight's speed: predictions per second (mean and σ of ln cycles, ln energy, ln EDP) for
 * batches of 10,000 design points, per training-set size, and the training times — Starlight-Low
 * pretraining and the transfer. DOSA's predictor (full width) predicts the same batch in the same
 * run as the baseline. Medians of `--repeats` runs (default 5). Names the tfjs backend.
 *
 * Also `Starlight.update` with 10 new rows at each n (median of 3): a GP-only update (the default
 * between encoder turns) and one with encoder fine-tuning.
 *
 * Run: `npm run bench:speed -w @polaris/starlight` (options: `--epochs 30`, `--per-layer 150`,
 * `--sizes 100,200,400,800`, `--repeats 5`, `--workers 2` for the worker-thread pool's rate).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Random } from '@polaris/core';
import { analyzeLayer } from '@polaris/analytical';
import { activeBackendName, ensureBackend } from '../src/backend/index.js';
import { DosaPredictor } from '../src/dosa/dosa-predictor.js';
import { Starlight } from '../src/dkl/starlight.js';
import { FEATURE_LENGTH, featurize } from '../src/features/featurizer.js';
import { StarlightLow } from '../src/low/starlight-low.js';
import { StarlightPredictionPool } from '../src/prediction-pool/index.js';
import { layerTableFromSamples, selectRows } from '../src/model/layer-table.js';
import { cachedAnalyticalCorpus } from './analytical-corpus.js';
import { importFiresimSamples } from './sample-efficiency-sources.js';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '30' }, 'per-layer': { type: 'string', default: '150' },
    sizes: { type: 'string', default: '100,200,400,800,1200' }, repeats: { type: 'string', default: '5' }, batch: { type: 'string', default: '10000' },
    workers: { type: 'string', default: String(availableParallelism()) },
  },
});
const repeats = Number(values.repeats);
const batch = Number(values.batch);
const workers = Number(values.workers);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const timeMs = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
/** CPU time of this process (user + system), ms: what a loaded machine changes least. */
const cpuTimeMs = (f: () => void) => {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

async function main(): Promise<void> {
  const backend = await ensureBackend();
  console.log(`tfjs backend: ${backend}`);
  const corpus = cachedAnalyticalCorpus({ perLayer: Number(values['per-layer']) });
  const lowTable = layerTableFromSamples(corpus);
  let t = performance.now();
  const low = await StarlightLow.pretrain(lowTable, { epochs: Number(values.epochs), seed: 1 });
  const pretrainMs = performance.now() - t;
  console.log(`Starlight-Low pretraining: ${lowTable.rows} analytical rows × ${values.epochs} epochs in ${(pretrainMs / 1000).toFixed(1)} s (validation MAE ln cycles/energy ${low.metadata.training?.validationMae?.map((v) => v.toFixed(3)).join(' / ')})`);

  const high = layerTableFromSamples(importFiresimSamples().samples);
  const queryRows = new Random(7).shuffle(Array.from({ length: lowTable.rows }, (_, i) => i)).slice(0, batch);
  while (queryRows.length < batch) queryRows.push(queryRows[queryRows.length % lowTable.rows]);
  const query = selectRows(lowTable, queryRows);

  const rows: {
    n: number; transferS: number; perSecond: number; exactSigmaPerSecond: number; previousDefaultPerSecond: number; leanestPerSecond: number;
    update10Ms: number; update10EncoderMs: number; pooledPerSecond: number; perCpuSecond: number;
  }[] = [];
  /** Median ms of `Starlight.update` with the model's n rows plus 10 more (the model is unchanged by an update). */
  const updateMs = async (model: Starlight, order: number[], n: number, fineTuneEvery: number) => {
    const table = selectRows(high, order.slice(0, Math.min(n + 10, high.rows)));
    const times: number[] = [];
    for (let r = 0; r < Math.min(3, repeats); r++) {
      const started = performance.now();
      const next = await model.update(table, { fineTuneEvery });
      times.push(performance.now() - started);
      next.dispose();
    }
    return median(times);
  };
  /** Predictions per second of `clock` time (wall by default, {@link cpuTimeMs} for CPU-seconds). */
  const rate = (model: Starlight, clock = timeMs) => {
    model.predict(query.features, query.rows); // warm-up
    const ms = median(Array.from({ length: repeats }, () => clock(() => model.predict(query.features, query.rows))));
    return (batch / ms) * 1000;
  };
  /** The same batch on a pool of `workers` threads (each loads the model saved to a temporary directory). */
  const pooledRate = async (model: Starlight) => {
    const pool = await StarlightPredictionPool.fromModel(model, { workers });
    try {
      await pool.predict(query.features, query.rows); // warm-up: starts the threads and loads the model in each
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const started = performance.now();
        await pool.predict(query.features, query.rows);
        times.push(performance.now() - started);
      }
      return (batch / median(times)) * 1000;
    } finally {
      await pool.close();
    }
  };
  for (const n of values.sizes!.split(',').map(Number)) {
    const order = new Random(n).shuffle(Array.from({ length: high.rows }, (_, i) => i));
    const subset = selectRows(high, order.slice(0, Math.min(n, high.rows)));
    t = performance.now();
    const model = await Starlight.transfer(low, subset, { seed: 1 });
    const transferMs = performance.now() - t;
    const perSecond = rate(model);
    const perCpuSecond = rate(model, cpuTimeMs);
    const exact = model.withVarianceRows(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    const exactSigmaPerSecond = rate(exact);
    exact.dispose();
    // The defaults before 2026-12-03 (mean from 256 inducing rows, σ from 256) and a leaner setting (64 / 32).
    const previous = model.withVarianceRows(256, 256);
    const previousDefaultPerSecond = rate(previous);
    previous.dispose();
    const lean = model.withVarianceRows(32, 64);
    const leanestPerSecond = rate(lean);
    lean.dispose();
    // The first update after a transfer is a GP-only one (default fineTuneEvery); fineTuneEvery 1 forces an encoder turn.
    const update10Ms = await updateMs(model, order, subset.rows, 5);
    const update10EncoderMs = await updateMs(model, order, subset.rows, 1);
    const pooledPerSecond = await pooledRate(model);
    rows.push({ n: subset.rows, transferS: transferMs / 1000, perSecond, exactSigmaPerSecond, previousDefaultPerSecond, leanestPerSecond, update10Ms, update10EncoderMs, pooledPerSecond, perCpuSecond });
    const fmt = (v: number) => Math.round(v).toLocaleString('en');
    console.log(`n=${subset.rows}: transfer ${(transferMs / 1000).toFixed(1)} s; predictions/s (batch ${batch}, median of ${repeats}): ${fmt(perSecond)} with the mean from ≤${model.metadata.inducingRows ?? 'all'} and σ from ≤${model.metadata.varianceRows ?? 'all'} rows (${fmt(perCpuSecond)} per CPU-second), ${fmt(exactSigmaPerSecond)} exact mean and σ, ${fmt(previousDefaultPerSecond)} mean and σ from 256 rows (the previous default), ${fmt(leanestPerSecond)} mean from 64 inducing rows and σ from 32, ${fmt(pooledPerSecond)} default on ${workers} worker threads; update +10 rows ${fmt(update10Ms)} ms (GP only), ${fmt(update10EncoderMs)} ms (with encoder fine-tuning)`);
    model.dispose();
  }

  // End to end from (hardware, layer, mapping): analytical analysis + featurization + prediction.
  const model = await Starlight.transfer(low, selectRows(high, Array.from({ length: 200 }, (_, i) => i)), { seed: 1 });
  const points = queryRows.map((r) => corpus[r]);
  const features = new Float32Array(batch * FEATURE_LENGTH);
  const endToEndMs = median(Array.from({ length: repeats }, () => timeMs(() => {
    points.forEach((s, k) => featurize({ ...s, analytical: analyzeLayer(s.layer, s.hardware, s.mapping) }, features.subarray(k * FEATURE_LENGTH, (k + 1) * FEATURE_LENGTH)));
    model.predict(features, batch);
  })));
  console.log(`end to end (analytical analysis + featurize + predict), n=200: ${Math.round((batch / endToEndMs) * 1000).toLocaleString('en')} design-point layers/s`);

  // Baseline in the same run: DOSA's predictor, full width.
  const dosa = DosaPredictor.create({ variant: 'residual', epochs: 1, seed: 1 });
  const fitRows = Array.from({ length: 256 }, (_, i) => i);
  await dosa.fit(fitRows.map((r) => ({ features: high.features.subarray(r * FEATURE_LENGTH, (r + 1) * FEATURE_LENGTH), logCycles: high.targets.logCycles[r], logEnergy: high.targets.logEnergy[r] })));
  dosa.predict(query.features.subarray(0, 1000 * FEATURE_LENGTH));
  const dosaMs = median(Array.from({ length: Math.min(3, repeats) }, () => timeMs(() => dosa.predict(query.features))));
  console.log(`DOSA predictor (baseline, same batch): ${Math.round((batch / dosaMs) * 1000).toLocaleString('en')} predictions/s`);

  const result = {
    backend: activeBackendName(), batch, repeats, workers, load1: loadavg()[0], pretrain: { rows: lowTable.rows, epochs: Number(values.epochs), seconds: pretrainMs / 1000 },
    starlight: rows, endToEndPerSecond: (batch / endToEndMs) * 1000, dosaPerSecond: (batch / dosaMs) * 1000,
  };
  mkdirSync('polaris-runs/bench', { recursive: true });
  writeFileSync('polaris-runs/bench/prediction-speed.json', JSON.stringify(result, null, 2));
  console.log('written polaris-runs/bench/prediction-speed.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
