import type { OptimizerFactory } from '@polaris/core';
import { randomOptimizerFactory } from './random/random-plugin.js';
import { bayesianOptimizerFactory } from './bayesian/bayesian-plugin.js';
import { gradientOptimizerFactory } from './gradient/gradient-plugin.js';
import { geneticOptimizerFactory } from './genetic/genetic-plugin.js';

/**
 * Every optimizer this package provides, as the plugin binds them (one line each; the ids are
 * listed again in package.json's `polaris.provides` manifest).
 */
export const OPTIMIZER_FACTORIES: readonly OptimizerFactory[] = [
  randomOptimizerFactory,
  bayesianOptimizerFactory,
  gradientOptimizerFactory,
  geneticOptimizerFactory,
];
