import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type AskContext, type DesignPoint, type HardwareConfig, HardwareSpace, LayerDoesNotFitError, type Mapper, type Mapping,
  type Optimizer, Random, type Trial, type Workload, layerKey,
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
 * Mapping is the costly part of a point (tens of ms per layer), so `ask` yields to the event
 * loop after every layer it maps and stops with `context.signal`'s reason when it is aborted.
 */
export class RandomOptimizer implements Optimizer {
  readonly id = 'random';
  private told = 0;
  private pending = 0;
  private readonly root: Random;
  private readonly maxHardwareDraws: number;
  /** Mapper results by layer key and hardware; mapping is the costly part of a point. */
  private readonly mappingCache = new Map<string, Mapping>();

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

  async ask(n: number, context: AskContext = {}): Promise<DesignPoint[]> {
    const points: DesignPoint[] = [];
    for (let k = 0; k < n; k++) {
      points.push(await this.pointAt(this.told + this.pending + k, context.signal));
      context.onProposed?.(k + 1, n);
    }
    this.pending += points.length;
    return points;
  }

  tell(trials: readonly Trial[]): void {
    this.told += trials.length;
    this.pending = Math.max(0, this.pending - trials.length);
  }

  private async pointAt(index: number, signal: AbortSignal | undefined): Promise<DesignPoint> {
    const random = this.root.fork(`trial-${index}`);
    let lastMiss: LayerDoesNotFitError | undefined;
    for (let draw = 0; draw < this.maxHardwareDraws; draw++) {
      const hardware = this.space.sample(random);
      try {
        const mappings: Mapping[] = [];
        for (const { layer } of this.workload.layers) {
          signal?.throwIfAborted();
          mappings.push(this.mapLayer(layer, hardware));
          await yieldToEventLoop();
        }
        return { hardware, mappings };
      } catch (error) {
        if (!(error instanceof LayerDoesNotFitError)) throw error;
        lastMiss = error;
      }
    }
    throw new NoFeasibleHardwareError(
      `no hardware among ${this.maxHardwareDraws} draws from the space fits every layer of ${this.workload.name} ` +
        `(last: ${lastMiss?.message ?? 'unknown'}); widen the config's space: ranges (larger spKB/accKB or smaller peDim)`,
    );
  }

  private mapLayer(layer: Workload['layers'][number]['layer'], hardware: HardwareConfig): Mapping {
    const key = `${layerKey(layer)}|${hardware.peDim},${hardware.spKB},${hardware.accKB}`;
    let mapping = this.mappingCache.get(key);
    if (!mapping) {
      const mapperSeed = this.root.fork(`mapper-${layerKey(layer)}`).uint32();
      mapping = this.mapper.map(layer, hardware, mapperSeed).mapping;
      this.mappingCache.set(key, mapping);
    }
    return mapping;
  }
}
