import type { CreateOptions, EnergyTable, EnergyTableName, Evaluator, PluginKind, PluginRegistry } from '@polaris/core';

/**
 * `options` with the run's energy table filled in, when component `id` of `kind` declares an
 * `energyTableOption` (its factory's `needs`) and the options do not set it already.
 */
export async function withEnergyTable(
  registry: PluginRegistry, kind: PluginKind, id: string, energy: EnergyTable | EnergyTableName, options: Readonly<Record<string, unknown>> = {},
): Promise<Record<string, unknown>> {
  const { energyTableOption } = await registry.needs(kind, id);
  return energyTableOption === undefined ? { ...options } : { [energyTableOption]: energy, ...options };
}

/**
 * Creates evaluator `id` as its factory's `needs` ask: priced with the run's energy table, and —
 * for an evaluator that builds on another's results (`featuresEvaluator`, or its `features`
 * option) — with that evaluator's plugin loaded first (the surrogate's factory creates it from
 * the container) and priced with the same table unless `options.featuresOptions` says otherwise.
 */
export async function createEvaluator(
  registry: PluginRegistry, id: string, energy: EnergyTable | EnergyTableName, init: CreateOptions = {},
): Promise<Evaluator> {
  let options = await withEnergyTable(registry, 'evaluator', id, energy, init.options);
  const needs = await registry.needs('evaluator', id);
  const features = typeof options.features === 'string' ? options.features : needs.featuresEvaluator;
  if (features !== undefined) {
    options = { featuresOptions: await withEnergyTable(registry, 'evaluator', features, energy), ...options };
  }
  return registry.evaluator(id, { ...init, options });
}
