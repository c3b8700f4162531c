import type { HardwareConfig } from '../domain/hardware.js';
import type { Layer } from '../domain/layer.js';
import type { Mapping } from '../domain/mapping.js';

/** A mapping found for one layer and the cost the mapper's own model gave it. */
export interface MapperResult {
  readonly mapping: Mapping;
  /** Cycles per the mapper's model. */
  readonly cycles: number;
  /** Energy in pJ per the mapper's model. */
  readonly energy: number;
}

/**
 * Finds a good valid mapping of a layer onto given hardware. Deterministic for a given
 * `seed`. Lets optimizers obtain mappings without importing a fidelity package.
 * @throws LayerDoesNotFitError when no valid mapping exists (e.g. buffers too small).
 */
export interface Mapper {
  readonly id: string;
  /**
   * Names the mapper's code and every option that changes its answers (e.g. a hash of its
   * energy table and buffer layout). When present, answers may be cached in the store by
   * (id, version, layer, hardware, seed) — see {@link StoreCachedMapper}; bump it when the search changes.
   */
  readonly version?: string;
  map(layer: Layer, hardware: HardwareConfig, seed: number): MapperResult;
}
/** DI token for {@link Mapper}. */
export const Mapper = Symbol.for('polaris.Mapper');

/** No valid mapping of a layer exists on the given hardware; the message names the limit hit. */
export class LayerDoesNotFitError extends Error {
  override readonly name = 'LayerDoesNotFitError';
}
