import { setMaxListeners } from 'node:events';
import {
  type AskContext, type DesignPoint, type HardwareConfig, HardwareSpace, type Layer, LayerDoesNotFitError, type MapOutcome, type Mapper,
  type Optimizer, Random, type Trial, type Workload, layerKey, mapRequests,
} from '@polaris/core';

/** Options of {@link RandomOptimizer}. */
export interface RandomOptimizerOptions {
  /** Hardware draws per trial before giving up when some layer fits no mapping (default 64). */
  readonly maxHardwareDraws?: number;
}

/** No hardware in the space could hold every layer; names the layer and the space. */
export class NoFeasibleHardwareError extends Error {
  override readonly name = 'NoFeasibleHardwareError';
}

/**
 * Seeded random search over the joint space: hardware drawn uniformly from the encoded
 * {@link HardwareSpace} (log-scaled), every layer's mapping from the {@link Mapper}.
 *
 * Trial i is a pure function of (seed, i): its hardware comes from `Random(seed).fork(i)`, and
 * each layer's mapper seed from (seed, layer shape) — so equal hardware gives equal points,
 * which the store then answers from cache. It keeps no history beyond the trial count, so a
 * resumed run (stored trials told first) continues exactly where the killed one stopped.
 *
 * Mapping is the costly part of a point (tens of ms per layer), so `ask` sends every layer of
 * every point of the batch to the mapper at once ({@link mapRequests}: a pooled mapper maps them
 * on all cores; an in-process one, layer by layer, yielding to the event loop in between), reports
 * each point as its layers come back, and stops with `context.signal`'s reason when it is aborted.
 */
export class RandomOptimizer implements Optimizer {
  readonly id = 'random';
  private told = 0;
  private pending = 0;
  private readonly root: Random;
  private readonly maxHardwareDraws: number;
  /**
   * Mapper answers by layer key and hardware, in flight or settled (a rejected one is dropped):
   * points of a batch that draw the same hardware share one request.
   */
  private readonly mappingCache = new Map<string, Promise<MapOutcome>>();
  /** The mapper seed of each layer, by layer key. */
  private readonly mapperSeeds = new Map<string, number>();

  constructor(
    private readonly workload: Workload,
    private readonly mapper: Mapper,
    private readonly space: HardwareSpace,
    private readonly seed: number,
    options: RandomOptimizerOptions = {},
  ) {
    this.root = new Random(seed);
    this.maxHardwareDraws = options.maxHardwareDraws ?? 64;
  }

  /**
   * Proposes points `told + pending … + n − 1`, all mapped concurrently. A failure (no feasible
   * hardware, a mapper error, the signal) stops the rest of the batch and rejects with it.
   */
  async ask(n: number, context: AskContext = {}): Promise<DesignPoint[]> {
    context.signal?.throwIfAborted();
    const first = this.told + this.pending;
    // The batch's own signal: aborted by the caller's, or by the first point that fails.
    const batch = new AbortController();
    setMaxListeners(n + 10, batch.signal); // one listener per point's mapper batch
    const stop = () => batch.abort(context.signal?.reason);
    context.signal?.addEventListener('abort', stop, { once: true });
    let proposed = 0;
    const asked = Array.from({ length: n }, async (_, k) => {
      const point = await this.pointAt(first + k, batch.signal);
      proposed += 1;
      context.onProposed?.(proposed, n);
      return point;
    });
    try {
      const points = await Promise.all(asked);
      this.pending += points.length;
      return points;
    } catch (error) {
      batch.abort(error);
      throw error;
    } finally {
      context.signal?.removeEventListener('abort', stop);
    }
  }

  tell(trials: readonly Trial[]): void {
    this.told += trials.length;
    this.pending = Math.max(0, this.pending - trials.length);
  }

  /** Point `index`: hardware drawn from its own stream until every layer fits, with each layer's mapping. */
  private async pointAt(index: number, signal: AbortSignal): Promise<DesignPoint> {
    const random = this.root.fork(`trial-${index}`);
    let lastMiss: LayerDoesNotFitError | undefined;
    for (let draw = 0; draw < this.maxHardwareDraws; draw++) {
      const hardware = this.space.sample(random);
      const outcomes = await this.mapLayers(hardware, signal);
      const mappings = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.result.mapping] : []));
      if (mappings.length === outcomes.length) return { hardware, mappings };
      lastMiss = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]))[0];
    }
    throw new NoFeasibleHardwareError(
      `no hardware among ${this.maxHardwareDraws} draws from the space fits every layer of ${this.workload.name} ` +
        `(last: ${lastMiss?.message ?? 'unknown'}); widen the config's space: ranges (larger spKB/accKB or smaller peDim)`,
    );
  }

  /** Every layer's answer on `hardware`: cached ones reused, the rest sent to the mapper as one batch. */
  private mapLayers(hardware: HardwareConfig, signal: AbortSignal): Promise<MapOutcome[]> {
    const layers = this.workload.layers.map(({ layer }) => layer);
    const keys = layers.map((layer) => `${layerKey(layer)}|${hardware.peDim},${hardware.spKB},${hardware.accKB}`);
    const missing = keys.flatMap((key, i) => (this.mappingCache.has(key) ? [] : [i]));
    if (missing.length > 0) {
      const requests = missing.map((i) => ({ layer: layers[i], hardware, seed: this.mapperSeed(layers[i]) }));
      const answers = mapRequests(this.mapper, requests, { signal });
      missing.forEach((i, j) => {
        const answer = answers.then((outcomes) => outcomes[j]);
        this.mappingCache.set(keys[i], answer);
        answer.catch(() => { if (this.mappingCache.get(keys[i]) === answer) this.mappingCache.delete(keys[i]); });
      });
    }
    return Promise.all(keys.map((key) => this.mappingCache.get(key)!));
  }

  /** The mapper seed of a layer: a function of (seed, layer shape) only. */
  private mapperSeed(layer: Layer): number {
    const key = layerKey(layer);
    let seed = this.mapperSeeds.get(key);
    if (seed === undefined) {
      seed = this.root.fork(`mapper-${key}`).uint32();
      this.mapperSeeds.set(key, seed);
    }
    return seed;
  }
}
