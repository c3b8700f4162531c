import type { HardwareConfig, HardwarePredictionOptions, Prediction, Workload } from '@polaris/core';
import { type AcquisitionOptions, acquisitionScores, normalCdf } from './acquisition.js';
import type { CandidatePool } from './candidate-pool.js';

/**
 * How a batch avoids being q copies of the acquisition's argmax:
 * - `'believer'` (kriging believer): each chosen candidate is treated as observed at its
 *   predicted mean before the next is scored, so σ — and the acquisition's optimism — shrinks
 *   around it (needs a model that honours `pending`).
 * - `'penalisation'` (local penalisation, González et al. 2016): the acquisition is multiplied by
 *   Φ((L‖x − x_j‖ − μ_j + best)/σ_j) for every chosen x_j, L the largest slope of μ over the
 *   pool — it excludes the ball where x_j's value shows the minimum cannot be. One prediction.
 */
export type DiversityRule = 'believer' | 'penalisation';

/** The part of a PerformanceModel a ranking uses. */
export interface HardwarePredictor {
  predictHardware(hardware: readonly HardwareConfig[], workload: Workload, options?: HardwarePredictionOptions): Promise<Prediction>;
}

/** What a ranking scores. */
export interface RankingContext {
  readonly model: HardwarePredictor;
  readonly workload: Workload;
  readonly pool: CandidatePool;
  readonly acquisition: AcquisitionOptions;
  /** The lowest ln EDP observed so far. */
  readonly best: number;
  /** Hardware already asked but not yet told: it counts as chosen from the start. */
  readonly pending: readonly HardwareConfig[];
  /** `pending` encoded, k×d row-major (same encoder as the pool). */
  readonly pendingEncoded: Float64Array;
}

/**
 * Picks pool candidates one at a time, each pick aware of the earlier ones. Lifecycle: `next()`
 * names the best available candidate; the caller `take`s it (it joins the batch) and asks
 * `next()` again; a taken candidate whose hardware then turns out to fit no mapping is
 * `reject`ed (it leaves the batch, and later picks no longer account for it).
 */
export interface BatchRanking {
  /** The best candidate not yet taken or rejected; undefined when the pool is used up. */
  next(): Promise<number | undefined>;
  take(index: number): void;
  /** Candidate `index` fits no mapping: out of the batch if taken, and never offered again. */
  reject(index: number): void;
  /** Candidates neither taken nor rejected, ascending. */
  availableIndices(): number[];
}

/** Creates the ranking of `rule` over `context.pool`. */
export async function createBatchRanking(rule: DiversityRule, context: RankingContext): Promise<BatchRanking> {
  return rule === 'believer' ? new BelieverRanking(context) : PenalisationRanking.create(context);
}

/** Shared bookkeeping: which candidates are still available, and the argmax over them. */
abstract class PoolRanking implements BatchRanking {
  protected readonly used: Uint8Array;

  constructor(protected readonly context: RankingContext) {
    this.used = new Uint8Array(context.pool.hardware.length);
  }

  abstract next(): Promise<number | undefined>;

  take(index: number): void {
    this.used[index] = 1;
  }

  reject(index: number): void {
    this.used[index] = 1;
  }

  availableIndices(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.used.length; i++) if (!this.used[i]) out.push(i);
    return out;
  }

  /** Index of the highest score among available candidates (lowest index on ties). */
  protected argmax(scores: Float64Array): number | undefined {
    let best: number | undefined;
    for (let i = 0; i < scores.length; i++) if (!this.used[i] && (best === undefined || scores[i] > scores[best])) best = i;
    return best;
  }
}

/** The kriging believer: one prediction per pick, conditioned on every pick so far. */
class BelieverRanking extends PoolRanking {
  /** Taken candidates in take order, with the mean they were believed at. */
  private readonly taken: { readonly index: number; readonly mean: number }[] = [];
  private scores?: Float64Array;
  private means?: Float64Array;

  async next(): Promise<number | undefined> {
    if (this.availableIndices().length === 0) return undefined;
    if (!this.scores) {
      const { model, pool, workload, acquisition, pending, best } = this.context;
      const chosen = [...pending, ...this.taken.map((t) => pool.hardware[t.index])];
      const prediction = await model.predictHardware(pool.hardware, workload, { pending: chosen });
      this.means = prediction.mean;
      // EI's incumbent: the observed best, lowered by believed means below it.
      this.scores = acquisitionScores(prediction, acquisition, Math.min(best, ...this.taken.map((t) => t.mean)));
    }
    return this.argmax(this.scores);
  }

  override take(index: number): void {
    super.take(index);
    this.taken.push({ index, mean: this.means?.[index] ?? this.context.best });
    this.scores = undefined;
  }

  override reject(index: number): void {
    super.reject(index);
    const at = this.taken.findIndex((t) => t.index === index);
    if (at >= 0) this.taken.splice(at, 1);
    this.scores = undefined;
  }
}

/** Local penalisation: one prediction, then a multiplicative penalty per pick (kept in logs). */
class PenalisationRanking extends PoolRanking {
  /** ln φ added per taken candidate, so a rejection can take it back. */
  private readonly penalties = new Map<number, Float64Array>();

  private constructor(
    context: RankingContext,
    private readonly prediction: Prediction,
    /** ln g(acquisition) per candidate, g positive, plus the penalties so far. */
    private readonly logScores: Float64Array,
    /** L, the largest |Δμ|/‖Δx‖ over pool pairs (ln EDP per encoded unit). */
    private readonly lipschitz: number,
  ) {
    super(context);
  }

  static async create(context: RankingContext): Promise<PenalisationRanking> {
    const { model, pool, workload, acquisition, best } = context;
    const prediction = await model.predictHardware(pool.hardware, workload);
    const scores = acquisitionScores(prediction, acquisition, best);
    const logScores = positiveLogScores(scores, acquisition.kind);
    const ranking = new PenalisationRanking(context, prediction, logScores, largestSlope(pool, prediction.mean));
    if (context.pending.length > 0) {
      const pending = await model.predictHardware(context.pending, workload);
      const d = pool.dimension;
      context.pending.forEach((_, j) => ranking.penalise(context.pendingEncoded.subarray(j * d, (j + 1) * d), pending.mean[j], pending.std[j]));
    }
    return ranking;
  }

  async next(): Promise<number | undefined> {
    return this.argmax(this.logScores);
  }

  override take(index: number): void {
    super.take(index);
    const d = this.context.pool.dimension;
    const penalty = this.penalise(this.context.pool.encoded.subarray(index * d, (index + 1) * d), this.prediction.mean[index], this.prediction.std[index]);
    this.penalties.set(index, penalty);
  }

  override reject(index: number): void {
    super.reject(index);
    const penalty = this.penalties.get(index);
    if (!penalty) return;
    for (let c = 0; c < penalty.length; c++) this.logScores[c] -= penalty[c];
    this.penalties.delete(index);
  }

  /**
   * Multiplies every score by φ(x; x_j) = Φ((L‖x − x_j‖ − μ_j + best)/σ_j).
   * @returns ln φ per candidate (what was added to the log scores).
   */
  private penalise(at: Float64Array, mean: number, std: number): Float64Array {
    const { encoded } = this.context.pool;
    const d = at.length;
    const sigma = Math.max(std, 1e-9);
    const penalty = new Float64Array(this.used.length);
    for (let c = 0; c < this.used.length; c++) {
      let squared = 0;
      for (let k = 0; k < d; k++) squared += (encoded[c * d + k] - at[k]) ** 2;
      const z = (this.lipschitz * Math.sqrt(squared) - mean + this.context.best) / sigma;
      penalty[c] = Math.log(Math.max(normalCdf(z), 1e-300));
      this.logScores[c] += penalty[c];
    }
    return penalty;
  }
}

/**
 * ln g(α) for a positive transform g of the acquisition: EI is already ≥ 0 (g = identity); the
 * LCB score, relative to the pool's best, goes through softplus.
 */
function positiveLogScores(scores: Float64Array, kind: AcquisitionOptions['kind']): Float64Array {
  if (kind === 'ei') return scores.map((s) => Math.log(Math.max(s, 1e-300)));
  let top = -Infinity;
  for (const s of scores) top = Math.max(top, s);
  return scores.map((s) => {
    const a = s - top; // ≤ 0
    return a < -30 ? a : Math.log(Math.log1p(Math.exp(a)));
  });
}

/** max |μ_i − μ_j| / ‖x_i − x_j‖ over pairs of pool candidates; 0 for fewer than two. */
function largestSlope(pool: CandidatePool, mean: Float64Array): number {
  const { encoded, dimension: d } = pool;
  const m = pool.hardware.length;
  let slope = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < i; j++) {
      let squared = 0;
      for (let k = 0; k < d; k++) squared += (encoded[i * d + k] - encoded[j * d + k]) ** 2;
      if (squared > 0) slope = Math.max(slope, Math.abs(mean[i] - mean[j]) / Math.sqrt(squared));
    }
  }
  return slope;
}
