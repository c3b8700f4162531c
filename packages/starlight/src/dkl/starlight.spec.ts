import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@polaris/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../backend/index.js';
import { StarlightLow } from '../low/starlight-low.js';
import type { LayerTable } from '../model/layer-table.js';
import { ModelFileError } from '../model/tensor-file.js';
import { Starlight } from './starlight.js';

/**
 * A synthetic multi-fidelity task: 12 inputs of which 4 matter. The low fidelity (what the
 * "analytical model" knows, the prior) is a smooth function of those 4; the high fidelity adds a
 * residual that is a smooth function of the same directions, so a latent that learnt the low
 * fidelity is the right space for the residual's GP.
 */
const COLS = 12;
function lowFidelity(x: Float32Array, o: number): [number, number] {
  return [Math.sin(2 * x[o]) + x[o + 1] ** 2 + 0.5 * x[o + 2] * x[o + 3], Math.cos(2 * x[o + 2]) + 0.7 * x[o] * x[o + 1]];
}
function syntheticTable(rows: number, seed: number, fidelity: 'low' | 'high'): LayerTable {
  const rng = new Random(seed);
  const features = new Float32Array(rows * COLS);
  for (let k = 0; k < features.length; k++) features[k] = rng.uniform(-1, 1);
  const prior = { logCycles: new Float64Array(rows), logEnergy: new Float64Array(rows) };
  const targets = { logCycles: new Float64Array(rows), logEnergy: new Float64Array(rows) };
  for (let r = 0; r < rows; r++) {
    const [c, e] = lowFidelity(features, r * COLS);
    prior.logCycles[r] = c;
    prior.logEnergy[r] = e;
    targets.logCycles[r] = fidelity === 'low' ? c : c + 0.5 * Math.tanh(1.5 * c) + 0.3;
    targets.logEnergy[r] = fidelity === 'low' ? e : e + 0.4 * e * e;
  }
  return { rows, cols: COLS, features, targets, prior };
}
const mae = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe('Starlight (deep kernel learning transfer)', () => {
  let low: StarlightLow;
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureBackend();
    low = await StarlightLow.pretrain(syntheticTable(3000, 1, 'low'), { epochs: 25, batchSize: 128, latentDim: 8, hidden: [64, 32], learningRate: 3e-3, seed: 1 });
  }, 120_000);
  afterAll(async () => {
    low.dispose();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('pretraining teaches the heads the low fidelity', () => {
    const test = syntheticTable(500, 9, 'low');
    const p = low.predict(test.features, test.rows);
    // Targets span about ±2; the heads should be far better than predicting the mean.
    expect(mae(p.logCycles, test.targets.logCycles)).toBeLessThan(0.15);
    expect(mae(p.logEnergy, test.targets.logEnergy)).toBeLessThan(0.15);
    expect(low.metadata.training?.validationMae?.[0]).toBeLessThan(0.15);
  });

  it('transfer from the pretrained encoder beats the same model trained from scratch on 40 high-fidelity rows', async () => {
    const train = syntheticTable(40, 2, 'high');
    const test = syntheticTable(500, 3, 'high');
    const options = { seed: 1, fineTuneSteps: 20 };
    const transferred = await Starlight.transfer(low, train, options);
    const scratchLow = StarlightLow.untrained(train, { latentDim: 8, hidden: [64, 32], seed: 1 });
    const scratch = await Starlight.transfer(scratchLow, train, options);
    const t = transferred.predict(test.features, test.rows, test.prior);
    const s = scratch.predict(test.features, test.rows, test.prior);
    const priorOnly = mae(test.prior.logCycles, test.targets.logCycles);
    const errTransfer = mae(t.logCycles.mean, test.targets.logCycles) + mae(t.logEnergy.mean, test.targets.logEnergy);
    const errScratch = mae(s.logCycles.mean, test.targets.logCycles) + mae(s.logEnergy.mean, test.targets.logEnergy);
    console.log(`synthetic transfer: MAE(ln) transfer ${errTransfer.toFixed(4)}, scratch ${errScratch.toFixed(4)}, prior only ${priorOnly.toFixed(4)} (cycles)`);
    expect(errTransfer).toBeLessThan(0.75 * errScratch);
    expect(mae(t.logCycles.mean, test.targets.logCycles)).toBeLessThan(0.5 * priorOnly);
    transferred.dispose();
    scratch.dispose();
    scratchLow.dispose();
  }, 120_000);

  it('chooses the fine-tuning steps by held-out error when not told', async () => {
    const model = await Starlight.transfer(low, syntheticTable(40, 8, 'high'), { seed: 4 });
    const curve = model.metadata.training.fineTuneValidation!;
    expect(curve.map((c) => c.step)).toEqual([0, 10, 25, 50, 100]);
    const best = curve.reduce((b, c) => (c.error < b.error - 1e-9 ? c : b));
    expect(model.metadata.training.fineTuneSteps).toBe(best.step);
    model.dispose();
  }, 60_000);

  it('σ is small at training rows and larger far from them', async () => {
    const train = syntheticTable(30, 4, 'high');
    const model = await Starlight.transfer(low, train, { seed: 2, fineTuneSteps: 5 });
    const at = model.predict(train.features, train.rows, train.prior);
    const far = syntheticTable(30, 5, 'high');
    for (let k = 0; k < far.features.length; k++) far.features[k] *= 4; // outside the training cube
    const away = model.predict(far.features, far.rows, far.prior);
    const median = (a: Float64Array) => [...a].sort((x, y) => x - y)[a.length >> 1];
    expect(median(at.logCycles.std)).toBeLessThan(0.5 * median(away.logCycles.std));
    for (const v of at.logEdp.std) expect(v).toBeGreaterThanOrEqual(0);
    model.dispose();
  }, 60_000);

  it('save → load → predict gives the same numbers; a model from another featurizer is refused', async () => {
    const train = syntheticTable(25, 6, 'high');
    const test = syntheticTable(50, 7, 'high');
    const model = await Starlight.transfer(low, train, { seed: 3, fineTuneSteps: 3 });
    const dir = await mkdtemp(join(tmpdir(), 'starlight-'));
    dirs.push(dir);
    await model.save(join(dir, 'model'));
    const loaded = await Starlight.load(join(dir, 'model'));
    expect(model.metadata.calibration).not.toBeNull();
    expect(loaded.metadata.calibration).toEqual(model.metadata.calibration);
    const a = model.predict(test.features, test.rows, test.prior);
    const b = loaded.predict(test.features, test.rows, test.prior);
    expect(Array.from(b.logEdp.mean)).toEqual(Array.from(a.logEdp.mean));
    expect(Array.from(b.logEdp.std)).toEqual(Array.from(a.logEdp.std));
    const json = join(dir, 'model', 'starlight.json');
    const text = (await import('node:fs/promises')).readFile(json, 'utf8');
    await writeFile(json, (await text).replace(/"featurizerVersion": "[^"]+"/, '"featurizerVersion": "starlight-features/0"'));
    await expect(Starlight.load(join(dir, 'model'))).rejects.toThrow(/featurizer starlight-features\/0.*retrain it/);
    await expect(Starlight.load(join(dir, 'nothing-here'))).rejects.toThrow(/no such file/);
    await writeFile(json, '{"metadata": {"kind": "polaris/starl');
    const corrupt = Starlight.load(join(dir, 'model'));
    await expect(corrupt).rejects.toThrow(ModelFileError);
    await expect(Starlight.load(join(dir, 'model'))).rejects.toThrow(/model\/starlight\.json is corrupt \(not JSON: .*\); retrain it with `polaris train --out .*model`/);
    model.dispose();
    loaded.dispose();
  }, 60_000);
});
