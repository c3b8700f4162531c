import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import {
  DifferentiableModel, type DesignPoint, HardwareSpace, Mapper, type Trial, type Workload, builtinWorkload, hashDesignPoint,
  mappingViolations,
} from '@polaris/core';
import { describeOptimizerContract, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper, RelaxedAnalyticalModel, analyzeNetwork } from '@polaris/analytical';
import { compareWithRandom } from '../testing/compare-with-random.js';
import { GradientOptimizer, type GradientOptimizerOptions } from './gradient-optimizer.js';
import { gradientOptimizerFactory } from './gradient-plugin.js';

const mapper = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1 });
const model = new RelaxedAnalyticalModel();
/** A short descent (3 designs per start) for the behavioural tests; DOSA's numbers are the plugin's defaults. */
const QUICK: GradientOptimizerOptions = { starts: 7, steps: 40, roundEvery: 20, learningRate: 0.05, penalty: 1, maxHardwareDraws: 64 };
const make = (seed: number, workload: Workload, options: Partial<GradientOptimizerOptions> = {}, space = new HardwareSpace()) =>
  new GradientOptimizer(workload, mapper, model, space, seed, { ...QUICK, ...options });
const failed = (point: DesignPoint): Trial => ({ point, result: { ok: false, pointHash: hashDesignPoint(point), error: 'x', recoverable: true } });

describeOptimizerContract('gradient', (seed, workload) => make(seed, workload), () => ({ workload: tinyWorkload() }));

describe('GradientOptimizer', () => {
  it('asks valid designs inside a narrowed space: the start, then one per rounding, each on its minimal hardware', async () => {
    const workload = builtinWorkload('resnet50');
    const space = new HardwareSpace({ peDim: [8, 32], spKB: [64, 512], accKB: [16, 128] });
    const points = await make(3, workload, { starts: 1 }, space).ask(3);
    expect(points).toHaveLength(3);
    for (const point of points) {
      expect(space.contains(point.hardware)).toBe(true);
      workload.layers.forEach((l, i) => expect(mappingViolations(l.layer, point.hardware, point.mappings[i])).toEqual([]));
    }
    // The descent moves the design: the rounded ones differ from the start.
    expect(new Set(points.map(hashDesignPoint)).size).toBeGreaterThan(1);
  });

  it('resumes mid-start: a fresh optimizer told the first trials asks exactly the uninterrupted sequence', async () => {
    const workload = tinyWorkload();
    const straight = (await make(9, workload).ask(7)).map(hashDesignPoint);
    const first = make(9, workload);
    const firstPart = await first.ask(4); // start 0's three designs and start 1's first
    const resumed = make(9, workload);
    resumed.tell(firstPart.map(failed));
    expect([...firstPart, ...(await resumed.ask(3))].map(hashDesignPoint)).toEqual(straight);
  });

  it('is exhausted after starts × designs per start', async () => {
    const optimizer = make(1, tinyWorkload(), { starts: 2 });
    const points = await optimizer.ask(10);
    expect(points).toHaveLength(6);
    optimizer.tell(points.map(failed));
    expect(await optimizer.ask(4)).toEqual([]);
  });

  it('keeps starting new descents past 7 starts when starts is not set (a budget stops it)', async () => {
    const { starts: _starts, ...unlimited } = QUICK;
    const optimizer = new GradientOptimizer(tinyWorkload(), mapper, model, new HardwareSpace(), 1, unlimited);
    const points = await optimizer.ask(8 * 3 + 1); // 8 starts of 3 designs and the 9th's first
    expect(points).toHaveLength(25);
    expect(new Set(points.map((p) => JSON.stringify(p.hardware))).size).toBeGreaterThan(7);
  });

  it('yields to the event loop during a descent and stops within a few steps when aborted', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
      if (ticks === 20) controller.abort(new Error('stopped by the test'));
    }, 1);
    const started = performance.now();
    // Without yields the first rounding alone would take minutes.
    const asked = make(4, builtinWorkload('bert'), { steps: 1_000_000, roundEvery: 500_000 }).ask(3, { signal: controller.signal });
    await expect(asked).rejects.toThrow('stopped by the test');
    clearInterval(ticker);
    expect(ticks).toBeGreaterThanOrEqual(20);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('reports each point of an ask as it is proposed', async () => {
    const proposed: [number, number][] = [];
    await make(2, tinyWorkload()).ask(4, { onProposed: (k, n) => proposed.push([k, n]) });
    expect(proposed).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
  });

  it('is created from the container\'s Mapper and DifferentiableModel, and says which one is missing', async () => {
    const container = new Container();
    const context = { id: 'gradient', seed: 1, container, workload: tinyWorkload(), options: gradientOptimizerFactory.optionsSchema!.parse({}) };
    container.bind<Mapper>(Mapper).toConstantValue(mapper);
    expect(() => gradientOptimizerFactory.create(context)).toThrow(/needs a differentiable model bound.*analytical/);
    container.bind<DifferentiableModel>(DifferentiableModel).toConstantValue(model);
    const optimizer = await gradientOptimizerFactory.create(context);
    expect(optimizer.id).toBe('gradient');
    expect(context.options).toMatchObject({ steps: 1490, roundEvery: 500 });
    expect(context.options.starts).toBeUndefined(); // no limit: the run's budget stops it
  });
});

describe('GradientOptimizer on BERT at analytical fidelity (DOSA\'s defaults: 7 starts × 1,490 steps, rounding every 500)', () => {
  it('beats random search at equal trials (28 = 7 starts × 4 designs) on seeds 1-3', async () => {
    const workload = builtinWorkload('bert');
    const space = new HardwareSpace();
    const options = gradientOptimizerFactory.optionsSchema!.parse({});
    const { ratios, geometricMean } = await compareWithRandom({
      workload, space, mapper, trials: 28, batch: 28, seeds: [1, 2, 3],
      evaluate: (point) => analyzeNetwork(workload, point.hardware, point.mappings),
      make: (seed, shared) => new GradientOptimizer(workload, shared, model, space, seed, options),
    });
    console.info(`bert, 28 trials: random / gradient best EDP per seed ${ratios.map((r) => r.toFixed(3)).join(', ')}; geometric mean ${geometricMean.toFixed(3)}`);
    for (const ratio of ratios) expect(ratio).toBeGreaterThan(1);
    expect(geometricMean).toBeGreaterThan(1 / 0.85);
  });
});
