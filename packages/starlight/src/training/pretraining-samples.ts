/**
 * Starlight-Low's pretraining data: seeded design points per workload (drawn as `polaris
 * dataset` draws them), scored by the analytical evaluator through the store when there is one
 * (evaluations it holds are reused, new ones are added to it), split into per-layer samples.
 */
import { lastValueFrom, toArray } from 'rxjs';
import {
  type Evaluation, type Evaluator, HardwareSpace, type Mapper, type Store, type Workload, evaluateThroughStore, hashDesignPoint,
} from '@polaris/core';
import type { DatasetSample } from '../datasets/dataset-sample.js';
import { sampleDesignPoints } from '../datasets/sample-design-points.js';
import { samplesFromEvaluations } from '../datasets/samples-from-store.js';

/** Where pretraining samples come from. */
export interface PretrainingSource {
  /** The workloads whose layers are sampled. */
  readonly workloads: readonly Workload[];
  /** Design points per workload. */
  readonly pointsPerWorkload: number;
  /** The analytical evaluator (the features and the pretraining targets). */
  readonly analytical: Evaluator;
  /** Supplies half of the points' mappings (see `sampleDesignPoints`); random valid ones without it. */
  readonly mapper?: Mapper;
  /** `rows` when the mapper keeps tiles inside row-organised buffers (RTL datasets). */
  readonly bufferLayout?: 'words' | 'rows';
  /** Hardware is drawn from it (default the whole template). */
  readonly hardwareSpace?: HardwareSpace;
  /** Evaluations are reused from it and stored in it; without one every point is evaluated. */
  readonly store?: Store;
}

/** How one workload's pretraining points went. */
export interface PretrainingTally {
  readonly workload: string;
  /** Points that gave samples. */
  readonly used: number;
  /** Evaluated now, reused (from the store, or a repeated point), failed. */
  readonly fresh: number;
  readonly reused: number;
  readonly failed: number;
  readonly ms: number;
}

/** A point the analytical evaluator failed on (it gives no samples). */
export interface PretrainingFailure {
  readonly evaluator: string;
  readonly pointHash: string;
  readonly error: string;
}

/**
 * Analytical per-layer samples of `source.pointsPerWorkload` seeded points per workload, in
 * workload then point order (a repeated point gives its samples again).
 * @param onWorkload called after each workload; @param onFailure for each failed point.
 */
export async function pretrainingSamples(
  source: PretrainingSource, seed: number,
  onWorkload?: (tally: PretrainingTally) => void, onFailure?: (failure: PretrainingFailure) => void,
): Promise<DatasetSample[]> {
  const { analytical } = source;
  const samples: DatasetSample[] = [];
  for (const workload of source.workloads) {
    const started = performance.now();
    const points = sampleDesignPoints(workload, source.pointsPerWorkload, seed, {
      hardwareSpace: source.hardwareSpace ?? new HardwareSpace({}), mapper: source.mapper, bufferLayout: source.bufferLayout,
    });
    const unique = new Set(points.map(hashDesignPoint)).size;
    const evaluations = new Map<string, Evaluation>();
    let fresh = 0;
    let reused = points.length - unique;
    let failed = 0;
    const results = source.store
      ? await lastValueFrom(evaluateThroughStore(points, { evaluator: analytical, store: source.store, workload }).pipe(toArray()))
      : (await lastValueFrom(analytical.evaluate(points, workload).pipe(toArray()))).map((result) => ({ pointHash: result.pointHash, result, cached: false }));
    const seen = new Set<string>();
    for (const { pointHash, result, cached } of results) {
      if (seen.has(pointHash)) continue;
      seen.add(pointHash);
      if (result.ok) {
        evaluations.set(pointHash, result.evaluation);
        if (cached) reused++;
        else fresh++;
      } else {
        failed++;
        onFailure?.({ evaluator: analytical.id, pointHash, error: result.error });
      }
    }
    for (const point of points) {
      const pointHash = hashDesignPoint(point);
      if (seen.has(pointHash)) continue;
      seen.add(pointHash);
      failed++;
      onFailure?.({ evaluator: analytical.id, pointHash, error: `${analytical.id} gave no result for this point` });
    }
    let used = 0;
    for (const point of points) {
      const evaluation = evaluations.get(hashDesignPoint(point));
      if (!evaluation) continue; // failed; already reported
      samples.push(...samplesFromEvaluations(workload, point, evaluation, evaluation, 'analytical'));
      used++;
    }
    onWorkload?.({ workload: workload.name, used, fresh, reused, failed, ms: performance.now() - started });
  }
  return samples;
}
