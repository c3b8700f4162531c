import { type AskContext, type DesignPoint, type HardwareSpace, type Mapper, type Optimizer, Random, type Trial, type Workload } from '@polaris/core';
import { withBatchSignal } from '../mapping/batch-signal.js';
import { MappingSampler } from '../mapping/mapping-sampler.js';

/** Options of {@link RandomOptimizer}. */
export interface RandomOptimizerOptions {
  /** Hardware draws per trial before giving up when some layer fits no mapping (default 64). */
  readonly maxHardwareDraws?: number;
}

/**
 * Seeded random search over the joint space: hardware drawn uniformly from the encoded
 * {@link HardwareSpace} (log-scaled), every layer's mapping from the {@link Mapper}.
 *
 * Trial i is a pure function of (seed, i): its hardware comes from `Random(seed).fork('trial-i')`,
 * and each layer's mapper seed from (seed, layer shape) — so equal hardware gives equal points,
 * which the store then answers from cache. It keeps no history beyond the trial count, so a
 * resumed run (stored trials told first) continues exactly where the killed one stopped.
 *
 * Mapping is the costly part of a point (tens of ms per layer), so `ask` sends every layer of
 * every point of the batch to the mapper at once ({@link MappingSampler}: a pooled mapper maps them
 * on all cores; an in-process one, layer by layer, yielding to the event loop in between), reports
 * each point as its layers come back, and stops with `context.signal`'s reason when it is aborted.
 */
export class RandomOptimizer implements Optimizer {
  readonly id = 'random';
  private told = 0;
  private pending = 0;
  private readonly root: Random;
  /** Mapper answers shared by the points of a batch that draw the same hardware (see {@link MappingSampler}). */
  private readonly sampler: MappingSampler;

  constructor(workload: Workload, mapper: Mapper, space: HardwareSpace, seed: number, options: RandomOptimizerOptions = {}) {
    this.root = new Random(seed);
    this.sampler = new MappingSampler(workload, mapper, space, seed, options);
  }

  /**
   * Proposes points `told + pending … + n − 1`, all mapped concurrently. A failure (no feasible
   * hardware, a mapper error, the signal) stops the rest of the batch and rejects with it.
   */
  async ask(n: number, context: AskContext = {}): Promise<DesignPoint[]> {
    const first = this.told + this.pending;
    let proposed = 0;
    const points = await withBatchSignal(context.signal, n, (signal) => Promise.all(Array.from({ length: n }, async (_, k) => {
      // Point i: hardware drawn from its own stream until every layer fits, with each layer's mapping.
      const point = await this.sampler.sample(this.root.fork(`trial-${first + k}`), signal);
      proposed += 1;
      context.onProposed?.(proposed, n);
      return point;
    })));
    this.pending += points.length;
    return points;
  }

  tell(trials: readonly Trial[]): void {
    this.told += trials.length;
    this.pending = Math.max(0, this.pending - trials.length);
  }
}
