import type { Evaluator } from '@polaris/core';

/**
 * The buffer layout the mapper must respect so that every evaluator of a run can score its
 * mappings: `rows` as soon as one evaluator needs row-organised buffers (the RTL), else `words`.
 */
export function mapperBufferLayout(evaluators: readonly Evaluator[]): 'words' | 'rows' {
  return evaluators.some((e) => e.capabilities.bufferLayout === 'rows') ? 'rows' : 'words';
}
