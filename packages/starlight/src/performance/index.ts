export * from './featurize-points.js';
export * from './layer-performance-model.js';
export * from './starlight-performance-model.js';
export * from './dosa-performance-model.js';
export * from './performance-model-plugin.js';
