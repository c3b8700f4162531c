import type { HardwareConfig, Layer, Mapper } from '@polaris/core';
import { analyticalModelVersion } from '../model/analyze-network.js';
import { type LayerMapping, type MapperOptions, mapLayer } from './map-layer.js';

/**
 * Version of the mapping search itself; bump it whenever `mapLayer` can answer differently for
 * the same options and seed, so that mapper results cached in a store are not reused.
 */
export const ANALYTICAL_MAPPER_VERSION = '1';

/**
 * The analytical fidelity's {@link Mapper}: per layer, a seeded search minimising EDP under the
 * analytical model. Stateless apart from its options; deterministic for a given seed.
 */
export class AnalyticalMapper implements Mapper {
  readonly id = 'analytical';
  /** The search's version, its sizes, its buffer rule and the scoring model's version. */
  readonly version: string;

  constructor(readonly options: MapperOptions = {}) {
    const { samples, improvementSteps, starts, bufferLayout } = options;
    const search = JSON.stringify({ samples, improvementSteps, starts, bufferLayout: bufferLayout ?? 'words' });
    this.version = `${ANALYTICAL_MAPPER_VERSION}:${search}:${analyticalModelVersion(options.model)}`;
  }

  /** @throws LayerDoesNotFitError when no mapping of the layer fits the buffers. */
  map(layer: Layer, hardware: HardwareConfig, seed: number): LayerMapping {
    return mapLayer(layer, hardware, seed, this.options);
  }
}
