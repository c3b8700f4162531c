export * from './analytical-evaluator.js';
export * from './energy-table-file.js';
export { analyticalEvaluatorFactory, analyticalMapperFactory } from './analytical-plugin.js';
