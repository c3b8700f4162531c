/**
 * @polaris-plugins/roofline — a worked example of a third-party evaluator plugin, built only on
 * `@polaris/core`'s public API: an optimistic roofline model of the Gemmini template.
 */
export * from './roofline-options.js';
export * from './roofline-model.js';
export * from './roofline-evaluator.js';
export { rooflineEvaluatorFactory, rooflinePlugin } from './roofline-plugin.js';
