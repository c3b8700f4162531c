import type { CreateOptions, EnergyTable, EnergyTableName, Evaluator, PluginRegistry } from '@polaris/core';
import { withEnergy } from './energy-priced-evaluators.js';

/**
 * Evaluators that score on top of another evaluator's results (surrogates reading analytical
 * features), with the id of that evaluator when their options do not name one.
 */
const FEATURE_DEFAULTS: Readonly<Record<string, string>> = { starlight: 'analytical' };

/**
 * Creates evaluator `id` priced with the run's energy table. For an evaluator that needs a
 * features evaluator (`options.features`, default per {@link FEATURE_DEFAULTS}), the plugin
 * providing it is loaded first — the surrogate's factory creates it from the container — and it
 * is priced with the same energy table unless `options.featuresOptions` says otherwise.
 */
export async function createEvaluator(
  registry: PluginRegistry, id: string, energy: EnergyTable | EnergyTableName, init: CreateOptions = {},
): Promise<Evaluator> {
  let options = withEnergy(id, energy, init.options);
  const features = typeof options.features === 'string' ? options.features : FEATURE_DEFAULTS[id];
  if (features !== undefined) {
    const provider = registry.list().find((p) => p.kinds.includes('evaluator') && p.provides.includes(features));
    if (provider) await registry.load(provider.id);
    options = { featuresOptions: withEnergy(features, energy), ...options };
  }
  return registry.evaluator(id, { ...init, options });
}
