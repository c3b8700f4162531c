import {
  type DesignPoint, type Evaluation, type Fidelity, type QueryableStore, type Workload, hashDesignPoint, workloadHash,
} from '@polaris/core';
import type { DatasetSample } from './dataset-sample.js';

/**
 * The per-layer samples of one design point: the analytical evaluation as features, `target`
 * as the truth (the same evaluation for an analytical dataset).
 * @throws RangeError when an evaluation does not have one layer result per unique layer.
 */
export function samplesFromEvaluations(
  workload: Workload, point: DesignPoint, analytical: Evaluation, target: Evaluation, source: string = target.fidelity,
): DatasetSample[] {
  const n = workload.layers.length;
  if (point.mappings.length !== n || analytical.layers.length !== n || target.layers.length !== n) {
    throw new RangeError(`samplesFromEvaluations: ${workload.name} has ${n} unique layers but the point has ${point.mappings.length} mappings, ` +
      `the analytical evaluation ${analytical.layers.length} and the target ${target.layers.length} layer results`);
  }
  return workload.layers.map(({ layer }, i) => ({
    hardware: point.hardware, layer, mapping: point.mappings[i], analytical: analytical.layers[i], source,
    target: { cycles: target.layers[i].cycles, energy: target.layers[i].energy },
  }));
}

/** Which stored evaluations {@link samplesFromStore} turns into a dataset. */
export interface StoreDatasetQuery {
  readonly workload: Workload;
  /** Fidelity of the targets. */
  readonly fidelity: Fidelity;
  /** Evaluator id of the targets (default: any of that fidelity). */
  readonly evaluator?: string;
  /** Evaluator id of the analytical features (default `analytical`). */
  readonly analyticalEvaluator?: string;
}

/**
 * The dataset a store holds for a workload: every design point evaluated at `fidelity` that
 * also has an analytical evaluation, split into per-layer samples (points in insertion order,
 * each point once — the newest evaluator version wins).
 */
export function samplesFromStore(store: QueryableStore, query: StoreDatasetQuery): DatasetSample[] {
  const hash = workloadHash(query.workload);
  const analytical = new Map<string, Evaluation>();
  for (const record of store.evaluations({ fidelity: 'analytical', workloadHash: hash, evaluator: query.analyticalEvaluator ?? 'analytical' })) {
    analytical.set(record.key.pointHash, record.evaluation);
  }
  const targets = new Map<string, { point: DesignPoint; evaluation: Evaluation }>();
  const filter = query.evaluator === undefined ? { fidelity: query.fidelity, workloadHash: hash } : { fidelity: query.fidelity, workloadHash: hash, evaluator: query.evaluator };
  for (const record of store.evaluations(filter)) targets.set(record.key.pointHash, { point: record.point, evaluation: record.evaluation });
  const samples: DatasetSample[] = [];
  for (const [pointHash, { point, evaluation }] of targets) {
    const features = analytical.get(pointHash);
    if (!features || hashDesignPoint(point) !== pointHash) continue;
    samples.push(...samplesFromEvaluations(query.workload, point, features, evaluation, query.fidelity));
  }
  return samples;
}
