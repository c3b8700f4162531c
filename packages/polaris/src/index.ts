/** @polaris/polaris — optimizers and the search loop. */
export * from './random/random-optimizer.js';
export { NoFeasibleHardwareError } from './mapping/mapping-sampler.js';
export { randomOptimizerFactory } from './random/random-plugin.js';
export * from './bayesian/index.js';
export * from './gradient/index.js';
export * from './genetic/index.js';
