import type { EnergyTable, EnergyTableName, Evaluator, Mapper, PluginRegistry } from '@polaris/core';
import { UsageError } from '../commands/usage-error.js';

/**
 * Environment variable that sets the mapper's worker threads (`0` maps on the main thread);
 * unset, the mapper uses every core this process may use.
 */
export const MAPPER_WORKERS_ENV = 'POLARIS_MAPPER_WORKERS';

/**
 * The buffer layout the mapper must respect so that every evaluator of a run can score its
 * mappings: `rows` as soon as one evaluator needs row-organised buffers (the RTL), else `words`.
 */
export function mapperBufferLayout(evaluators: readonly Evaluator[]): 'words' | 'rows' {
  return evaluators.some((e) => e.capabilities.bufferLayout === 'rows') ? 'rows' : 'words';
}

/**
 * The worker threads asked for by {@link MAPPER_WORKERS_ENV}, or undefined (the mapper's default).
 * @throws UsageError when the variable is set to anything but a whole number 0–1024.
 */
export function mapperWorkersFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[MAPPER_WORKERS_ENV]?.trim();
  if (text === undefined || text === '') return undefined;
  const workers = Number(text);
  if (!/^\d+$/.test(text) || workers > 1024) {
    throw new UsageError(`${MAPPER_WORKERS_ENV}=${text} is not a thread count: use a whole number from 0 (map on the main thread) to 1024, or unset it for one per core`);
  }
  return workers;
}

/**
 * The analytical mapper configured for `evaluators`: priced with the run's energy table and
 * keeping tiles inside the buffer layout they all accept (returned too, for messages and samplers).
 * Its batches (`mapMany`) run on worker threads, one per core unless {@link MAPPER_WORKERS_ENV}
 * says otherwise; the threads start on the first batch, and the caller ends them with
 * `mapper.close()` when its command is done.
 */
export async function mapperForEvaluators(
  registry: PluginRegistry, evaluators: readonly Evaluator[], energy: EnergyTable | EnergyTableName, seed: number,
): Promise<{ mapper: Mapper; bufferLayout: 'words' | 'rows' }> {
  const bufferLayout = mapperBufferLayout(evaluators);
  const workers = mapperWorkersFromEnv();
  const options = { energy, bufferLayout, ...(workers === undefined ? {} : { workers }) };
  return { mapper: await registry.mapper('analytical', { options, seed }), bufferLayout };
}
