import { LayerDoesNotFitError, type Mapper, type MapperResult } from '../contracts/mapper.js';
import type { MapperResultKey, Store } from '../contracts/store.js';
import type { HardwareConfig } from '../domain/hardware.js';
import { type Layer, layerKey } from '../domain/layer.js';

/**
 * A {@link Mapper} whose answers are kept in a {@link Store}: each (mapper id, version, layer,
 * hardware, seed) is mapped once, ever — a killed run loses none of its mapping work, and a
 * second run or strategy over the same layers maps nothing again. "No mapping fits" answers
 * are kept too and thrown again as {@link LayerDoesNotFitError}. A mapper without a
 * `version` is not cached (its options are unknown), only passed through.
 */
export class StoreCachedMapper implements Mapper {
  readonly id: string;
  readonly version?: string;
  /** Answers served from the store / computed by the inner mapper, since construction. */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly inner: Mapper,
    private readonly store: Store,
  ) {
    this.id = inner.id;
    this.version = inner.version;
  }

  map(layer: Layer, hardware: HardwareConfig, seed: number): MapperResult {
    if (this.version === undefined) return this.inner.map(layer, hardware, seed);
    const key: MapperResultKey = { mapper: this.id, mapperVersion: this.version, layerKey: layerKey(layer), hardware, seed };
    const stored = this.store.getMapperResult(key);
    if (stored) {
      this.stats.hits += 1;
      if (stored.ok) return stored.result;
      throw new LayerDoesNotFitError(stored.error);
    }
    this.stats.misses += 1;
    let result: MapperResult;
    try {
      result = this.inner.map(layer, hardware, seed);
    } catch (error) {
      if (error instanceof LayerDoesNotFitError) this.store.putMapperResult(key, { ok: false, error: error.message });
      throw error;
    }
    this.store.putMapperResult(key, { ok: true, result });
    return result;
  }
}
