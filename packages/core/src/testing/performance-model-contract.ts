import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogPredictions, PerformanceModel, Prediction, Sample } from '../contracts/performance-model.js';
import type { DesignPoint } from '../domain/design-point.js';
import type { Workload } from '../domain/workload.js';

/** What the performance-model contract suite fits, updates and predicts. */
export interface PerformanceModelContractFixture {
  /** The workload every sample is of and the points are predicted on. */
  readonly workload: Workload;
  /** What `fit` is given. */
  readonly fitSamples: readonly Sample[];
  /**
   * What `update` adds: new points whose truth the fitted model gets wrong (e.g. another part of
   * the space, or a fidelity that differs there), so an update must move the predictions at them.
   */
  readonly updateSamples: readonly Sample[];
}

/** Tolerances of {@link describePerformanceModelContract}. */
export interface PerformanceModelContractOptions {
  /** The model predicts per layer: `layers` and `network` must be present (default false). */
  readonly perLayer?: boolean;
  /** Per-test timeout, ms (default 60 000). */
  readonly timeout?: number;
  /** Largest |difference| of ln predictions between a batch and one point alone (default 1e-5). */
  readonly batchTolerance?: number;
  /** After `update`, the mean |error| of ln EDP at the new points must be at most this share of the error before (default 0.8). */
  readonly updateImprovement?: number;
  /** After `update`, the mean |error| of ln EDP at the fitted points may grow by at most this (ln units; default 0.15). */
  readonly oldPointDrift?: number;
}

const points = (samples: readonly Sample[]): DesignPoint[] => samples.map((s) => s.point);

/** Mean |predicted − measured| of ln EDP. */
function logEdpError(prediction: Prediction, samples: readonly Sample[]): number {
  return samples.reduce((sum, s, i) => sum + Math.abs(prediction.mean[i] - Math.log(s.evaluation.edp)), 0) / samples.length;
}

function expectLogPredictions(p: LogPredictions, length: number, what: string): void {
  expect(p.mean.length, `${what}.mean length`).toBe(length);
  expect(p.std.length, `${what}.std length`).toBe(length);
  p.mean.forEach((v, i) => expect(Number.isFinite(v), `${what}.mean[${i}] = ${v}`).toBe(true));
  p.std.forEach((v, i) => expect(v > 0 && Number.isFinite(v), `${what}.std[${i}] = ${v} must be positive and finite`).toBe(true));
}

function expectSamePredictions(actual: Prediction, expected: Prediction, tolerance: number, what: string): void {
  const pairs: [Float64Array | undefined, Float64Array | undefined, string][] = [
    [actual.mean, expected.mean, 'mean'], [actual.std, expected.std, 'std'],
    [actual.layers?.logCycles.mean, expected.layers?.logCycles.mean, 'layers.logCycles.mean'],
    [actual.layers?.logEnergy.std, expected.layers?.logEnergy.std, 'layers.logEnergy.std'],
  ];
  for (const [a, e, name] of pairs) {
    expect(a?.length, `${what}: ${name} length`).toBe(e?.length);
    if (!a || !e) continue;
    if (tolerance === 0) expect(Array.from(a), `${what}: ${name}`).toEqual(Array.from(e));
    else a.forEach((v, i) => expect(Math.abs(v - e[i]), `${what}: ${name}[${i}] ${v} vs ${e[i]}`).toBeLessThanOrEqual(tolerance));
  }
}

/**
 * The contract every {@link PerformanceModel} must pass: after `fit`, `predict` gives finite
 * means and positive σ of ln EDP, one per point (and, for per-layer models, `points × layers`
 * arrays of ln cycles / ln energy whose network composition sums to the ln EDP mean); a batch
 * predicts each point as it would alone; the same seed and samples give the same model;
 * `save` → `load` into a fresh model predicts identically and updates as the original does;
 * `update` moves the predictions at the new samples toward them, keeps the fitted points'
 * predictions close, and costs less wall time than `fit` (a warm start, not a retrain).
 * `makeModel(seed)` must return a fresh, unfitted model each call.
 */
export function describePerformanceModelContract(
  name: string,
  makeModel: (seed: number) => PerformanceModel | Promise<PerformanceModel>,
  makeFixture: () => PerformanceModelContractFixture | Promise<PerformanceModelContractFixture>,
  options: PerformanceModelContractOptions = {},
): void {
  const timeout = options.timeout ?? 60_000;
  describe(`PerformanceModel contract: ${name}`, () => {
    let fixture: PerformanceModelContractFixture;
    let fitted: PerformanceModel;
    let fitMs = 0;
    let before: { old: Prediction; fresh: Prediction };
    let dir: string;
    beforeAll(async () => {
      fixture = await makeFixture();
      dir = await mkdtemp(join(tmpdir(), 'performance-model-contract-'));
      fitted = await makeModel(1);
      const started = performance.now();
      await fitted.fit(fixture.fitSamples);
      fitMs = performance.now() - started;
      before = {
        old: await fitted.predict(points(fixture.fitSamples), fixture.workload),
        fresh: await fitted.predict(points(fixture.updateSamples), fixture.workload),
      };
    }, 4 * timeout);
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('rejects predict before fit or load', async () => {
      const model = await makeModel(1);
      await expect(model.predict(points(fixture.fitSamples).slice(0, 1), fixture.workload)).rejects.toThrow();
    }, timeout);

    it('fit then predict: finite means and positive σ of ln EDP per point; per-layer arrays of points × layers', () => {
      for (const [prediction, samples] of [[before.old, fixture.fitSamples], [before.fresh, fixture.updateSamples]] as const) {
        const n = samples.length;
        expectLogPredictions(prediction, n, 'ln EDP');
        if (!options.perLayer && !prediction.layers) continue;
        const layers = prediction.layers;
        const network = prediction.network;
        expect(layers, 'a per-layer model gives layers').toBeDefined();
        expect(network, 'a per-layer model gives network').toBeDefined();
        expect(layers!.layers).toBe(fixture.workload.layers.length);
        expectLogPredictions(layers!.logCycles, n * layers!.layers, 'layers.logCycles');
        expectLogPredictions(layers!.logEnergy, n * layers!.layers, 'layers.logEnergy');
        expectLogPredictions(network!.logCycles, n, 'network.logCycles');
        expectLogPredictions(network!.logEnergy, n, 'network.logEnergy');
        for (let p = 0; p < n; p++) {
          const sum = network!.logCycles.mean[p] + network!.logEnergy.mean[p];
          expect(Math.abs(prediction.mean[p] - sum), `point ${p}: ln EDP = ln Σcycles + ln Σenergy`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(sum)));
          // sd(X + Y) ≤ sd(X) + sd(Y) whatever their correlation.
          expect(prediction.std[p]).toBeLessThanOrEqual(network!.logCycles.std[p] + network!.logEnergy.std[p] + 1e-9);
        }
      }
    });

    it('predicts in batches: each point of a batch as it would be predicted alone, in order', async () => {
      const tolerance = options.batchTolerance ?? 1e-5;
      const batch = points(fixture.updateSamples);
      for (const k of [0, batch.length - 1]) {
        const alone = await fitted.predict([batch[k]], fixture.workload);
        expect(Math.abs(alone.mean[0] - before.fresh.mean[k]), `point ${k} mean`).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(alone.std[0] - before.fresh.std[k]), `point ${k} std`).toBeLessThanOrEqual(tolerance);
      }
      const empty = await fitted.predict([], fixture.workload);
      expect(empty.mean.length).toBe(0);
    }, timeout);

    it('is deterministic for a seed: the same samples fit the same model', async () => {
      const again = await makeModel(1);
      await again.fit(fixture.fitSamples);
      expectSamePredictions(await again.predict(points(fixture.updateSamples), fixture.workload), before.fresh, 0, 'refit with seed 1');
    }, 2 * timeout);

    it('save → load into a fresh model predicts identically, and the loaded model updates as the original does', async () => {
      await fitted.save(join(dir, 'model'));
      const loaded = await makeModel(1);
      await loaded.load(join(dir, 'model'));
      expectSamePredictions(await loaded.predict(points(fixture.updateSamples), fixture.workload), before.fresh, 0, 'loaded');
      expectSamePredictions(await loaded.predict(points(fixture.fitSamples), fixture.workload), before.old, 0, 'loaded (fitted points)');

      const started = performance.now();
      await loaded.update(fixture.updateSamples);
      const updateMs = performance.now() - started;
      await fitted.update(fixture.updateSamples);
      const after = {
        old: await loaded.predict(points(fixture.fitSamples), fixture.workload),
        fresh: await loaded.predict(points(fixture.updateSamples), fixture.workload),
      };
      expectSamePredictions(await fitted.predict(points(fixture.updateSamples), fixture.workload), after.fresh, 1e-6, 'original vs loaded, both updated');
      expectLogPredictions(after.fresh, fixture.updateSamples.length, 'ln EDP after update');

      const freshBefore = logEdpError(before.fresh, fixture.updateSamples);
      const freshAfter = logEdpError(after.fresh, fixture.updateSamples);
      const oldBefore = logEdpError(before.old, fixture.fitSamples);
      const oldAfter = logEdpError(after.old, fixture.fitSamples);
      const note = `${name}: ln EDP error at the new points ${freshBefore.toFixed(3)} → ${freshAfter.toFixed(3)}, ` +
        `at the fitted points ${oldBefore.toFixed(3)} → ${oldAfter.toFixed(3)}; fit ${fitMs.toFixed(0)} ms, update ${updateMs.toFixed(0)} ms`;
      console.info(`[contract] ${note}`);
      expect(freshAfter, note).toBeLessThanOrEqual((options.updateImprovement ?? 0.8) * freshBefore);
      expect(oldAfter, note).toBeLessThanOrEqual(oldBefore + (options.oldPointDrift ?? 0.15));
      expect(updateMs, `${note}: update must warm-start, not retrain from scratch`).toBeLessThan(fitMs);
    }, 3 * timeout);
  });
}
