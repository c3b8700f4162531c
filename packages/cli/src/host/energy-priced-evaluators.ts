/**
 * Built-in evaluators priced with an energy table (core's `ENERGY_TABLES` or a user table): the
 * run's `energy` setting (config key or `--energy`) is passed to them, so both fidelities price
 * with the same per-action energies and their ratios compare like with like.
 */
const ENERGY_PRICED_EVALUATORS: ReadonlySet<string> = new Set(['analytical', 'rtl']);

/** Options for evaluator `id`: the run's energy table (when it takes one) under the given options. */
export function withEnergy(id: string, energy: unknown, options: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return ENERGY_PRICED_EVALUATORS.has(id) ? { energy, ...options } : { ...options };
}
