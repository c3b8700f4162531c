/**
 * @polaris/starlight — the Starlight transfer-learned performance model (plugin "starlight").
 *
 * So far (issue 4, first slices): TensorFlow.js backend selection, the versioned featurizer
 * shared by every model here, DOSA's predictor as the baseline model, an exact Gaussian process
 * and the datasets. Starlight-Low, deep kernel learning, the evaluator plugin and the CLI
 * commands are not built yet.
 */
export * from './backend/index.js';
export * from './features/index.js';
export * from './dosa/index.js';
export * from './gp/index.js';
export * from './datasets/index.js';
export * from './model/index.js';
export * from './low/index.js';
export * from './dkl/index.js';
export * from './metrics/index.js';
export * from './surrogate/index.js';
