export * from './cholesky.js';
export * from './ard-kernel.js';
export * from './marginal-likelihood.js';
export * from './fit-hyperparameters.js';
export * from './gaussian-process.js';
