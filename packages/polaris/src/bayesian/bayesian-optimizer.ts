import {
  type AskContext, type DesignPoint, type HardwareConfig, type HardwareSpace, type Mapper, type Optimizer, type PerformanceModel,
  Random, type Sample, type Trial, type Workload,
} from '@polaris/core';
import { withBatchSignal } from '../mapping/batch-signal.js';
import { MappingSampler, NoFeasibleHardwareError, hardwareKey } from '../mapping/mapping-sampler.js';
import type { AcquisitionKind } from './acquisition.js';
import { type BatchRanking, type DiversityRule, type HardwarePredictor, createBatchRanking } from './batch-ranking.js';
import { type CandidatePool, drawCandidatePool } from './candidate-pool.js';
import { MappedHardwarePredictor } from './mapped-hardware-predictor.js';

/** Options of {@link BayesianOptimizer}; the defaults are Spotlight's / the issue's. */
export interface BayesianOptimizerOptions {
  /** `'lcb'` (μ − κσ, default) or `'ei'` (expected improvement). */
  readonly acquisition?: AcquisitionKind;
  /** κ of the lower confidence bound (default 1). */
  readonly kappa?: number;
  /**
   * Hardware candidates drawn and scored per ask (default 1,000); none of them is mapped unless
   * the model reads mappings (no `predictHardware`), which then maps every one.
   */
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

/** One trial of an ask while its point is being found. */
interface Slot {
  readonly index: number;
  /** Warm-up trials: the trial's own hardware stream (the random optimizer's); else undefined. */
  readonly draws?: Random;
  /** Warm-up draws made and how many of them fit no mapping. */
  drawn: number;
  infeasible: number;
  point?: DesignPoint;
  /** No candidate left (every one told, pending, picked or infeasible). */
  exhausted?: boolean;
}

/** Hardware proposed for a slot in one round, and the pool candidate it is (model phase). */
interface Proposal {
  readonly slot: Slot;
  readonly hardware: HardwareConfig;
  readonly candidate?: number;
}

/**
 * Gaussian-process Bayesian optimisation of the hardware, mappings from the mapper (a hardware
 * outer loop; per layer, the mapper's search is the inner loop).
 *
 * Trials 0 … warmup−1 are the random optimizer's draws (`Random(seed).fork('trial-i')`). After
 * that, every ask fits the {@link PerformanceModel} on the told successful trials (ln EDP),
 * scores a fresh seeded pool of unmapped hardware candidates with the acquisition and picks the
 * batch one point at a time under a {@link DiversityRule}; a seeded `randomFraction` of the picks
 * takes a random (uniformly drawn) pool candidate instead. Only picked hardware is mapped — the
 * whole batch at once, so a pooled mapper maps it on all cores; a pick on which some layer fits
 * no mapping leaves the batch and the next round picks a replacement. Told, pending and picked
 * hardware is never proposed again (equal hardware would give the same point).
 *
 * A model that predicts unmapped hardware (`predictHardware`: the plain GP) scores the pool as
 * it is. A model that reads mappings (Starlight, DOSA's predictor) scores it through a
 * {@link MappedHardwarePredictor}: the whole pool is mapped first (its infeasible candidates
 * dropped), so such a model wants a small `poolSize`.
 *
 * No hidden history: an ask is a function of (seed, options, told trials in order, pending
 * points) — the model is refitted each ask as a function of the samples alone — so a fresh
 * optimizer told the stored trials asks exactly what the killed one would have. Failed trials
 * (`ok: false`) are left out of the model's samples (they count only as trial indices and as
 * hardware not to repeat). The fit yields to the event loop after each hyperparameter step and
 * the mapper after each layer; `ask` rejects with `context.signal`'s reason when aborted.
 */
export class BayesianOptimizer implements Optimizer {
  readonly id = 'bayesian';
  private readonly told: Trial[] = [];
  /** Hardware asked but not yet told, in ask order. */
  private pending: HardwareConfig[] = [];
  private readonly root: Random;
  /** The model's own `predictHardware`; undefined for a model that reads mappings. */
  private readonly hardwarePredictor?: HardwarePredictor;
  private readonly settings: Required<BayesianOptimizerOptions>;
  private readonly sampler: MappingSampler;

  constructor(
    private readonly workload: Workload,
    mapper: Mapper,
    private readonly space: HardwareSpace,
    seed: number,
    private readonly model: PerformanceModel,
    options: BayesianOptimizerOptions = {},
  ) {
    const predictHardware = model.predictHardware?.bind(model);
    if (predictHardware) this.hardwarePredictor = { predictHardware };
    this.root = new Random(seed);
    this.sampler = new MappingSampler(workload, mapper, space, seed);
    this.settings = {
      acquisition: options.acquisition ?? 'lcb', kappa: options.kappa ?? 1, poolSize: options.poolSize ?? 1000, warmup: options.warmup ?? 10,
      randomFraction: options.randomFraction ?? 0.1, localFraction: options.localFraction ?? 0.5, diversity: options.diversity ?? 'believer',
      maxHardwareDraws: options.maxHardwareDraws ?? 64,
    };
  }

  async ask(n: number, context: AskContext = {}): Promise<DesignPoint[]> {
    const first = this.told.length + this.pending.length;
    const samples = this.samples();
    const slots = Array.from({ length: n }, (_, k): Slot => {
      const index = first + k;
      const warm = index < this.settings.warmup || samples.length < 2;
      return { index, draws: warm ? this.root.fork(`trial-${index}`) : undefined, drawn: 0, infeasible: 0 };
    });
    let proposed = 0;
    const report = () => context.onProposed?.(++proposed, n);
    await withBatchSignal(context.signal, n, (signal) => this.fill(slots, samples, signal, report));
    const points = slots.flatMap((s) => (s.point ? [s.point] : []));
    this.pending.push(...points.map((p) => p.hardware));
    return points;
  }

  tell(trials: readonly Trial[]): void {
    this.told.push(...trials);
    this.pending = this.pending.slice(Math.min(this.pending.length, trials.length));
  }

  /**
   * Rounds until every slot has a point or is exhausted: propose hardware for each open slot in
   * slot order, map all proposals concurrently, keep those that fit.
   */
  private async fill(slots: Slot[], samples: readonly Sample[], signal: AbortSignal, report: () => void): Promise<void> {
    const seen = new Set([...this.told.map((t) => hardwareKey(t.point.hardware)), ...this.pending.map(hardwareKey)]);
    let phase: ModelPhase | undefined;
    for (let open = slots; open.length > 0; open = slots.filter((s) => !s.point && !s.exhausted)) {
      const proposals: Proposal[] = [];
      for (const slot of open) {
        if (!slot.draws) phase ??= await this.modelPhase(samples, slot.index, seen, proposals.map((p) => p.hardware), signal);
        const proposal = slot.draws ? this.warmProposal(slot, seen) : await this.modelProposal(slot, phase!);
        if (!proposal) {
          slot.exhausted = true;
          continue;
        }
        seen.add(hardwareKey(proposal.hardware));
        proposals.push(proposal);
      }
      const mapped = await Promise.all(proposals.map(async (p) => {
        const mappings = await this.sampler.mapAll(p.hardware, signal);
        if (mappings && !signal.aborted) report();
        return mappings;
      }));
      signal.throwIfAborted(); // mappings answered from the cache (a mapped pool) do not look at the signal
      proposals.forEach(({ slot, hardware, candidate }, j) => {
        const mappings = mapped[j];
        if (mappings) slot.point = { hardware, mappings };
        else if (candidate !== undefined) phase!.ranking.reject(candidate);
        else slot.infeasible += 1;
      });
    }
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

  /**
   * Fits the model, draws the pool (seeded by the first model-phase trial index) and ranks it;
   * `earlier` is the hardware proposed by this ask's warm-up trials before it.
   */
  private async modelPhase(
    samples: readonly Sample[], index: number, seen: ReadonlySet<string>, earlier: readonly HardwareConfig[], signal: AbortSignal,
  ): Promise<ModelPhase> {
    await this.model.fit(samples);
    signal.throwIfAborted();
    const drawn = drawCandidatePool(this.space, this.root.fork(`pool-${index}`), {
      size: this.settings.poolSize, exclude: seen, centres: this.bestEncoded(samples), localFraction: this.settings.localFraction,
    });
    const mapped = this.hardwarePredictor ? undefined : new MappedHardwarePredictor(this.model, this.sampler);
    const pool = mapped ? await mapped.feasiblePool(drawn, signal) : drawn;
    const pending = [...this.pending, ...earlier];
    const pendingEncoded = new Float64Array(pending.length * this.space.dimension);
    pending.forEach((h, j) => this.space.encode(h, pendingEncoded, j * this.space.dimension));
    const best = Math.min(...samples.map((s) => Math.log(s.evaluation.edp)));
    const ranking = await createBatchRanking(this.settings.diversity, {
      model: this.hardwarePredictor ?? mapped!, workload: this.workload, pool, best, pending, pendingEncoded,
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

  /**
   * The ranking's next candidate — or, for a seeded `randomFraction` of the trials, a random
   * uniformly drawn one — taken into the batch.
   */
  private async modelProposal(slot: Slot, { pool, ranking }: ModelPhase): Promise<Proposal | undefined> {
    const pick = this.root.fork(`pick-${slot.index}`);
    let candidate: number | undefined;
    if (pick.chance(this.settings.randomFraction)) {
      const uniform = ranking.availableIndices().filter((i) => i < pool.uniform);
      candidate = uniform.length > 0 ? pick.pick(uniform) : await ranking.next();
    } else {
      candidate = await ranking.next();
    }
    if (candidate === undefined) return undefined;
    ranking.take(candidate);
    return { slot, hardware: pool.hardware[candidate], candidate };
  }

  /**
   * The next hardware of a warm-up trial's stream not seen yet.
   * @returns undefined when the draws are used up on hardware already seen (a narrow space).
   * @throws NoFeasibleHardwareError when the draws are used up and some fitted no mapping.
   */
  private warmProposal(slot: Slot, seen: ReadonlySet<string>): Proposal | undefined {
    while (slot.drawn < this.settings.maxHardwareDraws) {
      slot.drawn += 1;
      const hardware = this.space.sample(slot.draws!);
      if (!seen.has(hardwareKey(hardware))) return { slot, hardware };
    }
    if (slot.infeasible === 0) return undefined;
    throw new NoFeasibleHardwareError(
      `no hardware among ${this.settings.maxHardwareDraws} draws from the space fits every layer of ${this.workload.name}; ` +
        'widen the config\'s space: ranges (larger spKB/accKB or smaller peDim)',
    );
  }
}
