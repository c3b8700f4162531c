import { HardwareSpace, definePerformanceModel } from '@polaris/core';
import { z } from 'zod';
import { GaussianProcessModel } from './gaussian-process-model.js';

/** The options of the `gp` model, with their defaults (documented on GaussianProcessModelOptions). */
const OPTIONS = {
  /** Hyperparameter starts per fit: a fixed centre, then seeded draws. */
  restarts: z.int().min(1).max(100).default(2),
  /** Gradient steps per start. */
  maxIterations: z.int().min(1).max(10_000).default(50),
  /** Most samples the hyperparameters are fitted on (the likelihood costs O(m³) per step). */
  maxFitSamples: z.int().min(2).max(10_000).default(100),
  /** Most samples the posterior conditions on (the best half by EDP, then the most recent). */
  maxSamples: z.int().min(2).max(10_000).default(300),
};

/**
 * `gp`: the plain GP ({@link GaussianProcessModel}) on the run's hardware space, seeded by the
 * run's seed — what `bayesian` uses when no model is bound, as a model a config can name
 * (`model: {id: gp, options: {restarts: 4}}`) and tune.
 */
export const gaussianProcessModelFactory = definePerformanceModel({
  id: 'gp',
  description: 'the plain GP: ARD Matérn-5/2 on the encoded hardware, target ln EDP, hyperparameters by marginal likelihood; predicts unmapped hardware',
  optionsSchema: z.strictObject(OPTIONS),
  create: ({ options, seed, hardwareSpace }) => new GaussianProcessModel(hardwareSpace ?? new HardwareSpace(), seed, options),
});
