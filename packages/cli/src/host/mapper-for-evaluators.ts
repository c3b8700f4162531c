import type { EnergyTable, EnergyTableName, Evaluator, Mapper, PluginRegistry } from '@polaris/core';

/**
 * The buffer layout the mapper must respect so that every evaluator of a run can score its
 * mappings: `rows` as soon as one evaluator needs row-organised buffers (the RTL), else `words`.
 */
export function mapperBufferLayout(evaluators: readonly Evaluator[]): 'words' | 'rows' {
  return evaluators.some((e) => e.capabilities.bufferLayout === 'rows') ? 'rows' : 'words';
}

/**
 * The analytical mapper configured for `evaluators`: priced with the run's energy table and
 * keeping tiles inside the buffer layout they all accept (returned too, for messages and samplers).
 */
export async function mapperForEvaluators(
  registry: PluginRegistry, evaluators: readonly Evaluator[], energy: EnergyTable | EnergyTableName, seed: number,
): Promise<{ mapper: Mapper; bufferLayout: 'words' | 'rows' }> {
  const bufferLayout = mapperBufferLayout(evaluators);
  return { mapper: await registry.mapper('analytical', { options: { energy, bufferLayout }, seed }), bufferLayout };
}
