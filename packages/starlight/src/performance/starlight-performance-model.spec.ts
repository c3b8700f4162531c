import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PerformanceModel, PluginRegistry, type Sample, type Workload } from '@polaris/core';
import { describePerformanceModelContract, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalEvaluator, AnalyticalMapper } from '@polaris/analytical';
import { ensureBackend } from '../backend/index.js';
import { StarlightLow } from '../low/starlight-low.js';
import { layerTableFromSamples } from '../model/layer-table.js';
import { StarlightEvaluator } from '../surrogate/starlight-evaluator.js';
import { FIT_REGION, UPDATE_REGION, analyticalDataset, syntheticSamples } from './contract-fixture.js';
import { StarlightPerformanceModel } from './starlight-performance-model.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workload: Workload = tinyWorkload();
const features = new AnalyticalEvaluator();
const mapper = new AnalyticalMapper({ samples: 30, improvementSteps: 20, starts: 1 });
/** Small and quick: fixed fine-tuning steps (no validation refit), a short hyperparameter fit. */
const SMALL = { transfer: { fineTuneSteps: 20, hyperparameterIterations: 40 }, update: { fineTuneSteps: 5, hyperparameterIterations: 10 } };
let low: StarlightLow | undefined;
let fitSamples: Sample[];
let updateSamples: Sample[];
const made: StarlightPerformanceModel[] = [];
const dirs: string[] = [];

async function pretrained(): Promise<StarlightLow> {
  if (!low) {
    await ensureBackend();
    const table = layerTableFromSamples(await analyticalDataset(features, mapper, workload, 40, 1));
    low = await StarlightLow.pretrain(table, { epochs: 4, batchSize: 64, latentDim: 4, hidden: [32, 16], seed: 1 });
    fitSamples = await syntheticSamples(features, mapper, workload, { ...FIT_REGION, points: 12 });
    updateSamples = await syntheticSamples(features, mapper, workload, { ...UPDATE_REGION, points: 6 });
  }
  return low;
}

function starlightModel(seed: number): StarlightPerformanceModel {
  const model = new StarlightPerformanceModel({ features, seed, low, ...SMALL });
  made.push(model);
  return model;
}

afterAll(async () => {
  for (const m of made) m.dispose();
  low?.dispose();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describePerformanceModelContract('starlight', (seed) => starlightModel(seed), async () => {
  await pretrained();
  return { workload, fitSamples, updateSamples };
}, { perLayer: true });

describe('StarlightPerformanceModel', () => {
  let model: StarlightPerformanceModel;
  beforeAll(async () => {
    await pretrained();
    model = starlightModel(4);
    await model.fit(fitSamples);
  }, 120_000);

  it('predicts for a point what the starlight evaluator reports of it: ln EDP and its σ, per layer the medians and σ', async () => {
    const evaluator = new StarlightEvaluator({ model: model.starlight!, modelHash: 'test', features });
    const points = updateSamples.map((s) => s.point);
    const results = await firstValueFrom(evaluator.evaluate(points, workload).pipe(toArray()));
    const prediction = await model.predict(points, workload);
    const L = workload.layers.length;
    results.forEach((r, p) => {
      if (!r.ok) throw new Error(r.error);
      expect(prediction.mean[p]).toBeCloseTo(Math.log(r.evaluation.edp), 9);
      expect(prediction.std[p]).toBeCloseTo(r.evaluation.std!, 9);
      expect(prediction.network!.logCycles.mean[p]).toBeCloseTo(Math.log(r.evaluation.cycles), 9);
      r.evaluation.layers.forEach((layer, l) => {
        expect(prediction.layers!.logEnergy.mean[p * L + l]).toBeCloseTo(Math.log(layer.energy), 9);
        expect(prediction.layers!.logCycles.std[p * L + l]).toBeCloseTo(layer.std!.logCycles, 9);
      });
    });
  });

  it('keeps the rows it was trained on, appends the new ones on update, and records the warm start', async () => {
    const refit = starlightModel(4);
    await refit.fit(fitSamples);
    expect(refit.trainingRows!.rows).toBe(12 * workload.layers.length);
    await refit.update(updateSamples);
    expect(refit.trainingRows!.rows).toBe(18 * workload.layers.length);
    expect(refit.starlight!.metadata.rows).toBe(18 * workload.layers.length);
    expect(refit.starlight!.metadata.training).toMatchObject({ fineTuneSteps: 5, warmStart: { fromRows: 36, hyperparameterIterations: 10, updates: 1 } });
    await refit.update([]);
    expect(refit.trainingRows!.rows).toBe(54);
  }, 60_000);

  it('refuses an update with samples of another fidelity, and a fit of mixed fidelities, naming both', async () => {
    const refit = starlightModel(4);
    await refit.fit(fitSamples);
    const analytical = updateSamples.map((s) => ({ ...s, evaluation: { ...s.evaluation, fidelity: 'analytical' as const } }));
    await expect(refit.update(analytical)).rejects.toThrow(/update with analytical samples, but this model was fitted on rtl samples/);
    await expect(starlightModel(4).fit([...fitSamples, ...analytical])).rejects.toThrow(/samples of rtl and analytical fidelity in one call/);
  }, 60_000);

  it('warns once when asked about hardware more than an octave outside its training rows', async () => {
    const warnings: string[] = [];
    const fresh = starlightModel(4);
    await fresh.fit(fitSamples);
    fresh.warn = (m) => warnings.push(m);
    await fresh.predict(fitSamples.slice(0, 2).map((s) => s.point), workload); // inside FIT_REGION: no warning
    expect(warnings).toEqual([]);
    const far = updateSamples.map((s) => ({ ...s.point, hardware: { ...s.point.hardware, peDim: 128 } }));
    await fresh.predict(far, workload);
    await fresh.predict(far, workload);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/starlight: \d+ of \d+ layer rows asked have hardware more than an octave outside .*peDim 4–16.*asked peDim 128–128.*analytical model/);
  }, 60_000);

  it('refuses a fit without a Starlight-Low or pretraining options, naming both', async () => {
    const bare = new StarlightPerformanceModel({ features });
    await expect(bare.fit(fitSamples)).rejects.toThrow(/needs a pretrained Starlight-Low .*option low.*option pretrain/);
    await expect(bare.predict([fitSamples[0].point], workload)).rejects.toThrow(/predict before fit/);
  });

  it('a point the features evaluator rejects fails predict with its index and reason', async () => {
    const bad = { ...updateSamples[0].point, mappings: updateSamples[0].point.mappings.slice(0, 1) };
    await expect(model.predict([updateSamples[1].point, bad], workload)).rejects.toThrow(/point 1 .*analytical \(features\) failed/);
  });

  it('comes from the container: model "starlight" loads a saved directory, or pretrains when fit without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'starlight-model-plugin-'));
    dirs.push(dir);
    await model.save(join(dir, 'model'));
    const registry = new PluginRegistry({ baseDir: PACKAGE_DIR });
    registry.add('@polaris/analytical');
    registry.add(PACKAGE_DIR);
    await registry.load('analytical');
    const loaded = await registry.model('starlight', { options: { model: join(dir, 'model') }, seed: 4 }) as PerformanceModel;
    const points = updateSamples.map((s) => s.point);
    expect(Array.from((await loaded.predict(points, workload)).mean)).toEqual(Array.from((await model.predict(points, workload)).mean));

    const fresh = await registry.model('starlight', {
      options: { pretrainPoints: 6, epochs: 2, hidden: [16, 8], latentDim: 3, fineTuneSteps: 2, updateSteps: 1 }, seed: 5,
    }) as StarlightPerformanceModel;
    made.push(fresh, loaded as StarlightPerformanceModel);
    await fresh.fit(fitSamples.slice(0, 4));
    expect(fresh.starlightLow!.metadata).toMatchObject({ latentDim: 3, hidden: [16, 8], training: { samples: expect.any(Number), epochs: 2 } });
    const p = await fresh.predict(points, workload);
    p.std.forEach((s) => expect(s).toBeGreaterThan(0));
    await expect(registry.model('starlight', { options: { low: join(dir, 'absent') } })).rejects.toThrow(/option "low": .*absent does not exist/);
  }, 60_000);
});
