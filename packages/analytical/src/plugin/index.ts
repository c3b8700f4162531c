export * from './analytical-evaluator.js';
export { analyticalEvaluatorFactory, analyticalMapperFactory } from './analytical-plugin.js';
