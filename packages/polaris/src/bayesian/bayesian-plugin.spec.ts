import { fileURLToPath } from 'node:url';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { HardwareSpace, Mapper, PerformanceModel, PluginRegistry, hashDesignPoint } from '@polaris/core';
import { macsPerPeEvaluation, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from '@polaris/analytical';
import { OPTIMIZER_FACTORIES } from '../optimizer-factories.js';
import { BayesianOptimizer } from './bayesian-optimizer.js';
import { bayesianOptimizerFactory } from './bayesian-plugin.js';
import { GaussianProcessModel } from './gaussian-process-model.js';
import { gaussianProcessModelFactory } from './gaussian-process-plugin.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

const schema = bayesianOptimizerFactory.optionsSchema!;
const containerWith = (model?: PerformanceModel) => {
  const container = new Container();
  container.bind<Mapper>(Mapper).toConstantValue(new AnalyticalMapper({ samples: 40, improvementSteps: 60, starts: 1 }));
  if (model) container.bind<PerformanceModel>(PerformanceModel).toConstantValue(model);
  return container;
};

describe('bayesian optimizer factory', () => {
  it('is listed among the package\'s optimizers and defaults its options as documented', () => {
    expect(OPTIMIZER_FACTORIES.map((f) => f.id)).toContain('bayesian');
    expect(schema.parse({})).toEqual({
      acquisition: 'lcb', kappa: 1, poolSize: 1000, warmup: 10, randomFraction: 0.1, localFraction: 0.5, diversity: 'believer', maxHardwareDraws: 64,
    });
  });

  it('rejects unknown options and values outside their ranges', () => {
    expect(schema.safeParse({ acquisiton: 'ei' }).error?.issues[0].message)
      .toBe('unknown option "acquisiton"; allowed: acquisition, kappa, poolSize, warmup, randomFraction, localFraction, diversity, maxHardwareDraws');
    expect(schema.safeParse({ acquisition: 'ucb' }).success).toBe(false);
    expect(schema.safeParse({ randomFraction: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ poolSize: 0 }).success).toBe(false);
    expect(schema.safeParse({ diversity: 'none' }).success).toBe(false);
  });

  it('creates the optimizer with the plain GP, or with the container\'s PerformanceModel when one is bound', async () => {
    const base = { id: 'bayesian', seed: 3, workload: tinyWorkload(), hardwareSpace: new HardwareSpace(), options: schema.parse({ warmup: 2 }) };
    const plain = await bayesianOptimizerFactory.create({ ...base, container: containerWith() });
    expect(plain).toBeInstanceOf(BayesianOptimizer);
    const bound = new GaussianProcessModel(new HardwareSpace(), 3);
    const withModel = (await bayesianOptimizerFactory.create({ ...base, container: containerWith(bound) })) as BayesianOptimizer;
    const points = await withModel.ask(2);
    withModel.tell(points.map((point) => ({
      point, result: { ok: true, pointHash: hashDesignPoint(point), evaluation: macsPerPeEvaluation(point, base.workload, { id: 'toy', version: '1', fidelity: 'analytical' }) },
    })));
    await withModel.ask(1);
    expect(bound.posterior?.size).toBe(2); // the optimizer fitted the bound model
  });

  it('names what is missing from the context', () => {
    const container = new Container();
    expect(() => bayesianOptimizerFactory.create({ id: 'bayesian', seed: 1, workload: tinyWorkload(), container, options: schema.parse({}) }))
      .toThrow(/needs a Mapper bound/);
    expect(() => bayesianOptimizerFactory.create({ id: 'bayesian', seed: 1, container: containerWith(), options: schema.parse({}) }))
      .toThrow(/needs the run's workload/);
  });

  it('declares that it uses the container\'s PerformanceModel', () => {
    expect(bayesianOptimizerFactory.needs).toEqual({ performanceModel: true });
  });
});

describe('gp model factory', () => {
  it('is the plugin\'s model "gp": the plain GP on the run\'s space and seed, its options checked', async () => {
    const registry = new PluginRegistry({ baseDir: PACKAGE_DIR });
    registry.add(PACKAGE_DIR);
    expect(registry.ids('model')).toEqual(['gp']);
    expect(registry.ids('optimizer')).toEqual(['random', 'bayesian', 'gradient', 'genetic']);
    const space = new HardwareSpace({ peDim: [4, 32] });
    const model = await registry.model('gp', { options: { restarts: 3 }, seed: 5, hardwareSpace: space });
    expect(model).toBeInstanceOf(GaussianProcessModel);
    expect(model.id).toBe('gp');
    expect(gaussianProcessModelFactory.optionsSchema!.parse({})).toEqual({ restarts: 2, maxIterations: 50, maxFitSamples: 100, maxSamples: 300 });
    await expect(registry.model('gp', { options: { restart: 3 } })).rejects.toThrow(/unknown option "restart"; gp takes restarts, maxIterations, maxFitSamples, maxSamples/);
  });
});
