/**
 * From core's samples and design points to the feature rows every model here reads: each point
 * is scored by a features evaluator (the analytical model, whose per-level accesses the
 * featurizer needs), then each of its unique layers becomes one row.
 */
import { lastValueFrom, toArray } from 'rxjs';
import {
  type DesignPoint, type Evaluation, type Evaluator, type Sample, type Workload, hashDesignPoint, workloadHash,
} from '@polaris/core';
import type { DatasetSample } from '../datasets/dataset-sample.js';
import { samplesFromEvaluations } from '../datasets/samples-from-store.js';
import { FEATURE_LENGTH, featurize } from '../features/index.js';

/** A point the features evaluator could not score; the message names the point and why. */
export class FeaturesUnavailableError extends Error {
  override readonly name = 'FeaturesUnavailableError';
}

/**
 * The features evaluator's evaluation of each point, in order.
 * @throws FeaturesUnavailableError naming the first point it failed on (index and hash).
 */
export async function featureEvaluations(features: Evaluator, points: readonly DesignPoint[], workload: Workload, who: string): Promise<Evaluation[]> {
  if (points.length === 0) return [];
  const results = await lastValueFrom(features.evaluate(points, workload).pipe(toArray()));
  const byHash = new Map(results.map((r) => [r.pointHash, r]));
  return points.map((point, i) => {
    const pointHash = hashDesignPoint(point);
    const result = byHash.get(pointHash);
    if (!result) throw new FeaturesUnavailableError(`${who}: point ${i} (${pointHash}) of ${workload.name}: ${features.id} (features) gave no result`);
    if (!result.ok) throw new FeaturesUnavailableError(`${who}: point ${i} (${pointHash}) of ${workload.name}: ${features.id} (features) failed: ${result.error}`);
    return result.evaluation;
  });
}

/**
 * Feature rows of `points`: a row-major `(points × layers) × FEATURE_LENGTH` matrix, row
 * `p · layers + l` for layer `l` (workload order) of point `p`.
 * @throws FeaturesUnavailableError when a point cannot be scored or featurized.
 */
export async function featurizePoints(features: Evaluator, points: readonly DesignPoint[], workload: Workload, who: string): Promise<Float32Array> {
  const evaluations = await featureEvaluations(features, points, workload, who);
  const width = workload.layers.length;
  const matrix = new Float32Array(points.length * width * FEATURE_LENGTH);
  points.forEach((point, p) => {
    if (point.mappings.length !== width) throw new FeaturesUnavailableError(`${who}: point ${p} has ${point.mappings.length} mappings, ${workload.name} has ${width} unique layers`);
    workload.layers.forEach(({ layer }, l) => {
      const row = p * width + l;
      try {
        featurize({ hardware: point.hardware, layer, mapping: point.mappings[l], analytical: evaluations[p].layers[l] },
          matrix.subarray(row * FEATURE_LENGTH, (row + 1) * FEATURE_LENGTH));
      } catch (error) {
        throw new FeaturesUnavailableError(`${who}: point ${p}, layer ${l} of ${workload.name}: cannot featurize: ${(error as Error).message}`);
      }
    });
  });
  return matrix;
}

/**
 * The per-layer dataset samples of core samples, in sample order: the target is each sample's
 * own evaluation; the features come from the sample's evaluation itself when the features
 * evaluator made it (same id and version), else from evaluating the sample's point.
 * @throws RangeError when an evaluation has not one result per unique layer;
 *   FeaturesUnavailableError when a point cannot be scored.
 */
export async function datasetSamples(features: Evaluator, samples: readonly Sample[], who: string): Promise<DatasetSample[]> {
  const analytical: (Evaluation | undefined)[] = samples.map((s) => (
    s.evaluation.evaluator === features.id && s.evaluation.evaluatorVersion === features.version && s.evaluation.layers.every((l) => l.accesses) ? s.evaluation : undefined));
  const missing = new Map<string, { workload: Workload; indices: number[] }>();
  samples.forEach((s, i) => {
    if (analytical[i]) return;
    const key = workloadHash(s.workload);
    const group = missing.get(key) ?? { workload: s.workload, indices: [] };
    group.indices.push(i);
    missing.set(key, group);
  });
  for (const { workload, indices } of missing.values()) {
    const evaluations = await featureEvaluations(features, indices.map((i) => samples[i].point), workload, who);
    indices.forEach((i, k) => (analytical[i] = evaluations[k]));
  }
  return samples.flatMap((s, i) => samplesFromEvaluations(s.workload, s.point, analytical[i]!, s.evaluation, s.evaluation.fidelity));
}
