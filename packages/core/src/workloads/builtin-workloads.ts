import { layerFromKey } from '../domain/layer.js';
import type { Workload } from '../domain/workload.js';
import { BUILTIN_WORKLOAD_DATA } from './builtin-workload-data.js';

/** Names of the workloads shipped with Polaris. */
export const BUILTIN_WORKLOAD_NAMES: readonly string[] = Object.keys(BUILTIN_WORKLOAD_DATA);

/** A workload name that is neither built in nor a readable path; the message lists what is allowed. */
export class UnknownWorkloadError extends Error {
  override readonly name = 'UnknownWorkloadError';
}

/** Description of a built-in workload (for `polaris workloads`). */
export function builtinWorkloadDescription(name: string): string {
  return BUILTIN_WORKLOAD_DATA[name]?.description ?? '';
}

/** A built-in workload by name (`resnet50`, `bert`, `unet`, `retinanet`). */
export function builtinWorkload(name: string): Workload {
  const data = BUILTIN_WORKLOAD_DATA[name];
  if (!data) {
    throw new UnknownWorkloadError(
      `unknown workload "${name}"; allowed: ${BUILTIN_WORKLOAD_NAMES.join(', ')}, or a path to a Timeloop problem YAML file or folder`,
    );
  }
  return {
    name,
    layers: data.rows.map(([layerName, key, count]) => ({ name: layerName, layer: layerFromKey(key), count })),
  };
}
