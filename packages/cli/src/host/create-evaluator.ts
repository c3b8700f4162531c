import type {
  ComponentOfKind, CreateOptions, EnergyTable, EnergyTableName, Evaluator, PluginKind, PluginRegistry,
} from '@polaris/core';

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
 * Creates component `id` of `kind` as its factory's `needs` ask: priced with the run's energy
 * table, and — for a component that builds on an evaluator's results (`featuresEvaluator`, or
 * its `features` option: a surrogate, a performance model reading analytical features) — with
 * that evaluator's plugin loaded first (the component's factory creates it from the container)
 * and priced with the same table unless `options.featuresOptions` says otherwise.
 */
export async function createComponent<K extends PluginKind>(
  registry: PluginRegistry, kind: K, id: string, energy: EnergyTable | EnergyTableName, init: CreateOptions = {},
): Promise<ComponentOfKind[K]> {
  let options = await withEnergyTable(registry, kind, id, energy, init.options);
  const needs = await registry.needs(kind, id);
  const features = typeof options.features === 'string' ? options.features : needs.featuresEvaluator;
  if (features !== undefined) {
    options = { featuresOptions: await withEnergyTable(registry, 'evaluator', features, energy), ...options };
  }
  return registry.create(kind, id, { ...init, options });
}

/** {@link createComponent} for an evaluator. */
export function createEvaluator(
  registry: PluginRegistry, id: string, energy: EnergyTable | EnergyTableName, init: CreateOptions = {},
): Promise<Evaluator> {
  return createComponent(registry, 'evaluator', id, energy, init);
}
