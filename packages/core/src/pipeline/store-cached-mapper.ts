import {
  LayerDoesNotFitError, type MapManyOptions, type MapOutcome, type MapRequest, type Mapper, type MapperResult, mapRequests,
} from '../contracts/mapper.js';
import type { MapperResultKey, Store, StoredMapperResult } from '../contracts/store.js';
import type { HardwareConfig } from '../domain/hardware.js';
import { type Layer, layerKey } from '../domain/layer.js';

/**
 * A {@link Mapper} whose answers are kept in a {@link Store}: each (mapper id, version, layer,
 * hardware, seed) is mapped once, ever — a killed run loses none of its mapping work, and a
 * second run or strategy over the same layers maps nothing again. "No mapping fits" answers
 * are kept too and thrown again as {@link LayerDoesNotFitError} (returned as outcomes by
 * `mapMany`). A mapper without a `version` is not cached (its options are unknown), only passed through.
 *
 * `mapMany` looks every request up in the store first and sends only the misses to the inner
 * mapper's batch (see {@link mapRequests}), storing its answers when they come back. `close`
 * closes the inner mapper, not the store.
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
    const key = this.keyOf({ layer, hardware, seed });
    if (!key) return this.inner.map(layer, hardware, seed);
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

  /**
   * Store lookups first, then one batch of the misses to the inner mapper; its answers are
   * stored unless the batch was aborted (then it rejects with the signal's reason, storing nothing).
   */
  async mapMany(requests: readonly MapRequest[], options: MapManyOptions = {}): Promise<MapOutcome[]> {
    const outcomes: (MapOutcome | undefined)[] = new Array(requests.length);
    const misses: number[] = [];
    const keys = requests.map((request) => this.keyOf(request));
    keys.forEach((key, i) => {
      const stored = key && this.store.getMapperResult(key);
      if (stored) outcomes[i] = storedOutcome(stored);
      else misses.push(i);
    });
    if (this.version !== undefined) {
      this.stats.hits += requests.length - misses.length;
      this.stats.misses += misses.length;
    }
    if (misses.length > 0) {
      const computed = await mapRequests(this.inner, misses.map((i) => requests[i]), options);
      options.signal?.throwIfAborted();
      computed.forEach((outcome, j) => {
        const i = misses[j];
        const key = keys[i];
        if (key) this.store.putMapperResult(key, outcome.ok ? { ok: true, result: outcome.result } : { ok: false, error: outcome.error.message });
        outcomes[i] = outcome;
      });
    }
    return outcomes as MapOutcome[];
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** The store key of a request, or undefined when the mapper has no version (not cached). */
  private keyOf({ layer, hardware, seed }: MapRequest): MapperResultKey | undefined {
    if (this.version === undefined) return undefined;
    return { mapper: this.id, mapperVersion: this.version, layerKey: layerKey(layer), hardware, seed };
  }
}

/** A stored answer as a batch outcome. */
function storedOutcome(stored: StoredMapperResult): MapOutcome {
  return stored.ok ? { ok: true, result: stored.result } : { ok: false, error: new LayerDoesNotFitError(stored.error) };
}
