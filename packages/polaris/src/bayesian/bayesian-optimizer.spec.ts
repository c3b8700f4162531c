import { describe, expect, it } from 'vitest';
import {
  type DesignPoint, HardwareSpace, LayerDoesNotFitError, type Mapper, type PerformanceModel, type Prediction, type Sample, type Trial, type Workload,
  hashDesignPoint,
} from '@polaris/core';
import { describeOptimizerContract, macsPerPeEvaluation, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from '@polaris/analytical';
import { hardwareKey } from '../mapping/mapping-sampler.js';
import { BayesianOptimizer, type BayesianOptimizerOptions } from './bayesian-optimizer.js';
import { GaussianProcessModel } from './gaussian-process-model.js';

const mapper = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1 });
const make = (seed: number, workload: Workload, options: BayesianOptimizerOptions = {}, space = new HardwareSpace(), model?: PerformanceModel) =>
  new BayesianOptimizer(workload, mapper, space, seed, model ?? new GaussianProcessModel(space, seed), options);

describeOptimizerContract('bayesian', (seed, workload) => make(seed, workload), () => ({ workload: tinyWorkload() }));
describeOptimizerContract('bayesian (model from trial 3, EI, penalisation)',
  (seed, workload) => make(seed, workload, { warmup: 3, poolSize: 200, acquisition: 'ei', diversity: 'penalisation' }),
  () => ({ workload: tinyWorkload() }));
describeOptimizerContract('bayesian (model from trial 3, a model that reads mappings, penalisation)',
  (seed, workload) => make(seed, workload, { warmup: 3, poolSize: 16, diversity: 'penalisation' }, new HardwareSpace(), new MappingReadingModel()),
  () => ({ workload: tinyWorkload() }));
describeOptimizerContract('bayesian (model from trial 3, LCB, believer)',
  (seed, workload) => make(seed, workload, { warmup: 3, poolSize: 200 }), () => ({ workload: tinyWorkload() }));

/**
 * A model that reads mappings (no `predictHardware`, as Starlight and DOSA's predictor): ln of the
 * toy EDP of each mapped point, σ 0.3. Records the sample counts it was fitted on and the points
 * it was asked to predict.
 */
class MappingReadingModel implements PerformanceModel {
  readonly id = 'mapping-reader';
  readonly fitted: number[] = [];
  readonly predicted: DesignPoint[][] = [];
  async fit(samples: readonly Sample[]) { this.fitted.push(samples.length); }
  async update() {}
  async predict(points: readonly DesignPoint[], workload: Workload): Promise<Prediction> {
    this.predicted.push([...points]);
    const edp = (p: DesignPoint) => macsPerPeEvaluation(p, workload, { id: 'toy', version: '1', fidelity: 'analytical' }).edp;
    return { mean: Float64Array.from(points, (p) => Math.log(edp(p))), std: new Float64Array(points.length).fill(0.3) };
  }
  async save() {}
  async load() {}
}

const toyTrial = (point: DesignPoint, workload: Workload): Trial => ({
  point,
  result: { ok: true, pointHash: hashDesignPoint(point), evaluation: macsPerPeEvaluation(point, workload, { id: 'toy', version: '1', fidelity: 'analytical' }) },
});

/** Runs `rounds` asks of `batch` on the toy model, telling each; returns the asked points. */
async function drive(optimizer: BayesianOptimizer, workload: Workload, batch: number, rounds: number): Promise<DesignPoint[]> {
  const asked: DesignPoint[] = [];
  for (let r = 0; r < rounds; r++) {
    const points = await optimizer.ask(batch);
    optimizer.tell(points.map((p) => toyTrial(p, workload)));
    asked.push(...points);
  }
  return asked;
}

describe('BayesianOptimizer', () => {
  it.each(['believer', 'penalisation'] as const)('a %s batch is q distinct hardware, none told before', async (diversity) => {
    const workload = tinyWorkload();
    const optimizer = make(2, workload, { warmup: 8, diversity, randomFraction: 0 });
    const history = await drive(optimizer, workload, 8, 2);
    const batch = await optimizer.ask(8);
    expect(batch).toHaveLength(8);
    const keys = batch.map((p) => hardwareKey(p.hardware));
    expect(new Set(keys).size).toBe(8);
    const told = new Set(history.map((p) => hardwareKey(p.hardware)));
    expect(keys.filter((k) => told.has(k))).toEqual([]);
  });

  it('leaves failed trials out of the model and asks valid points after them', async () => {
    const workload = tinyWorkload();
    const space = new HardwareSpace();
    const fitted: number[] = [];
    const gp = new GaussianProcessModel(space, 1);
    const spy: PerformanceModel = {
      id: 'spy', update: (s) => gp.update(s), predict: (p, w) => gp.predict(p, w), save: (d) => gp.save(d), load: (d) => gp.load(d),
      predictHardware: (h, w, o) => gp.predictHardware(h, w, o),
      fit: (samples: readonly Sample[]) => { fitted.push(samples.length); return gp.fit(samples); },
    };
    const optimizer = make(1, workload, { warmup: 6 }, space, spy);
    const first = await optimizer.ask(6);
    optimizer.tell(first.map((point, i) => (i % 2 === 0
      ? toyTrial(point, workload)
      : { point, result: { ok: false, pointHash: hashDesignPoint(point), error: 'simulated crash', recoverable: false } })));
    const next = await optimizer.ask(3);
    expect(fitted).toEqual([3]);
    expect(next).toHaveLength(3);
    const told = new Set(first.map((p) => hardwareKey(p.hardware)));
    expect(next.filter((p) => told.has(hardwareKey(p.hardware)))).toEqual([]);
  });

  it.each(['believer', 'penalisation'] as const)('skips hardware the mapper cannot fit and takes the next candidate (%s)', async (diversity) => {
    const workload = tinyWorkload();
    const picky: Mapper = {
      id: 'picky',
      map: (layer, hardware, seed) => {
        if (hardware.peDim >= 32) throw new LayerDoesNotFitError(`peDim ${hardware.peDim} refused by the test`);
        return mapper.map(layer, hardware, seed);
      },
    };
    const space = new HardwareSpace();
    const optimizer = new BayesianOptimizer(workload, picky, space, 4, new GaussianProcessModel(space, 4), { warmup: 6, diversity });
    const points = await drive(optimizer, workload, 6, 3);
    expect(points).toHaveLength(18);
    expect(points.every((p) => p.hardware.peDim < 32)).toBe(true);
  });

  it('maps the points of a batch concurrently through the mapper\'s batch API', async () => {
    const workload = tinyWorkload();
    let inFlight = 0;
    let most = 0;
    const pooled: Mapper = {
      id: 'pooled',
      map: (layer, hardware, seed) => mapper.map(layer, hardware, seed),
      mapMany: async (requests) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return requests.map(({ layer, hardware, seed }) => ({ ok: true as const, result: mapper.map(layer, hardware, seed) }));
      },
    };
    const space = new HardwareSpace();
    const optimizer = new BayesianOptimizer(workload, pooled, space, 2, new GaussianProcessModel(space, 2), { warmup: 4 });
    const points = await drive(optimizer, workload, 4, 3);
    expect(points).toHaveLength(12);
    expect(most).toBe(4); // warm-up and model-phase batches alike: all four points at once
  });

  it('a second ask before the tell proposes other hardware than the pending batch', async () => {
    const workload = tinyWorkload();
    const optimizer = make(5, workload, { warmup: 4 });
    await drive(optimizer, workload, 4, 1);
    const a = await optimizer.ask(4);
    const b = await optimizer.ask(4);
    const keys = [...a, ...b].map((p) => hardwareKey(p.hardware));
    expect(new Set(keys).size).toBe(8);
  });

  it('returns fewer points when a narrow space is used up', async () => {
    const workload = tinyWorkload();
    const space = new HardwareSpace({ peDim: [16, 16], spKB: [64, 65], accKB: [32, 32] });
    const optimizer = make(1, workload, { warmup: 1 }, space);
    const points = await drive(optimizer, workload, 4, 2);
    expect(points.map((p) => p.hardware.spKB).sort()).toEqual([64, 65]);
    expect(await optimizer.ask(4)).toEqual([]);
  });

  it('scores a mapped pool with a model that reads mappings, and picks exactly points it scored', async () => {
    const workload = tinyWorkload();
    const model = new MappingReadingModel();
    const optimizer = make(4, workload, { warmup: 2, poolSize: 12, randomFraction: 0 }, new HardwareSpace(), model);
    const history = await drive(optimizer, workload, 2, 1);
    expect(model.predicted).toEqual([]); // warm-up: no model
    const batch = await optimizer.ask(3);
    expect(model.fitted).toEqual([2]);
    expect(batch).toHaveLength(3);
    const scored = model.predicted.flat();
    expect(scored.length).toBeGreaterThan(3);
    expect(scored.every((p) => p.mappings.length === workload.layers.length)).toBe(true);
    const scoredHashes = new Set(scored.map(hashDesignPoint));
    expect(batch.every((p) => scoredHashes.has(hashDesignPoint(p)))).toBe(true);
    const told = new Set(history.map((p) => hardwareKey(p.hardware)));
    expect(new Set(batch.map((p) => hardwareKey(p.hardware))).size).toBe(3);
    expect(batch.some((p) => told.has(hardwareKey(p.hardware)))).toBe(false);
    // The believer cannot condition this model on its picks: one prediction per ask serves every pick.
    expect(model.predicted).toHaveLength(1);
  });
});
