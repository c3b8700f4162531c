import { resolve } from 'node:path';
import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { EvaluatorFactory, type PluginContext, defineEvaluator } from '@polaris/core';
import { Starlight } from '../dkl/starlight.js';
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

type StarlightOptions = z.infer<typeof starlightOptions>;

/**
 * The features evaluator, created from the EvaluatorFactory bindings of the container (the
 * host must have loaded the plugin that provides it, as the CLI does).
 */
async function createFeaturesEvaluator(context: PluginContext<StarlightOptions>) {
  const { features, featuresOptions } = context.options;
  const factories = context.container.getAll<EvaluatorFactory<unknown>>(EvaluatorFactory, { optional: true });
  const factory = factories.find((f) => f.id === features);
  if (!factory) {
    const bound = factories.map((f) => `"${f.id}"`).filter((id) => id !== `"${STARLIGHT_EVALUATOR_ID}"`).join(', ') || 'none';
    throw new Error(`starlight option "features": no evaluator "${features}" is loaded (loaded evaluators: ${bound}); ` +
      `load the plugin that provides it before creating the starlight evaluator`);
  }
  const parsed = factory.optionsSchema ? factory.optionsSchema.safeParse(featuresOptions) : { success: true as const, data: featuresOptions };
  if (!parsed.success) throw new Error(`starlight option "featuresOptions" for evaluator "${features}": ${parsed.error.message}`);
  return factory.create({ ...context, id: features, options: parsed.data });
}

/** The `starlight` evaluator factory: a trained Starlight model scoring on top of analytical features. */
export const starlightEvaluatorFactory = defineEvaluator({
  id: STARLIGHT_EVALUATOR_ID,
  description: 'Starlight surrogate (deep kernel learning GP over a pretrained encoder): per-layer lognormal cycles/energy with σ',
  optionsSchema: starlightOptions,
  create: async (context) => {
    const dir = resolve(process.cwd(), context.options.model);
    const modelHash = starlightModelHash(dir);
    const features = await createFeaturesEvaluator(context);
    const model = await Starlight.load(dir);
    return new StarlightEvaluator({ model, modelHash, features });
  },
});

/** The plugin module: binds the starlight evaluator factory. */
export const starlightPlugin = new ContainerModule(({ bind }) => {
  bind<EvaluatorFactory>(EvaluatorFactory).toConstantValue(starlightEvaluatorFactory);
});
