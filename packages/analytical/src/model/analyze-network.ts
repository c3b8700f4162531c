import {
  type Evaluation, type HardwareConfig, type LayerEvaluation, type Mapping, type Workload, networkEvaluation,
} from '@polaris/core';
import { analyzeLayer } from './analyze-layer.js';
import type { AnalyticalOptions } from './analytical-options.js';

/**
 * Version of the analytical model's numbers. Bump it whenever a change alters any result, so
 * stored evaluations of an older model are not reused.
 */
export const ANALYTICAL_MODEL_VERSION = '1.0.0';

/** Evaluator version for a set of options: the model version, plus the energy table when not the default. */
export function analyticalModelVersion(options?: AnalyticalOptions): string {
  const energy = options?.energy ?? 'timeloop';
  const table = typeof energy === 'string' ? energy : `custom:${JSON.stringify(energy)}`;
  const bandwidth = options?.bandwidth ? `+bandwidth:${JSON.stringify(options.bandwidth)}` : '';
  return table === 'timeloop' && bandwidth === '' ? ANALYTICAL_MODEL_VERSION : `${ANALYTICAL_MODEL_VERSION}+energy:${table}${bandwidth}`;
}

/**
 * Evaluates a whole workload: one mapping per unique layer (workload order). Network cycles and
 * energy are Σ count·(layer value); EDP = Σenergy · Σcycles.
 * @throws RangeError if the number of mappings differs from the number of layers, or a mapping
 * does not cover its layer.
 */
export function analyzeNetwork(
  workload: Workload, hardware: HardwareConfig, mappings: readonly Mapping[], options?: AnalyticalOptions,
): Evaluation {
  if (mappings.length !== workload.layers.length) {
    throw new RangeError(`workload "${workload.name}" has ${workload.layers.length} layers but ${mappings.length} mappings were given`);
  }
  const start = performance.now();
  const layers: LayerEvaluation[] = workload.layers.map((entry, i) => {
    try {
      return analyzeLayer(entry.layer, hardware, mappings[i], options);
    } catch (error) {
      throw new RangeError(`layer ${i} "${entry.name}" of workload "${workload.name}": ${(error as Error).message}`);
    }
  });
  return networkEvaluation(workload, layers, {
    fidelity: 'analytical', evaluator: 'analytical', evaluatorVersion: analyticalModelVersion(options), costMs: performance.now() - start,
  });
}
