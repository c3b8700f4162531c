import {
  type DesignPoint, type HardwareConfig, type HardwareSpace, type Layer, type LayerDoesNotFitError, type MapOutcome, type Mapper,
  type Mapping, Random, type Workload, layerKey, mapRequests,
} from '@polaris/core';

/** No hardware in the space could hold every layer; names the layer and the space. */
export class NoFeasibleHardwareError extends Error {
  override readonly name = 'NoFeasibleHardwareError';
}

/** A stable key of a hardware configuration, `peDim,spKB,accKB` (for caches and de-duplication). */
export function hardwareKey(hardware: HardwareConfig): string {
  return `${hardware.peDim},${hardware.spKB},${hardware.accKB}`;
}

/** One layer to ask the mapper about. */
export interface LayerToMap {
  readonly layer: Layer;
  /**
   * Absent: the layer's own mapper seed. A number: a restart of the mapper's seeded search, under
   * a seed derived from the layer's and this label (see {@link MappingSampler.mapperSeed}).
   */
  readonly restart?: number;
}

/** Options of {@link MappingSampler}. */
export interface MappingSamplerOptions {
  /** Hardware draws per {@link MappingSampler.sample} before giving up when some layer fits no mapping (default 64). */
  readonly maxHardwareDraws?: number;
}

/** The mappings of `outcomes`, or undefined when one of them is "does not fit". */
const mappingsOf = (outcomes: readonly MapOutcome[]): Mapping[] | undefined =>
  (outcomes.every((o) => o.ok) ? outcomes.map((o) => (o as Extract<MapOutcome, { ok: true }>).result.mapping) : undefined);

/**
 * Every optimizer's access to the run's {@link Mapper}: per-layer mappings for a hardware point,
 * and random design points whose hardware every layer fits.
 *
 * Seeds: a layer's mapper seed is `Random(seed).fork('mapper-<layer key>')`'s first draw — a
 * function of (optimizer seed, layer shape) only — so equal hardware gives equal mappings whichever
 * optimizer asked, and the store's mapper cache serves them all. A restart `r` uses that stream's
 * `fork(r)` instead.
 *
 * Answers are cached by (layer, hardware, restart), in flight or settled (a rejected one is
 * dropped, so an aborted request is asked again later). The layers one call still needs go to the
 * mapper as one batch ({@link mapRequests}: a pooled mapper maps them on all cores, an in-process
 * one layer by layer, yielding to the event loop in between), so calls made together — the points
 * of a batch — are mapped concurrently and share requests for equal hardware.
 *
 * Lifecycle: one per optimizer, for its lifetime; the cache only grows.
 */
export class MappingSampler {
  private readonly root: Random;
  private readonly maxHardwareDraws: number;
  private readonly cache = new Map<string, Promise<MapOutcome>>();
  private readonly allLayers: readonly LayerToMap[];

  constructor(
    private readonly workload: Workload,
    private readonly mapper: Mapper,
    private readonly space: HardwareSpace,
    seed: number,
    options: MappingSamplerOptions = {},
  ) {
    this.root = new Random(seed);
    this.maxHardwareDraws = options.maxHardwareDraws ?? 64;
    this.allLayers = workload.layers.map(({ layer }) => ({ layer }));
  }

  /** The mapper seed of `layer`, or of its restart `restart` (see the class comment). */
  mapperSeed(layer: Layer, restart?: number): number {
    const base = this.root.fork(`mapper-${layerKey(layer)}`);
    return (restart === undefined ? base : base.fork(restart)).uint32();
  }

  /**
   * The mapper's answers for `layers` on `hardware`, in order; "does not fit" is an answer.
   * @throws (rejects) with `signal.reason` when aborted, and with any mapper error but "does not fit".
   */
  async answers(layers: readonly LayerToMap[], hardware: HardwareConfig, signal?: AbortSignal): Promise<MapOutcome[]> {
    const hardwareText = hardwareKey(hardware);
    const keys = layers.map(({ layer, restart }) => `${layerKey(layer)}|${hardwareText}|${restart ?? ''}`);
    const missing = [...new Map(keys.flatMap((key, i) => (this.cache.has(key) ? [] : [[key, i] as const]))).values()];
    if (missing.length > 0) {
      const requests = missing.map((i) => ({ layer: layers[i].layer, hardware, seed: this.mapperSeed(layers[i].layer, layers[i].restart) }));
      const batch = mapRequests(this.mapper, requests, { signal });
      missing.forEach((i, j) => {
        const answer = batch.then((outcomes) => outcomes[j]);
        this.cache.set(keys[i], answer);
        answer.catch(() => { if (this.cache.get(keys[i]) === answer) this.cache.delete(keys[i]); });
      });
    }
    const outcomes = await Promise.all(keys.map((key) => this.cache.get(key)!));
    signal?.throwIfAborted();
    return outcomes;
  }

  /**
   * Every layer's mapping on `hardware`, in workload order.
   * @returns undefined when some layer fits no mapping on it.
   * @throws (rejects) as {@link answers}.
   */
  async mapAll(hardware: HardwareConfig, signal?: AbortSignal): Promise<Mapping[] | undefined> {
    return mappingsOf(await this.answers(this.allLayers, hardware, signal));
  }

  /**
   * A design point with hardware drawn from `random` in the space — redrawn while some layer fits
   * no mapping — and every layer's mapping on it.
   * @param what names the point in the error (e.g. `'for gradient start 3'`).
   * @throws NoFeasibleHardwareError when `maxHardwareDraws` draws all leave a layer without a mapping.
   * @throws (rejects) as {@link answers}.
   */
  async sample(random: Random, signal?: AbortSignal, what?: string): Promise<DesignPoint> {
    let lastMiss: LayerDoesNotFitError | undefined;
    for (let draw = 0; draw < this.maxHardwareDraws; draw++) {
      const hardware = this.space.sample(random);
      const outcomes = await this.answers(this.allLayers, hardware, signal);
      const mappings = mappingsOf(outcomes);
      if (mappings) return { hardware, mappings };
      lastMiss = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]))[0];
    }
    throw new NoFeasibleHardwareError(
      `no hardware among ${this.maxHardwareDraws} draws from the space fits every layer of ${this.workload.name}${what ? ` ${what}` : ''} ` +
        `(last: ${lastMiss?.message ?? 'unknown'}); widen the config's space: ranges (larger spKB/accKB or smaller peDim)`,
    );
  }
}
