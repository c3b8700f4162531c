import { type Layer, layerKey, layerMacs } from './layer.js';

/** One unique layer of a network and how many times the network runs it. */
export interface WorkloadLayer {
  /** Name of the layer in its source (e.g. a Timeloop problem file stem). */
  readonly name: string;
  readonly layer: Layer;
  /** Times the network executes this layer (≥ 1). */
  readonly count: number;
}

/** A named network: its unique layers with repeat counts. */
export interface Workload {
  readonly name: string;
  readonly layers: readonly WorkloadLayer[];
}

/** Total MACs of one inference of the workload, repeats included. */
export function workloadMacs(workload: Workload): number {
  return workload.layers.reduce((sum, l) => sum + l.count * layerMacs(l.layer), 0);
}

/**
 * Merges layers with identical shapes (same {@link layerKey}) by summing their counts,
 * keeping the first name; order of first appearance is kept.
 */
export function dedupeLayers(layers: readonly WorkloadLayer[]): WorkloadLayer[] {
  const byKey = new Map<string, WorkloadLayer>();
  for (const entry of layers) {
    const key = layerKey(entry.layer);
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, count: seen.count + entry.count } : entry);
  }
  return [...byKey.values()];
}
