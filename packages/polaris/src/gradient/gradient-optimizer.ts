import {
  type AskContext, type DesignPoint, type DifferentiableModel, type HardwareSpace, type Mapper, type Optimizer, Random, type Trial,
  type Workload,
} from '@polaris/core';
import { MappingSampler } from '../mapping/mapping-sampler.js';
import { type DescentOptions, descendFromStart, designsPerStart } from './gradient-start.js';

/** Options of {@link GradientOptimizer}. */
export interface GradientOptimizerOptions extends DescentOptions {
  /**
   * Independent starts (DOSA: 7); the search is exhausted after starts × designs per start.
   * Absent: no limit — starts follow each other until a budget stops the run.
   */
  readonly starts?: number;
  /** Hardware draws per start before giving up when some layer fits no mapping. */
  readonly maxHardwareDraws: number;
}

/** One start being walked: its designs so far and the rest of its sequence. */
interface StartRun {
  readonly designs: DesignPoint[];
  readonly sequence: AsyncGenerator<DesignPoint>;
}

/**
 * DOSA's mapping-first gradient search as an ask/tell optimizer: `starts` starts (DOSA: 7;
 * unlimited by default, so a time budget is used to its end), each from
 * random hardware (uniform in the run's log-scaled space) with the run's Mapper's mappings,
 * descending with Adam on the container's {@link DifferentiableModel}; every rounded design is a
 * trial (see gradient-start.ts). Trials 0, 1, … are start ⌊i / d⌋'s design i mod d, d = 1 +
 * ⌈steps / roundEvery⌉ (4 with DOSA's numbers: the start, and the roundings after 500, 1,000 and
 * 1,490 steps).
 *
 * No hidden history: trial i is a pure function of (seed, i) — the start's hardware from
 * `Random(seed).fork('start-s')`, each layer's mapper seed from (seed, layer shape), as the
 * random optimizer's — and the trial index is the count of told trials (plus those asked and
 * not yet told), so a fresh optimizer told the stored trials continues exactly. (In a schedule,
 * earlier stages' trials count too: a gradient stage after k trials begins at design k.) Told
 * results do not steer it: the model does, as in DOSA.
 *
 * `ask` descends on the calling thread, yielding to the event loop every few Adam steps (the
 * mapper yields or runs on workers while it maps a start), and rejects with `context.signal`'s
 * reason when it is aborted. Asks must not overlap (the pipeline awaits each).
 */
export class GradientOptimizer implements Optimizer {
  readonly id = 'gradient';
  private told = 0;
  private pending = 0;
  private readonly root: Random;
  private readonly perStart: number;
  /** Starts in progress by index; a start is dropped once the trial index has passed it. */
  private readonly runs = new Map<number, StartRun>();
  private readonly sampler: MappingSampler;

  constructor(
    private readonly workload: Workload,
    mapper: Mapper,
    private readonly model: DifferentiableModel,
    private readonly space: HardwareSpace,
    seed: number,
    private readonly options: GradientOptimizerOptions,
  ) {
    this.root = new Random(seed);
    this.perStart = designsPerStart(options);
    this.sampler = new MappingSampler(workload, mapper, space, seed, { maxHardwareDraws: options.maxHardwareDraws });
  }

  async ask(n: number, context: AskContext = {}): Promise<DesignPoint[]> {
    const points: DesignPoint[] = [];
    for (let k = 0; k < n; k++) {
      const index = this.told + this.pending + k;
      const start = Math.floor(index / this.perStart);
      if (this.options.starts !== undefined && start >= this.options.starts) break;
      points.push(await this.designAt(start, index % this.perStart, context.signal));
      context.onProposed?.(k + 1, n);
    }
    this.pending += points.length;
    return points;
  }

  tell(trials: readonly Trial[]): void {
    this.told += trials.length;
    this.pending = Math.max(0, this.pending - trials.length);
  }

  /** Design `phase` of start `start`, walking the start's sequence as far as needed. */
  private async designAt(start: number, phase: number, signal: AbortSignal | undefined): Promise<DesignPoint> {
    for (const s of this.runs.keys()) if (s < start) this.runs.delete(s);
    let run = this.runs.get(start);
    if (!run) {
      const { mappings } = await this.sampler.sample(this.root.fork(`start-${start}`), signal, `for gradient start ${start}`);
      const context = { workload: this.workload, model: this.model, space: this.space, options: this.options };
      run = { designs: [], sequence: descendFromStart(context, mappings, signal) };
      this.runs.set(start, run);
    }
    try {
      while (run.designs.length <= phase) {
        const next = await run.sequence.next();
        if (next.done) throw new Error(`gradient start ${start} ended after ${run.designs.length} designs; expected ${this.perStart}`);
        run.designs.push(next.value);
      }
    } catch (error) {
      this.runs.delete(start); // an aborted walk cannot be resumed: the next ask starts it again
      throw error;
    }
    return run.designs[phase];
  }
}
