import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueryableStore, type Workload, openStore } from '@polaris/core';
import { tinyWorkload } from '@polaris/core/testing';
import { AnalyticalEvaluator, AnalyticalMapper } from '@polaris/analytical';
import type { DatasetSample } from '../datasets/dataset-sample.js';
import { FIT_REGION, UPDATE_REGION, analyticalDataset, syntheticSamples } from '../performance/contract-fixture.js';
import { featurizePoints } from '../performance/featurize-points.js';
import { StarlightPerformanceModel } from '../performance/starlight-performance-model.js';
import { type StarlightTraining, type StarlightTrainingEvent, trainStarlight } from './train-starlight.js';

const workload: Workload = tinyWorkload();
const analytical = new AnalyticalEvaluator();
const mapper = new AnalyticalMapper({ samples: 30, improvementSteps: 20, starts: 1 });
const SMALL = { lowOptions: { epochs: 3, hidden: [16, 8], latentDim: 3 }, transfer: { fineTuneSteps: 3, hyperparameterIterations: 20 } };
let dir: string;
let store: QueryableStore;
let high: DatasetSample[];
const trainings: StarlightTraining[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-starlight-'));
  store = openStore(join(dir, 'runs.sqlite'));
  // "High fidelity": the analytical answers ×1.3 cycles, ×0.8 energy.
  high = (await analyticalDataset(analytical, mapper, workload, 8, 2, FIT_REGION.space))
    .map((s) => ({ ...s, target: { cycles: 1.3 * s.target.cycles, energy: 0.8 * s.target.energy }, source: 'synthetic' }));
}, 60_000);

afterAll(async () => {
  for (const t of trainings) {
    t.model.dispose();
    t.low.dispose();
  }
  store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function train(out: string, events: StarlightTrainingEvent[]): Promise<StarlightTraining> {
  const training = await trainStarlight({
    high, seed: 3, out, onProgress: (e) => events.push(e), ...SMALL,
    pretrain: { workloads: [workload], pointsPerWorkload: 10, analytical, mapper, store },
  });
  trainings.push(training);
  return training;
}

describe('trainStarlight (pretrain Starlight-Low → transfer)', () => {
  it('pretrains on analytical points evaluated through the store, transfers, saves both, and reports each step in order', async () => {
    const events: StarlightTrainingEvent[] = [];
    const out = join(dir, 'model');
    const training = await train(out, events);
    expect(events.map((e) => e.kind)).toEqual(['pretraining-data', 'pretraining', 'epoch', 'epoch', 'epoch', 'transfer']);
    expect(events[0]).toMatchObject({ tally: { workload: 'tiny', used: 10, fresh: 10, reused: 0, failed: 0 } });
    expect(training.report).toMatchObject({ pretrainingRows: 30, lowDir: join(out, 'low'), modelDir: out, backend: expect.stringMatching(/^(tensorflow|wasm|cpu)$/) });
    expect(training.report.pretrainMs).toBeGreaterThan(0);
    expect(training.rows.rows).toBe(high.length);
    expect(training.model.metadata.training).toMatchObject({ seed: 3, fineTuneSteps: 3 });
    for (const file of ['starlight.json', 'starlight.bin', 'training-rows.json', 'low/starlight-low.json']) expect(existsSync(join(out, file)), file).toBe(true);

    // Again: every pretraining evaluation comes from the store, and the same seed trains the same model.
    const again: StarlightTrainingEvent[] = [];
    const second = await train(join(dir, 'again'), again);
    expect(again[0]).toMatchObject({ tally: { used: 10, fresh: 0, reused: 10, failed: 0 } });
    expect(second.model.metadata.gp).toEqual(training.model.metadata.gp);
  }, 60_000);

  it('what it saved loads as a performance model that predicts as the trained Starlight does, and updates', async () => {
    const training = trainings[0];
    const model = new StarlightPerformanceModel({ features: analytical, seed: 3 });
    await model.load(join(dir, 'model'));
    const fresh = await syntheticSamples(analytical, mapper, workload, { ...UPDATE_REGION, points: 3 });
    const points = fresh.map((s) => s.point);
    const rows = points.length * workload.layers.length;
    const direct = training.model.predict(await featurizePoints(analytical, points, workload, 'test'), rows);
    const prediction = await model.predict(points, workload);
    expect(Array.from(prediction.layers!.logCycles.mean)).toEqual(Array.from(direct.logCycles.mean));
    expect(model.starlightLow?.metadata.training?.samples).toBe(training.low.metadata.training?.samples);
    await model.update(fresh);
    expect(model.trainingRows!.rows).toBe(high.length + rows);
    model.dispose();
  }, 60_000);

  it('reuses a given Starlight-Low (nothing pretrained, no low/ saved)', async () => {
    const events: StarlightTrainingEvent[] = [];
    const out = join(dir, 'reused');
    const training = await trainStarlight({ high, low: trainings[0].low, seed: 1, out, onProgress: (e) => events.push(e), transfer: SMALL.transfer });
    training.model.dispose();
    expect(events.map((e) => e.kind)).toEqual(['transfer']);
    expect(training.report).toMatchObject({ pretrainingRows: 0, pretrainingData: [], pretrainMs: null });
    expect(existsSync(join(out, 'low'))).toBe(false);
    expect(existsSync(join(out, 'starlight.json'))).toBe(true);
  }, 60_000);

  it('asks for exactly one of low and pretrain, and for at least 3 high-fidelity rows before pretraining', async () => {
    await expect(trainStarlight({ high, seed: 1 })).rejects.toThrow(/either a pretrained Starlight-Low \(low\) or how to pretrain one \(pretrain\)/);
    await expect(trainStarlight({ high, seed: 1, low: trainings[0].low, pretrain: { workloads: [workload], pointsPerWorkload: 1, analytical } }))
      .rejects.toThrow(/either/);
    await expect(trainStarlight({ high: high.slice(0, 2), seed: 1, pretrain: { workloads: [workload], pointsPerWorkload: 1, analytical } }))
      .rejects.toThrow(/2 high-fidelity layer samples; Starlight needs at least 3/);
  });
});
