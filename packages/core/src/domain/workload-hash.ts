import { createHash } from 'node:crypto';
import { layerKey } from './layer.js';
import type { Workload } from './workload.js';

/**
 * Stable content hash (sha256 hex, 20 chars) of a workload's layers and repeat counts, in
 * workload order. Names (of the workload and of its layers) are left out: renaming a file
 * must not invalidate cached evaluations, while reordering layers does (evaluations list
 * layers in workload order).
 */
export function workloadHash(workload: Workload): string {
  const canonical = workload.layers.map((entry) => `${layerKey(entry.layer)}*${entry.count}`).join(';');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 20);
}
