import type { DesignPoint } from '../domain/design-point.js';
import type { HardwareConfig } from '../domain/hardware.js';
import { DIMS, type Layer, makeLayer } from '../domain/layer.js';
import { type Mapping, makeMapping } from '../domain/mapping.js';
import type { Workload } from '../domain/workload.js';

/**
 * A three-layer workload small enough for unit tests: a 3×3 conv, a 1×1 conv run twice and a
 * matmul. Shapes are arbitrary but valid.
 */
export function tinyWorkload(): Workload {
  return {
    name: 'tiny',
    layers: [
      { name: 'conv3x3', layer: makeLayer({ R: 3, S: 3, P: 8, Q: 8, C: 16, K: 32, N: 1 }), count: 1 },
      { name: 'conv1x1', layer: makeLayer({ R: 1, S: 1, P: 8, Q: 8, C: 32, K: 32, N: 1 }), count: 2 },
      { name: 'fc', layer: makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 64, K: 10, N: 1 }), count: 1 },
    ],
  };
}

/** The simplest valid mapping of a layer: every dimension as one temporal loop at DRAM (L3). */
export function flatMapping(layer: Layer): Mapping {
  return makeMapping([[], [], [], DIMS.map((dim) => ({ dim, factor: layer[dim], spatial: false }))]);
}

/** A design point of `hardware` with the flat mapping of every layer of `workload`. */
export function flatDesignPoint(hardware: HardwareConfig, workload: Workload): DesignPoint {
  return { hardware, mappings: workload.layers.map((l) => flatMapping(l.layer)) };
}
