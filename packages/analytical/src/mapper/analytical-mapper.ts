import type { HardwareConfig, Layer, Mapper } from '@polaris/core';
import { type LayerMapping, type MapperOptions, mapLayer } from './map-layer.js';

/**
 * The analytical fidelity's {@link Mapper}: per layer, a seeded search minimising EDP under the
 * analytical model. Stateless apart from its options; deterministic for a given seed.
 */
export class AnalyticalMapper implements Mapper {
  readonly id = 'analytical';

  constructor(readonly options: MapperOptions = {}) {}

  /** @throws LayerDoesNotFitError when no mapping of the layer fits the buffers. */
  map(layer: Layer, hardware: HardwareConfig, seed: number): LayerMapping {
    return mapLayer(layer, hardware, seed, this.options);
  }
}
