import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@polaris/core';
import { afterAll, describe, expect, it } from 'vitest';
import { activeBackendName } from '../backend/index.js';
import { ANALYTICAL_LOG2_CYCLES_INDEX, ANALYTICAL_LOG2_ENERGY_INDEX, FEATURE_LENGTH } from '../features/index.js';
import * as tf from '@tensorflow/tfjs-core';
import { DOSA_METADATA_FILE, type DosaPrediction, DosaPredictor, type DosaSample, denseWithFastGradient } from './dosa-predictor.js';

/**
 * A synthetic task where the analytical model is biased: truth = analytical + a constant
 * offset + a smooth function of other features (all in ln units).
 */
function synthetic(n: number, seed: number): DosaSample[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => {
    const f = new Float32Array(FEATURE_LENGTH);
    for (let j = 0; j < 6; j++) f[j] = rng.normal();
    const aC = 8 + 1.5 * f[0];
    const aE = 12 + f[2];
    f[ANALYTICAL_LOG2_CYCLES_INDEX] = aC / Math.LN2;
    f[ANALYTICAL_LOG2_ENERGY_INDEX] = aE / Math.LN2;
    const logCycles = f[ANALYTICAL_LOG2_CYCLES_INDEX] * Math.LN2 + 0.6 + 0.3 * f[1];
    const logEnergy = f[ANALYTICAL_LOG2_ENERGY_INDEX] * Math.LN2 - 0.4 + 0.2 * f[0];
    return { features: f, logCycles, logEnergy };
  });
}

function mae(pred: DosaPrediction, samples: readonly DosaSample[]): number {
  let sum = 0;
  samples.forEach((s, i) => { sum += Math.abs(pred.logCycles[i] - s.logCycles) + Math.abs(pred.logEnergy[i] - s.logEnergy); });
  return sum / (2 * samples.length);
}

const train = synthetic(256, 1);
const test = synthetic(128, 2);
const tiny = { hidden: [32, 32], epochs: 40, batchSize: 32, learningRate: 3e-3, seed: 7 } as const;
const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'dosa-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

describe('DosaPredictor', () => {
  it('the analytical variant predicts the analytical value exactly (in ln units)', () => {
    const p = DosaPredictor.create({ variant: 'analytical' }).predict(test.map((s) => s.features));
    test.forEach((s, i) => expect(p.logCycles[i]).toBeCloseTo(s.features[ANALYTICAL_LOG2_CYCLES_INDEX] * Math.LN2, 10));
  });

  it('residual and dnn beat the analytical-only variant when the analytical value is biased', async () => {
    const analytical = mae(DosaPredictor.create({ variant: 'analytical' }).predict(test.map((s) => s.features)), test);
    const residual = DosaPredictor.create({ variant: 'residual', ...tiny });
    const residualLog = DosaPredictor.create({ variant: 'residual-log', ...tiny });
    const dnn = DosaPredictor.create({ variant: 'dnn', ...tiny });
    const t0 = performance.now();
    await residual.fit(train);
    await residualLog.fit(train);
    await dnn.fit(train);
    const fitMs = performance.now() - t0;
    const residualMae = mae(residual.predict(test.map((s) => s.features)), test);
    const dnnMae = mae(dnn.predict(test.map((s) => s.features)), test);
    const residualLogMae = mae(residualLog.predict(test.map((s) => s.features)), test);
    console.info(`[dosa] backend ${activeBackendName()}; held-out MAE (ln): analytical ${analytical.toFixed(3)}, residual ${residualMae.toFixed(3)}, residual-log ${residualLogMae.toFixed(3)}, dnn ${dnnMae.toFixed(3)}; 2 fits in ${fitMs.toFixed(0)} ms`);
    expect(analytical).toBeGreaterThan(0.4);
    expect(residualMae).toBeLessThan(analytical / 2);
    expect(residualLogMae).toBeLessThan(analytical / 2);
    expect(dnnMae).toBeLessThan(analytical);
    expect(residual.metadata.training?.backend).toBe(activeBackendName());
    residual.dispose();
    residualLog.dispose();
    dnn.dispose();
    // Three fits: ~3 s idle, over 5 s (vitest's default) on a loaded 2-core machine.
  }, 60_000);

  it('is deterministic for a seed (initialisation, shuffle and dropout are seeded)', async () => {
    const a = DosaPredictor.create({ variant: 'residual', ...tiny, epochs: 5 });
    const b = DosaPredictor.create({ variant: 'residual', ...tiny, epochs: 5 });
    expect(await a.fit(train)).toBe(await b.fit(train));
    expect(Array.from(a.predict(test.map((s) => s.features)).logCycles)).toEqual(Array.from(b.predict(test.map((s) => s.features)).logCycles));
    a.dispose();
    b.dispose();
  });

  it('another seed gives another model; early stopping is deterministic too and keeps its best epoch', async () => {
    const a = DosaPredictor.create({ variant: 'dnn', ...tiny, epochs: 3 });
    const b = DosaPredictor.create({ variant: 'dnn', ...tiny, epochs: 3, seed: 8 });
    expect(await a.fit(train)).not.toBe(await b.fit(train));
    const early = () => DosaPredictor.create({ variant: 'residual', ...tiny, epochs: 30, validationFraction: 0.1, patience: 3 });
    const c = early();
    const d = early();
    expect(await c.fit(train)).toBe(await d.fit(train));
    const training = c.metadata.training!;
    expect(training.validationSamples).toBe(26);
    expect(training.samples).toBe(train.length - 26);
    expect(training.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(training.bestEpoch).toBeLessThanOrEqual(training.epochs);
    expect(training.epochs === 30 || training.epochs - training.bestEpoch! === 3).toBe(true);
    expect(d.metadata.training).toMatchObject({ epochs: training.epochs, bestEpoch: training.bestEpoch, validationLoss: training.validationLoss });
    expect(Array.from(c.predict(test.map((s) => s.features)).logEnergy)).toEqual(Array.from(d.predict(test.map((s) => s.features)).logEnergy));
    for (const m of [a, b, c, d]) m.dispose();
  });

  it('the dense layer\'s hand-written gradient equals tfjs\' automatic one', () => {
    const rng = new Random(3);
    const t = (rows: number, cols: number) => tf.tensor2d(Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]);
    const [x, w, dy] = [t(5, 7), t(7, 3), t(5, 3)];
    const b = tf.tensor1d([0.1, -0.2, 0.3]);
    const fast = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.mul(denseWithFastGradient(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D), dy))([x, w, b]);
    const auto = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.mul(tf.add(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D), bi), dy))([x, w, b]);
    tf.tidy(() => {
      const values = [denseWithFastGradient(x, w, b), tf.add(tf.matMul(x, w), b)].map((v) => Array.from(v.dataSync()));
      values[0].forEach((v, i) => expect(v).toBeCloseTo(values[1][i], 4));
    });
    fast.forEach((g, k) => {
      expect(g.shape).toEqual(auto[k].shape);
      const [gf, ga] = [g.dataSync(), auto[k].dataSync()];
      gf.forEach((v, i) => expect(v).toBeCloseTo(ga[i], 4));
    });
    tf.dispose([x, w, dy, b, ...fast, ...auto]);
  });

  it('save → load → predict gives identical numbers, with the featurizer version and training metadata stored', async () => {
    const model = DosaPredictor.create({ variant: 'dnn', ...tiny, epochs: 5 });
    await model.fit(train);
    const dir = await tempDir();
    await model.save(dir);
    const loaded = await DosaPredictor.load(dir);
    const rows = test.map((s) => s.features);
    const before = model.predict(rows);
    const after = loaded.predict(rows);
    expect(Array.from(after.logCycles)).toEqual(Array.from(before.logCycles));
    expect(Array.from(after.logEnergy)).toEqual(Array.from(before.logEnergy));
    expect(loaded.variant).toBe('dnn');
    expect(loaded.metadata.featurizerVersion).toBe(model.metadata.featurizerVersion);
    expect(loaded.metadata.training).toMatchObject({ samples: train.length, epochs: 5, seed: 7 });
    model.dispose();
    loaded.dispose();
  });

  it('saves and loads the analytical variant (metadata only)', async () => {
    const dir = await tempDir();
    await DosaPredictor.create({ variant: 'analytical' }).save(dir);
    const loaded = await DosaPredictor.load(dir);
    expect(loaded.predict([test[0].features]).logEnergy[0]).toBeCloseTo(test[0].features[ANALYTICAL_LOG2_ENERGY_INDEX] * Math.LN2, 10);
  });

  it('bad directories get clear errors', async () => {
    const empty = await tempDir();
    await expect(DosaPredictor.load(empty)).rejects.toThrow(/is not a saved DOSA predictor: cannot read dosa-predictor\.json \(ENOENT\)/);
    await expect(DosaPredictor.load(join(empty, 'missing'))).rejects.toThrow(/is not a saved DOSA predictor/);

    const other = await tempDir();
    await DosaPredictor.create({ variant: 'analytical' }).save(other);
    const meta = JSON.parse(await readFile(join(other, DOSA_METADATA_FILE), 'utf8')) as Record<string, unknown>;
    await writeFile(join(other, DOSA_METADATA_FILE), JSON.stringify({ ...meta, featurizerVersion: 'starlight-features/0' }));
    await expect(DosaPredictor.load(other)).rejects.toThrow(/trained on featurizer starlight-features\/0 .*this build uses starlight-features\/1.*Retrain/);

    const noWeights = await tempDir();
    await writeFile(join(noWeights, DOSA_METADATA_FILE), JSON.stringify({ ...meta, variant: 'dnn' }));
    await expect(DosaPredictor.load(noWeights)).rejects.toThrow(/no tfjs model in .*model\.json \(ENOENT\)/);

    const garbage = await tempDir();
    await writeFile(join(garbage, DOSA_METADATA_FILE), '{"kind":"something-else"}');
    await expect(DosaPredictor.load(garbage)).rejects.toThrow(/is not a DOSA predictor/);
  });

  it('rejects feature rows of the wrong length and predicting before training', () => {
    expect(() => DosaPredictor.create({ variant: 'analytical' }).predict([new Float32Array(3)])).toThrow(/length 3, featurizer starlight-features\/1 gives 119/);
    expect(() => DosaPredictor.create({ variant: 'dnn' }).predict([test[0].features])).toThrow(/not trained/);
  });

  it('builds DOSA\'s full-width network by default', () => {
    expect(DosaPredictor.create({ variant: 'dnn' }).metadata).toMatchObject({ hidden: [256, 512, 2048, 2048, 512, 256, 64], dropout: 0.3 });
  });
});
