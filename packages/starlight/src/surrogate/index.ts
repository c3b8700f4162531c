export * from './network-uncertainty.js';
export * from './starlight-evaluator.js';
export * from './starlight-plugin.js';
