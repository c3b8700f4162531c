import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type AskContext, type DesignPoint, type HardwareConfig, type HardwareSpace, LayerDoesNotFitError, type Mapper, type Mapping,
  type Optimizer, type PerformanceModel, Random, type Sample, type Trial, type Workload, layerKey,
} from '@polaris/core';
import { NoFeasibleHardwareError } from '../random/random-optimizer.js';
import type { AcquisitionKind } from './acquisition.js';
import { type BatchRanking, type DiversityRule, type HardwarePredictor, createBatchRanking } from './batch-ranking.js';
import { type CandidatePool, drawCandidatePool, hardwareKey } from './candidate-pool.js';

/** Options of {@link BayesianOptimizer}; the defaults are Spotlight's / the issue's. */
export interface BayesianOptimizerOptions {
  /** `'lcb'` (μ − κσ, default) or `'ei'` (expected improvement). */
  readonly acquisition?: AcquisitionKind;
  /** κ of the lower confidence bound (default 1). */
  readonly kappa?: number;
  /** Hardware candidates drawn and scored per ask (default 1,000); none of them is mapped. */
  readonly poolSize?: number;
  /** Trials (by index) drawn at random before the model is used (default 10). */
  readonly warmup?: number;
  /** Share of model-phase trials that take a random pool candidate instead (default 0.1; seeded per trial). */
  readonly randomFraction?: number;
  /** Share of the pool drawn around the best observed hardware, the rest uniform (default 0.5). */
  readonly localFraction?: number;
  /** How the q points of a batch are kept apart (default `'believer'`). */
  readonly diversity?: DiversityRule;
  /** Hardware draws per warm-up trial before giving up when some layer fits no mapping (default 64). */
  readonly maxHardwareDraws?: number;
}

/** Best samples the local part of the pool is drawn around. */
const LOCAL_CENTRES = 5;

/** Model-phase state of one ask: the pool and its ranking. */
interface ModelPhase {
  readonly pool: CandidatePool;
  readonly ranking: BatchRanking;
}

/**
 * Gaussian-process Bayesian optimisation of the hardware, mappings from the mapper (a hardware
 * outer loop; per layer, the mapper's search is the inner loop).
 *
 * Trials 0 … warmup−1 are the random optimizer's draws (`Random(seed).fork('trial-i')`). After
 * that, every ask fits the {@link PerformanceModel} on the told successful trials (ln EDP),
 * scores a fresh seeded pool of unmapped hardware candidates with the acquisition and picks the
 * batch one point at a time under a {@link DiversityRule}; a seeded `randomFraction` of the picks
 * takes a random pool candidate instead. Only picked hardware is mapped; hardware on which some
 * layer fits no mapping is skipped and the next candidate taken. Told, pending and picked
 * hardware is never proposed again (equal hardware would give the same point).
 *
 * No hidden history: an ask is a function of (seed, options, told trials in order, pending
 * points) — the model is refitted from scratch each ask — so a fresh optimizer told the stored
 * trials asks exactly what the killed one would have. Failed trials (`ok: false`) are left out
 * of the model's samples (they count only as trial indices and as hardware not to repeat).
 * `ask` yields to the event loop after each mapped layer and each hyperparameter step, and
 * rejects with `context.signal`'s reason when aborted.
 */
export class BayesianOptimizer implements Optimizer {
  readonly id = 'bayesian';
  private readonly told: Trial[] = [];
  /** Hardware asked but not yet told, in ask order. */
  private pending: HardwareConfig[] = [];
  private readonly root: Random;
  private readonly predictor: HardwarePredictor;
  private readonly settings: Required<BayesianOptimizerOptions>;
  /** Mapper results by layer key and hardware; mapping is the costly part of a point. */
  private readonly mappingCache = new Map<string, Mapping>();

  /** @throws TypeError when the model cannot predict unmapped hardware (no `predictHardware`). */
  constructor(
    private readonly workload: Workload,
    private readonly mapper: Mapper,
    private readonly space: HardwareSpace,
    seed: number,
    private readonly model: PerformanceModel,
    options: BayesianOptimizerOptions = {},
  ) {
    const predictHardware = model.predictHardware?.bind(model);
    if (!predictHardware) {
      throw new TypeError(`optimizer "bayesian" scores unmapped hardware candidates, but model "${model.id}" predicts only mapped design points (it has no predictHardware); use the plain GP (the default, model "gp")`);
    }
    this.predictor = { predictHardware };
    this.root = new Random(seed);
    this.settings = {
      acquisition: options.acquisition ?? 'lcb', kappa: options.kappa ?? 1, poolSize: options.poolSize ?? 1000, warmup: options.warmup ?? 10,
      randomFraction: options.randomFraction ?? 0.1, localFraction: options.localFraction ?? 0.5, diversity: options.diversity ?? 'believer', maxHardwareDraws: options.maxHardwareDraws ?? 64,
    };
  }

  async ask(n: number, context: AskContext = {}): Promise<DesignPoint[]> {
    const first = this.told.length + this.pending.length;
    const exclude = new Set([...this.told.map((t) => hardwareKey(t.point.hardware)), ...this.pending.map(hardwareKey)]);
    const samples = this.samples();
    const points: DesignPoint[] = [];
    let phase: ModelPhase | undefined;
    for (let k = 0; k < n; k++) {
      const index = first + k;
      let point: DesignPoint | undefined;
      if (index < this.settings.warmup || samples.length < 2) {
        point = await this.randomPoint(index, exclude, context.signal);
      } else {
        phase ??= await this.modelPhase(samples, index, exclude, points.map((p) => p.hardware), context.signal);
        point = await this.modelPoint(index, phase, context.signal);
      }
      if (!point) break; // every candidate is told, pending or infeasible
      exclude.add(hardwareKey(point.hardware));
      points.push(point);
      context.onProposed?.(k + 1, n);
    }
    this.pending.push(...points.map((p) => p.hardware));
    return points;
  }

  tell(trials: readonly Trial[]): void {
    this.told.push(...trials);
    this.pending = this.pending.slice(Math.min(this.pending.length, trials.length));
  }

  /** The told successful trials inside the space, as model samples (in told order). */
  private samples(): Sample[] {
    const samples: Sample[] = [];
    for (const { point, result } of this.told) {
      if (!result.ok || !(result.evaluation.edp > 0 && Number.isFinite(result.evaluation.edp))) continue;
      if (!this.space.contains(point.hardware)) continue;
      samples.push({ point, workload: this.workload, evaluation: result.evaluation });
    }
    return samples;
  }

  /** Fits the model, draws the pool (seeded by the first model-phase trial index) and ranks it. */
  private async modelPhase(
    samples: readonly Sample[], index: number, exclude: ReadonlySet<string>, earlier: readonly HardwareConfig[], signal: AbortSignal | undefined,
  ): Promise<ModelPhase> {
    signal?.throwIfAborted();
    await this.model.fit(samples);
    signal?.throwIfAborted();
    const pool = drawCandidatePool(this.space, this.root.fork(`pool-${index}`), {
      size: this.settings.poolSize, exclude, centres: this.bestEncoded(samples), localFraction: this.settings.localFraction,
    });
    const pending = [...this.pending, ...earlier];
    const pendingEncoded = new Float64Array(pending.length * this.space.dimension);
    pending.forEach((h, j) => this.space.encode(h, pendingEncoded, j * this.space.dimension));
    const best = Math.min(...samples.map((s) => Math.log(s.evaluation.edp)));
    const ranking = await createBatchRanking(this.settings.diversity, {
      model: this.predictor, workload: this.workload, pool, best, pending, pendingEncoded,
      acquisition: { kind: this.settings.acquisition, kappa: this.settings.kappa },
    });
    return { pool, ranking };
  }

  /** The encoded hardware of the best samples (lowest EDP; at most {@link LOCAL_CENTRES}), k×d row-major. */
  private bestEncoded(samples: readonly Sample[]): Float64Array {
    const best = [...samples].sort((a, b) => a.evaluation.edp - b.evaluation.edp).slice(0, LOCAL_CENTRES);
    const d = this.space.dimension;
    const out = new Float64Array(best.length * d);
    best.forEach((s, i) => this.space.encode(s.point.hardware, out, i * d));
    return out;
  }

  /** The ranking's next candidate (or, for a seeded share of trials, a random one) that maps. */
  private async modelPoint(index: number, { pool, ranking }: ModelPhase, signal: AbortSignal | undefined): Promise<DesignPoint | undefined> {
    const pick = this.root.fork(`pick-${index}`);
    const explore = pick.chance(this.settings.randomFraction);
    for (;;) {
      signal?.throwIfAborted();
      const available = explore ? ranking.availableIndices().filter((i) => i < pool.uniform) : undefined;
      const candidate = available ? (available.length > 0 ? pick.pick(available) : undefined) : await ranking.next();
      if (candidate === undefined) return undefined;
      const hardware = pool.hardware[candidate];
      const mappings = await this.mapAll(hardware, signal);
      if (!mappings) {
        ranking.reject(candidate);
        continue;
      }
      ranking.take(candidate);
      return { hardware, mappings };
    }
  }

  /**
   * Warm-up trial `index`: the random optimizer's draw sequence, skipping hardware already seen.
   * @returns undefined when every draw was hardware already seen (a narrow space is used up).
   * @throws NoFeasibleHardwareError when draws fit no mapping.
   */
  private async randomPoint(index: number, exclude: ReadonlySet<string>, signal: AbortSignal | undefined): Promise<DesignPoint | undefined> {
    const random = this.root.fork(`trial-${index}`);
    let infeasible = 0;
    for (let draw = 0; draw < this.settings.maxHardwareDraws; draw++) {
      const hardware = this.space.sample(random);
      if (exclude.has(hardwareKey(hardware))) continue;
      const mappings = await this.mapAll(hardware, signal);
      if (mappings) return { hardware, mappings };
      infeasible += 1;
    }
    if (infeasible === 0) return undefined;
    throw new NoFeasibleHardwareError(
      `no hardware among ${this.settings.maxHardwareDraws} draws from the space fits every layer of ${this.workload.name}; ` +
        'widen the config\'s space: ranges (larger spKB/accKB or smaller peDim)',
    );
  }

  /**
   * Maps every layer onto `hardware`, yielding to the event loop after each.
   * @returns undefined when some layer fits no mapping.
   */
  private async mapAll(hardware: HardwareConfig, signal: AbortSignal | undefined): Promise<Mapping[] | undefined> {
    const mappings: Mapping[] = [];
    for (const { layer } of this.workload.layers) {
      signal?.throwIfAborted();
      const key = `${layerKey(layer)}|${hardwareKey(hardware)}`;
      let mapping = this.mappingCache.get(key);
      if (!mapping) {
        try {
          // The random optimizer's mapper seeds: equal hardware gives equal points across strategies.
          mapping = this.mapper.map(layer, hardware, this.root.fork(`mapper-${layerKey(layer)}`).uint32()).mapping;
        } catch (error) {
          if (error instanceof LayerDoesNotFitError) return undefined;
          throw error;
        }
        this.mappingCache.set(key, mapping);
        await yieldToEventLoop();
      }
      mappings.push(mapping);
    }
    return mappings;
  }
}
