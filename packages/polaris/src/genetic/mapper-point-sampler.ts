import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type DesignPoint, type HardwareConfig, type HardwareSpace, type Layer, LayerDoesNotFitError, type Mapper, type Mapping, Random, type Workload,
  layerKey,
} from '@polaris/core';
import { NoFeasibleHardwareError } from '../random/random-optimizer.js';

/**
 * The genetic optimizer's access to the run's {@link Mapper}: layer mappings under a seed
 * derived from (optimizer seed, layer shape) — the derivation random search uses, so both
 * strategies ask the mapper the same questions and share its answers in the store — and
 * random design points whose hardware every layer fits.
 */
export class MapperPointSampler {
  private readonly root: Random;
  /** Mapper answers by layer key and hardware; mapping is the costly part of a point. */
  private readonly cache = new Map<string, Mapping>();

  constructor(
    private readonly workload: Workload,
    private readonly mapper: Mapper,
    private readonly space: HardwareSpace,
    seed: number,
    private readonly maxHardwareDraws: number,
  ) {
    this.root = new Random(seed);
  }

  /**
   * The mapper's mapping of `layer` on `hardware`; with `restart`, the answer under another seed
   * (derived from the layer's and `restart`), as a restart of the mapper's seeded search.
   * @throws LayerDoesNotFitError when no mapping of the layer fits the hardware.
   */
  map(layer: Layer, hardware: HardwareConfig, restart?: number): Mapping {
    const key = `${layerKey(layer)}|${hardware.peDim},${hardware.spKB},${hardware.accKB}|${restart ?? ''}`;
    let mapping = this.cache.get(key);
    if (!mapping) {
      const base = this.root.fork(`mapper-${layerKey(layer)}`);
      mapping = this.mapper.map(layer, hardware, (restart === undefined ? base : base.fork(restart)).uint32()).mapping;
      this.cache.set(key, mapping);
    }
    return mapping;
  }

  /**
   * A design point with hardware drawn from `random` in the space (redrawn while some layer fits
   * no mapping) and every layer mapped by the mapper. Yields to the event loop after each layer
   * and stops with `signal`'s reason when it is aborted.
   * @throws NoFeasibleHardwareError when `maxHardwareDraws` draws all leave a layer without a mapping.
   */
  async sample(random: Random, signal?: AbortSignal): Promise<DesignPoint> {
    let lastMiss: LayerDoesNotFitError | undefined;
    for (let draw = 0; draw < this.maxHardwareDraws; draw++) {
      const hardware = this.space.sample(random);
      const mappings: Mapping[] = [];
      for (const { layer } of this.workload.layers) {
        signal?.throwIfAborted();
        try {
          mappings.push(this.map(layer, hardware));
        } catch (error) {
          if (!(error instanceof LayerDoesNotFitError)) throw error;
          lastMiss = error;
          break;
        }
        await yieldToEventLoop();
      }
      if (mappings.length === this.workload.layers.length) return { hardware, mappings };
    }
    throw new NoFeasibleHardwareError(
      `no hardware among ${this.maxHardwareDraws} draws from the space fits every layer of ${this.workload.name} ` +
        `(last: ${lastMiss?.message ?? 'unknown'}); widen the config's space: ranges (larger spKB/accKB or smaller peDim)`,
    );
  }
}
