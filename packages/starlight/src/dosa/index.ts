export * from './dosa-predictor.js';
export * from './file-io.js';
