export * from './network-uncertainty.js';
export * from './starlight-evaluator.js';
export * from './starlight-plugin.js';
export * from './features-evaluator.js';
