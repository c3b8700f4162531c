export { RELAXED_MODEL_VERSION, RelaxedAnalyticalModel, evaluateRelaxedLayer } from './relaxed-analytical-model.js';
export { DEFAULT_MAX_BAND, type RelaxedAnalyticalOptions } from './relaxed-layer.js';
export { relaxedAnalyticalModelFactory } from './relaxed-plugin.js';
