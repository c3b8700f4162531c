/** Bayesian optimisation: the plain GP (a PerformanceModel) and the `bayesian` optimizer. */
export * from './bayesian-optimizer.js';
export { bayesianOptimizerFactory } from './bayesian-plugin.js';
export { gaussianProcessModelFactory } from './gaussian-process-plugin.js';
export { MappedHardwarePredictor } from './mapped-hardware-predictor.js';
export * from './gaussian-process-model.js';
export { GaussianProcess, type LatentPosterior } from './gaussian-process.js';
export type { AcquisitionKind } from './acquisition.js';
export type { DiversityRule } from './batch-ranking.js';
