import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, throwError, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DesignPoint, type Evaluation, type Evaluator, HardwareSpace, PluginOptionsError, PluginRegistry, type Workload,
} from '@polaris/core';
import { describeEvaluatorContract, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalEvaluator, AnalyticalMapper } from '@polaris/analytical';
import { ensureBackend } from '../backend/index.js';
import { samplesFromEvaluations } from '../datasets/samples-from-store.js';
import { sampleDesignPoints } from '../datasets/sample-design-points.js';
import type { DatasetSample } from '../datasets/dataset-sample.js';
import { Starlight } from '../dkl/starlight.js';
import { featurizeBatch } from '../features/index.js';
import { StarlightLow } from '../low/starlight-low.js';
import { layerTableFromSamples } from '../model/layer-table.js';
import { StarlightEvaluator } from './starlight-evaluator.js';

/** This package's folder, added to the registry the way a host adds a plugin. */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workload: Workload = tinyWorkload();
const mapper = new AnalyticalMapper({ samples: 30, improvementSteps: 20, starts: 1 });
let root: string;
let modelDir: string;

async function evaluateAll(evaluator: Evaluator, points: readonly DesignPoint[]) {
  return firstValueFrom(evaluator.evaluate(points, workload).pipe(toArray()));
}

/** Analytical per-layer samples of `n` seeded points of the tiny workload. */
async function analyticalSamples(n: number, seed: number): Promise<DatasetSample[]> {
  const points = sampleDesignPoints(workload, n, seed, { hardwareSpace: new HardwareSpace({ peDim: [4, 32], spKB: [16, 512], accKB: [8, 128] }), mapper });
  const results = await evaluateAll(new AnalyticalEvaluator(), points);
  return results.flatMap((r, i) => {
    if (!r.ok) throw new Error(r.error);
    return samplesFromEvaluations(workload, points[i], r.evaluation, r.evaluation);
  });
}

/** A registry holding the analytical plugin (the features) and this package's starlight plugin. */
async function registryWithStarlight(): Promise<PluginRegistry> {
  const registry = new PluginRegistry({ baseDir: PACKAGE_DIR });
  registry.add('@polaris/analytical');
  registry.add(PACKAGE_DIR);
  await registry.load('analytical');
  return registry;
}

async function starlightEvaluator(model = modelDir): Promise<Evaluator> {
  return (await registryWithStarlight()).evaluator('starlight', { options: { model }, seed: 1 });
}

function fixturePoints(): DesignPoint[] {
  return [{ peDim: 16, spKB: 128, accKB: 32 }, { peDim: 8, spKB: 64, accKB: 16 }].map((hardware, i) => ({
    hardware, mappings: workload.layers.map(({ layer }) => mapper.map(layer, hardware, i + 1).mapping),
  }));
}

beforeAll(async () => {
  await ensureBackend();
  root = await mkdtemp(join(tmpdir(), 'starlight-plugin-'));
  modelDir = join(root, 'model');
  const low = await StarlightLow.pretrain(layerTableFromSamples(await analyticalSamples(60, 1)), {
    epochs: 4, batchSize: 64, latentDim: 4, hidden: [32, 16], seed: 1,
  });
  // A "high fidelity" that differs from the analytical model: cycles ×1.3, energy ×0.8.
  const high = (await analyticalSamples(10, 2)).map((s) => ({ ...s, target: { cycles: 1.3 * s.target.cycles, energy: 0.8 * s.target.energy } }));
  const model = await Starlight.transfer(low, layerTableFromSamples(high), { seed: 1, fineTuneSteps: 2 });
  await model.save(modelDir);
  model.dispose();
  low.dispose();
}, 120_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describeEvaluatorContract('starlight', () => starlightEvaluator(), () => ({
  workload,
  points: fixturePoints(),
  invalidPoints: [{ hardware: { peDim: 3, spKB: 128, accKB: 32 }, mappings: fixturePoints()[0].mappings }],
}), { timeoutMs: 30_000 });

describe('the starlight evaluator', () => {
  it('answers what the model predicts for the featurized layers, composed over the network', async () => {
    const evaluator = await starlightEvaluator();
    expect(evaluator).toMatchObject({ id: 'starlight', fidelity: 'surrogate', capabilities: { accessCounts: false, uncertainty: true, maxConcurrency: 1 } });
    expect(evaluator.version).toMatch(/^model-[0-9a-f]{16}\+analytical@/);
    const points = fixturePoints();
    const results = await evaluateAll(evaluator, points);
    const analytical = await evaluateAll(new AnalyticalEvaluator(), points);
    const model = await Starlight.load(modelDir);
    results.forEach((result, p) => {
      if (!result.ok || !analytical[p].ok) throw new Error('a fixture point failed');
      const evaluation: Evaluation = result.evaluation;
      const ana = analytical[p].evaluation;
      const features = featurizeBatch(workload.layers.map(({ layer }, l) => ({ hardware: points[p].hardware, layer, mapping: points[p].mappings[l], analytical: ana.layers[l] })));
      const expected = model.predict(features, workload.layers.length);
      evaluation.layers.forEach((layer, l) => {
        expect(Math.log(layer.cycles)).toBeCloseTo(expected.logCycles.mean[l], 9);
        expect(Math.log(layer.energy)).toBeCloseTo(expected.logEnergy.mean[l], 9);
        expect(layer.std?.logCycles).toBeCloseTo(expected.logCycles.std[l], 9);
        expect(layer.std?.logEnergy).toBeCloseTo(expected.logEnergy.std[l], 9);
        expect(layer.macs).toBe(ana.layers[l].macs);
      });
      const total = workload.layers.reduce((s, { count }, l) => s + count * evaluation.layers[l].cycles, 0);
      expect(evaluation.cycles).toBeCloseTo(total, 6);
      expect(evaluation.std).toBeGreaterThan(0);
      // The network's σ(ln EDP) cannot exceed the largest per-layer one (averaging independent errors).
      const worst = Math.max(...evaluation.layers.map((l) => Math.hypot(l.std!.logCycles, l.std!.logEnergy)));
      expect(evaluation.std).toBeLessThanOrEqual(worst + 1e-12);
    });
    model.dispose();
  }, 30_000);

  it('fails a point with the features evaluator\'s message when it cannot be scored analytically', async () => {
    const evaluator = await starlightEvaluator();
    const [good] = fixturePoints();
    const broken: DesignPoint = { hardware: good.hardware, mappings: good.mappings.slice(1) };
    const [bad, ok] = await evaluateAll(evaluator, [broken, good]);
    const [direct] = await evaluateAll(new AnalyticalEvaluator(), [broken]);
    expect(ok.ok).toBe(true);
    expect(bad.ok).toBe(false);
    if (bad.ok || direct.ok) throw new Error('expected failures');
    expect(bad.error).toContain(direct.error);
    expect(bad.error).toMatch(/^analytical \(features\): /);
  }, 30_000);

  it('names the model option and `polaris train` when the model directory is missing', async () => {
    const missing = join(root, 'no-such-model');
    await expect(starlightEvaluator(missing)).rejects.toThrow(/starlight option "model": .*no-such-model does not exist; train one with `polaris train/);
    await expect(starlightEvaluator(root)).rejects.toThrow(/holds no saved Starlight model \(no starlight\.json\)/);
    const registry = await registryWithStarlight();
    await expect(registry.evaluator('starlight', {})).rejects.toThrow(PluginOptionsError);
    await expect(registry.evaluator('starlight', {})).rejects.toThrow(/options\.model: required: the directory of a trained model \(polaris train --out <dir>\)/);
  }, 30_000);

  it('refuses to start without its features evaluator loaded', async () => {
    const registry = new PluginRegistry({ baseDir: PACKAGE_DIR });
    registry.add(PACKAGE_DIR);
    await expect(registry.evaluator('starlight', { options: { model: modelDir } })).rejects.toThrow(/option "features": no evaluator "analytical" is loaded/);
  });

  it('answers every point with a value when the features stream errors instead of failing points', async () => {
    const model = await Starlight.load(modelDir);
    const breaking: Evaluator = { ...new AnalyticalEvaluator(), id: 'breaking', evaluate: () => throwError(() => new Error('disk full')) };
    const evaluator = new StarlightEvaluator({ model, modelHash: '0123456789abcdef', features: breaking });
    const results = await evaluateAll(evaluator, fixturePoints());
    expect(results).toHaveLength(2);
    for (const r of results) expect(r).toMatchObject({ ok: false, error: 'breaking (features) failed: disk full' });
    model.dispose();
  });

  it('versions by the model: a differently trained model gets another version', async () => {
    const a = await starlightEvaluator();
    const model = await Starlight.load(modelDir);
    const other = new StarlightEvaluator({ model, modelHash: 'ffffffffffffffff', features: new AnalyticalEvaluator() });
    expect(other.version).not.toBe(a.version);
    model.dispose();
  });
});
