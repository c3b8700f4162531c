import { resolve } from 'node:path';
import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { EvaluatorFactory, PerformanceModelFactory, defineEvaluator } from '@polaris/core';
import { dosaModelFactory, starlightModelFactory } from '../performance/performance-model-plugin.js';
import { Starlight } from '../dkl/starlight.js';
import { createFeaturesEvaluator } from './features-evaluator.js';
import { STARLIGHT_EVALUATOR_ID, StarlightEvaluator, starlightModelHash } from './starlight-evaluator.js';

const starlightOptions = z.strictObject({
  /** Directory written by `Starlight.save` (`polaris train --out`); relative to the current directory. */
  model: z.string({
    error: (issue) => (issue.input === undefined ? 'required: the directory of a trained model (polaris train --out <dir>)' : 'must be a directory path'),
  }).min(1, 'give the directory of a trained model (polaris train --out <dir>)'),
  /** Evaluator id that supplies the analytical features (must be loaded in the container). */
  features: z.string().min(1).default('analytical'),
  /** Options of the features evaluator (e.g. its energy table); the model must have been trained with the same. */
  featuresOptions: z.record(z.string(), z.unknown()).default({}),
});

/** The `starlight` evaluator factory: a trained Starlight model scoring on top of analytical features. */
export const starlightEvaluatorFactory = defineEvaluator({
  id: STARLIGHT_EVALUATOR_ID,
  description: 'Starlight surrogate (deep kernel learning GP over a pretrained encoder): per-layer lognormal cycles/energy with σ',
  optionsSchema: starlightOptions,
  needs: { featuresEvaluator: 'analytical', modelOption: 'model' },
  create: async (context) => {
    const dir = resolve(process.cwd(), context.options.model);
    const modelHash = starlightModelHash(dir);
    const features = await createFeaturesEvaluator(context);
    const model = await Starlight.load(dir);
    return new StarlightEvaluator({ model, modelHash, features });
  },
});

/** The plugin module: binds the starlight evaluator factory and the `starlight` and `dosa` performance-model factories. */
export const starlightPlugin = new ContainerModule(({ bind }) => {
  bind<EvaluatorFactory>(EvaluatorFactory).toConstantValue(starlightEvaluatorFactory);
  bind<PerformanceModelFactory>(PerformanceModelFactory).toConstantValue(starlightModelFactory);
  bind<PerformanceModelFactory>(PerformanceModelFactory).toConstantValue(dosaModelFactory);
});
