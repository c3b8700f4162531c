/**
 * @polaris/starlight — the Starlight transfer-learned performance model (plugin "starlight").
 *
 * So far (issue 4, first slice): TensorFlow.js backend selection, the versioned featurizer
 * shared by every model here, and DOSA's predictor as the baseline model. Starlight-Low,
 * the deep-kernel GP, the evaluator plugin and the CLI commands are not built yet.
 */
export * from './backend/index.js';
export * from './features/index.js';
