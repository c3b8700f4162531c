import { type HardwareConfig, type Layer, type MapOutcome, type Mapper, type Mapping, type Random, type Workload, layerKey, mapRequests } from '@polaris/core';
import { hardwareKey } from './candidate-pool.js';

/**
 * The mappings of whole design points from a {@link Mapper}, cached by (layer, hardware).
 * Each point's uncached layers go to the mapper as one batch ({@link mapRequests}: a pooled
 * mapper runs them on all cores, an in-process one layer by layer, yielding in between), so
 * the points of a batch asked together are mapped concurrently. A layer's mapper seed is a
 * function of (root seed, layer shape) — the random optimizer's — so equal hardware gives equal
 * points whichever strategy proposed it, and the store's mapper cache serves both.
 */
export class LayerMappings {
  /** Answers in flight or settled, by layer key and hardware (a rejected one is dropped). */
  private readonly answers = new Map<string, Promise<MapOutcome>>();
  private readonly seeds = new Map<string, number>();

  constructor(
    private readonly workload: Workload,
    private readonly mapper: Mapper,
    private readonly root: Random,
  ) {}

  /**
   * Every layer's mapping on `hardware`, in workload order.
   * @returns undefined when some layer fits no mapping on it.
   * @throws (rejects) with `signal.reason` when aborted, and with any mapper error but "does not fit".
   */
  async map(hardware: HardwareConfig, signal?: AbortSignal): Promise<Mapping[] | undefined> {
    const layers = this.workload.layers.map(({ layer }) => layer);
    const keys = layers.map((layer) => `${layerKey(layer)}|${hardwareKey(hardware)}`);
    const missing = keys.flatMap((key, i) => (this.answers.has(key) ? [] : [i]));
    if (missing.length > 0) {
      const batch = mapRequests(this.mapper, missing.map((i) => ({ layer: layers[i], hardware, seed: this.seedOf(layers[i]) })), { signal });
      missing.forEach((i, j) => {
        const answer = batch.then((outcomes) => outcomes[j]);
        this.answers.set(keys[i], answer);
        answer.catch(() => { if (this.answers.get(keys[i]) === answer) this.answers.delete(keys[i]); });
      });
    }
    const outcomes = await Promise.all(keys.map((key) => this.answers.get(key)!));
    signal?.throwIfAborted();
    return outcomes.every((o) => o.ok) ? outcomes.map((o) => (o as Extract<MapOutcome, { ok: true }>).result.mapping) : undefined;
  }

  /** The mapper seed of a layer: `root.fork('mapper-<layer key>')`'s first draw. */
  private seedOf(layer: Layer): number {
    const key = layerKey(layer);
    let seed = this.seeds.get(key);
    if (seed === undefined) {
      seed = this.root.fork(`mapper-${key}`).uint32();
      this.seeds.set(key, seed);
    }
    return seed;
  }
}
