import { type Evaluator, EvaluatorFactory, type PluginContext } from '@polaris/core';
import { STARLIGHT_EVALUATOR_ID } from './starlight-evaluator.js';

/** Options of a component that reads analytical features (the starlight evaluator, the performance models). */
export interface FeaturesOptions {
  /** Evaluator id that supplies the analytical features. */
  readonly features: string;
  /** Options of the features evaluator. */
  readonly featuresOptions: Readonly<Record<string, unknown>>;
}

/**
 * The features evaluator, created from the EvaluatorFactory bindings of the container (the
 * host must have loaded the plugin that provides it, as the CLI does).
 */
export async function createFeaturesEvaluator(context: PluginContext<FeaturesOptions>): Promise<Evaluator> {
  const { features, featuresOptions } = context.options;
  const factories = context.container.getAll<EvaluatorFactory<unknown>>(EvaluatorFactory, { optional: true });
  const factory = factories.find((f) => f.id === features);
  if (!factory) {
    const bound = factories.map((f) => `"${f.id}"`).filter((id) => id !== `"${STARLIGHT_EVALUATOR_ID}"`).join(', ') || 'none';
    throw new Error(`${context.id} option "features": no evaluator "${features}" is loaded (loaded evaluators: ${bound}); ` +
      `load the plugin that provides it before creating "${context.id}"`);
  }
  const parsed = factory.optionsSchema ? factory.optionsSchema.safeParse(featuresOptions) : { success: true as const, data: featuresOptions };
  if (!parsed.success) throw new Error(`${context.id} option "featuresOptions" for evaluator "${features}": ${parsed.error.message}`);
  return factory.create({ ...context, id: features, options: parsed.data });
}
