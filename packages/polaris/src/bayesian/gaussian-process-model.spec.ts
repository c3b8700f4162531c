import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type HardwareConfig, HardwareSpace, Random, type Sample, builtinWorkload } from '@polaris/core';
import { flatDesignPoint, macsPerPeEvaluation, tinyWorkload } from '@polaris/core/testing';
import { GaussianProcessFileError, GaussianProcessModel, fitSampleCount } from './gaussian-process-model.js';

const workload = tinyWorkload();
const space = new HardwareSpace();
const sample = (hardware: HardwareConfig): Sample => {
  const point = flatDesignPoint(hardware, workload);
  return { point, workload, evaluation: macsPerPeEvaluation(point, workload, { id: 'toy', version: '1', fidelity: 'analytical' }) };
};
const random = new Random(3);
const samples = Array.from({ length: 40 }, () => sample(space.sample(random)));
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('GaussianProcessModel', () => {
  it('predicts the ln EDP of held-out hardware of a smooth toy model closely, with σ that covers the error', async () => {
    const model = new GaussianProcessModel(space, 1);
    await model.fit(samples);
    const held = Array.from({ length: 20 }, () => sample(space.sample(random)));
    const { mean, std } = await model.predictHardware(held.map((s) => s.point.hardware), workload);
    const errors = held.map((s, i) => Math.abs(mean[i] - Math.log(s.evaluation.edp)));
    const spread = Math.max(...samples.map((s) => Math.log(s.evaluation.edp))) - Math.min(...samples.map((s) => Math.log(s.evaluation.edp)));
    // The toy ln EDP spans ~10 nats over the space; 40 samples pin it to a few percent of that.
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(0.05 * spread);
    expect(errors.filter((e, i) => e <= 3 * std[i] + 1e-6).length).toBeGreaterThanOrEqual(18);
    // At a training point the latent σ is small and the mean is the observation (up to the fitted noise).
    const at = await model.predict([samples[0].point], workload);
    expect(at.mean[0]).toBeCloseTo(Math.log(samples[0].evaluation.edp), 1);
  });

  it('is a deterministic function of (samples, seed)', async () => {
    const a = new GaussianProcessModel(space, 7);
    const b = new GaussianProcessModel(space, 7);
    await a.fit(samples.slice(0, 20));
    await b.fit(samples.slice(0, 20));
    expect([...a.posterior!.theta]).toEqual([...b.posterior!.theta]);
  });

  it('pending hardware shrinks σ near it and leaves the mean', async () => {
    const model = new GaussianProcessModel(space, 1);
    await model.fit(samples.slice(0, 15));
    const probe: HardwareConfig[] = [{ peDim: 32, spKB: 300, accKB: 40 }, { peDim: 4, spKB: 2, accKB: 1500 }];
    const before = await model.predictHardware(probe, workload);
    const after = await model.predictHardware(probe, workload, { pending: [{ peDim: 32, spKB: 310, accKB: 40 }] });
    expect(after.mean[0]).toBeCloseTo(before.mean[0], 8);
    expect(after.std[0]).toBeLessThan(0.5 * before.std[0]);
    expect(after.std[1]).toBeCloseTo(before.std[1], 3);
  });

  it('a growing pending list gives exactly what a fresh prediction with the whole list gives', async () => {
    const model = new GaussianProcessModel(space, 1);
    await model.fit(samples.slice(0, 15));
    const pool = samples.slice(15).map((s) => s.point.hardware);
    const [a, b] = [{ peDim: 32, spKB: 300, accKB: 40 }, { peDim: 8, spKB: 20, accKB: 100 }];
    await model.predictHardware(pool, workload, { pending: [a] });
    const grown = await model.predictHardware(pool, workload, { pending: [a, b] });
    const fresh = await model.predictHardware([...pool], workload, { pending: [a, b] });
    expect([...grown.std]).toEqual([...fresh.std]);
    expect([...grown.mean]).toEqual([...fresh.mean]);
  });

  it('update gives the model a fit on every sample gives, and refits θ only at the schedule steps', async () => {
    const updated = new GaussianProcessModel(space, 1);
    await updated.fit(samples.slice(0, 20));
    await updated.update(samples.slice(20));
    const fitted = new GaussianProcessModel(space, 1);
    await fitted.fit(samples);
    expect(updated.posterior!.size).toBe(40);
    expect([...updated.posterior!.theta]).toEqual([...fitted.posterior!.theta]);
    // The steps: 16, 20, 25, 31, 38, 47, …, 112, 140 (each ⌊1.25×⌋ the last); 39 and 40 samples share m = 38.
    expect(fitSampleCount(40, 150)).toBe(38);
    expect([10, 16, 24, 25, 46, 150, 1000].map((n) => fitSampleCount(n, 150))).toEqual([10, 16, 20, 25, 38, 140, 140]);
  });

  it('saves and loads to the same predictions, and names the file when it is damaged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'polaris-gp-'));
    dirs.push(dir);
    const model = new GaussianProcessModel(space, 1);
    await model.fit(samples.slice(0, 25));
    await model.save(dir);
    const loaded = new GaussianProcessModel(space, 1);
    await loaded.load(dir);
    const probe = samples.slice(25).map((s) => s.point.hardware);
    expect([...(await loaded.predictHardware(probe, workload)).mean]).toEqual([...(await model.predictHardware(probe, workload)).mean]);
    await expect(new GaussianProcessModel(new HardwareSpace({ peDim: [2, 16] }), 1).load(dir)).rejects.toThrow(/saved for the space/);
    await writeFile(join(dir, 'gaussian-process.json'), '{"kind": "something else"}');
    await expect(loaded.load(dir)).rejects.toThrow(GaussianProcessFileError);
    await expect(loaded.load(join(dir, 'missing'))).rejects.toThrow(/cannot read the saved GP/);
  });

  it('refuses another workload, no samples and predictions before a fit', async () => {
    const model = new GaussianProcessModel(space, 1);
    await expect(model.predictHardware([{ peDim: 16, spKB: 128, accKB: 32 }], workload)).rejects.toThrow(/before fit/);
    await expect(model.fit([])).rejects.toThrow(/at least one sample/);
    await model.fit(samples.slice(0, 5));
    await expect(model.predictHardware([{ peDim: 16, spKB: 128, accKB: 32 }], builtinWorkload('bert'))).rejects.toThrow(/another workload/);
  });
});
