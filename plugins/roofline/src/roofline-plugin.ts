import { EvaluatorFactory, defineEvaluator } from '@polaris/core';
import { ContainerModule } from 'inversify';
import { ROOFLINE_ID, RooflineEvaluator } from './roofline-evaluator.js';
import { rooflineOptionsSchema } from './roofline-options.js';

/**
 * Recipe for the `roofline` evaluator. The registry validates the config's options with
 * `optionsSchema` (unknown keys and non-positive numbers are rejected, missing ones defaulted)
 * and only then calls `create`, so `options` is fully typed and complete here.
 */
export const rooflineEvaluatorFactory = defineEvaluator({
  id: ROOFLINE_ID,
  description: 'optimistic roofline lower bound of the Gemmini template: max(MACs / used PEs, compulsory DRAM words / bandwidth)',
  optionsSchema: rooflineOptionsSchema,
  create: ({ options }) => new RooflineEvaluator(options),
});

/**
 * The plugin's module: binds the factory (never an evaluator — nothing is built until a config
 * asks for `evaluator: roofline`) under core's multi-bound `EvaluatorFactory` token.
 */
export const rooflinePlugin = new ContainerModule(({ bind }) => {
  bind<EvaluatorFactory>(EvaluatorFactory).toConstantValue(rooflineEvaluatorFactory);
});
