/**
 * Synthetic dataset samples for the benchmark's specs: a real layer, hardware and (printable)
 * mapping, with placeholder analytical values and the target given. Not valid for the
 * featurizer's analytical block (no accesses): only for split, score and results logic.
 */
import { type HardwareConfig, cycles as asCycles, makeLayer, makeMapping, picoJoules } from '@polaris/core';
import type { DatasetSample } from '../src/datasets/dataset-sample.js';

export interface SyntheticSampleSpec {
  /** Distinguishes layer shapes: the layer's K. */
  readonly layer?: number;
  readonly hardware?: Partial<HardwareConfig>;
  readonly cycles?: number;
  readonly energy?: number;
  readonly source?: string;
}

export function syntheticSample(spec: SyntheticSampleSpec = {}): DatasetSample {
  const cycles = spec.cycles ?? 1000;
  const energy = spec.energy ?? 5000;
  return {
    hardware: { peDim: 16, spKB: 256, accKB: 64, ...spec.hardware },
    layer: makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: spec.layer ?? 8, N: 1 }),
    mapping: makeMapping([[], [], [], []]),
    analytical: { cycles: asCycles(cycles), energy: picoJoules(energy), macs: 1 },
    target: { cycles, energy },
    source: spec.source ?? 'synthetic',
  };
}
