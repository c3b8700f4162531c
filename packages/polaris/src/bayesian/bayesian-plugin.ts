import { HardwareSpace, Mapper, PerformanceModel, defineOptimizer } from '@polaris/core';
import { z } from 'zod';
import { BayesianOptimizer } from './bayesian-optimizer.js';
import { GaussianProcessModel } from './gaussian-process-model.js';

/** The options of the `bayesian` optimizer, with their defaults (documented on BayesianOptimizerOptions). */
const OPTIONS = {
  /** `lcb`: lower confidence bound μ − κσ of ln EDP; `ei`: expected improvement over the best ln EDP. */
  acquisition: z.enum(['lcb', 'ei']).default('lcb'),
  /** κ of the lower confidence bound: how many σ of optimism. */
  kappa: z.number().min(0).max(100).default(1),
  /** Hardware candidates drawn and scored per ask (only the chosen ones are mapped). */
  poolSize: z.int().min(1).max(100_000).default(1000),
  /** Random trials before the model is used. */
  warmup: z.int().min(0).default(10),
  /** Share of model-phase trials that take a random candidate instead of the acquisition's best. */
  randomFraction: z.number().min(0).max(1).default(0.1),
  /** Share of the pool drawn around the five best observed designs (the rest uniform over the space). */
  localFraction: z.number().min(0).max(1).default(0.5),
  /** `believer`: kriging believer (σ shrinks around earlier picks); `penalisation`: local penalisation. */
  diversity: z.enum(['believer', 'penalisation']).default('believer'),
  /** Hardware draws per warm-up trial before giving up when a layer fits no mapping. */
  maxHardwareDraws: z.int().min(1).default(64),
};

/** Names the unknown keys and the allowed ones (zod's default message lists only the unknown). */
function unknownOptionMessage(issue: { code?: string; keys?: readonly string[] }): string | undefined {
  if (issue.code !== 'unrecognized_keys' || !issue.keys) return undefined;
  return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: ${Object.keys(OPTIONS).join(', ')}`;
}

/**
 * The `bayesian` optimizer: GP Bayesian optimisation of the hardware over the encoded space,
 * each layer mapped by the run's Mapper. The model is the container's {@link PerformanceModel}
 * when one is bound (the run config's `model:`; one that reads mappings scores a mapped pool),
 * else the plain GP ({@link GaussianProcessModel}) on the run's hardware space, seeded by the
 * run's seed.
 */
export const bayesianOptimizerFactory = defineOptimizer({
  id: 'bayesian',
  description: 'GP Bayesian optimisation of the hardware (LCB or EI over a candidate pool, batches kept apart by a kriging believer or local penalisation), each layer mapped by the mapper',
  optionsSchema: z.strictObject(OPTIONS, { error: unknownOptionMessage }),
  needs: { performanceModel: true },
  create: ({ options, seed, workload, container, hardwareSpace }) => {
    if (!workload) throw new Error('optimizer "bayesian" needs the run\'s workload in its context');
    if (!container.isBound(Mapper)) throw new Error('optimizer "bayesian" needs a Mapper bound in the container (the CLI binds the analytical mapper)');
    const space = hardwareSpace ?? new HardwareSpace();
    const model = container.isBound(PerformanceModel) ? container.get<PerformanceModel>(PerformanceModel) : new GaussianProcessModel(space, seed);
    return new BayesianOptimizer(workload, container.get<Mapper>(Mapper), space, seed, model, options);
  },
});
