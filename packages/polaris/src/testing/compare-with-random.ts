import {
  type DesignPoint, type Evaluation, type HardwareSpace, type Mapper, type MapperResult, type Optimizer, type Trial, type Workload,
  hashDesignPoint,
} from '@polaris/core';
import { RandomOptimizer } from '../random/random-optimizer.js';

/**
 * An optimizer against random search at equal trials: a small measured check for a spec, not a
 * benchmark (bench:search is). Both run the same seeds on the same mapper and space, each asked
 * in batches and told every evaluation.
 */
export interface RandomComparison {
  readonly workload: Workload;
  /**
   * The mapper both use. Its answers are kept by (layer, hardware, seed) and shared by the two, as
   * the CLI's store-cached mapper shares them; the answers, and so the trials, are the mapper's own.
   */
  readonly mapper: Mapper;
  readonly space: HardwareSpace;
  /** Scores a point (e.g. the analytical model); the lowest `edp` (pJ·cycles) of each run is compared. */
  readonly evaluate: (point: DesignPoint) => Evaluation;
  /** Trials per run (the optimizer must not be exhausted sooner). */
  readonly trials: number;
  /** Points per ask. */
  readonly batch: number;
  readonly seeds: readonly number[];
  /** The optimizer compared, for a seed, on the shared mapper. */
  readonly make: (seed: number, mapper: Mapper) => Optimizer;
}

/** What {@link compareWithRandom} measured. */
export interface RandomComparisonResult {
  /** Per seed, random search's best EDP over the optimizer's: above 1, the optimizer found the lower EDP. */
  readonly ratios: readonly number[];
  /** The geometric mean of `ratios`. */
  readonly geometricMean: number;
}

/** Runs the comparison, one seed after the other (random search first). */
export async function compareWithRandom(comparison: RandomComparison): Promise<RandomComparisonResult> {
  const mapper = sharedAnswers(comparison.mapper);
  const ratios: number[] = [];
  for (const seed of comparison.seeds) {
    const random = await bestEdp(new RandomOptimizer(comparison.workload, mapper, comparison.space, seed), comparison);
    const other = await bestEdp(comparison.make(seed, mapper), comparison);
    ratios.push(random / other);
  }
  const geometricMean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
  return { ratios, geometricMean };
}

/**
 * The lowest EDP (pJ·cycles) `optimizer` finds in `trials` trials asked `batch` at a time.
 * @throws Error when the optimizer is exhausted before `trials`.
 */
async function bestEdp(optimizer: Optimizer, { evaluate, trials, batch }: RandomComparison): Promise<number> {
  let best = Infinity;
  for (let done = 0; done < trials;) {
    const points = (await optimizer.ask(Math.min(batch, trials - done))) as DesignPoint[];
    if (points.length === 0) throw new Error(`optimizer "${optimizer.id}" asked nothing after ${done} of ${trials} trials`);
    const told: Trial[] = points.map((point) => {
      const evaluation = evaluate(point);
      best = Math.min(best, evaluation.edp);
      return { point, result: { ok: true, pointHash: hashDesignPoint(point), evaluation } };
    });
    optimizer.tell(told);
    done += points.length;
  }
  return best;
}

/** `mapper` with its answers kept by (layer, hardware, seed). */
function sharedAnswers(mapper: Mapper): Mapper {
  const answers = new Map<string, MapperResult>();
  return {
    id: mapper.id,
    map: (layer, hardware, seed) => {
      const key = JSON.stringify([layer, hardware, seed]);
      const answer = answers.get(key) ?? mapper.map(layer, hardware, seed);
      answers.set(key, answer);
      return answer;
    },
  };
}
