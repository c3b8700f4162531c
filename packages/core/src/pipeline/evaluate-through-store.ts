import { concat, defer, from, mergeMap, type Observable, tap } from 'rxjs';
import type { Evaluator } from '../contracts/evaluator.js';
import type { EvaluationKey, Store } from '../contracts/store.js';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import type { EvaluationResult, Fidelity } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';
import { workloadHash as hashWorkload } from '../domain/workload-hash.js';
import { evaluateEachOnce } from './evaluate-each-once.js';

/** The store key of `evaluator`'s evaluation of a point on a workload (by hash). */
export function evaluationKey(evaluator: Pick<Evaluator, 'id' | 'version' | 'fidelity'>, pointHash: string, workloadHash: string): EvaluationKey {
  return { fidelity: evaluator.fidelity, pointHash, evaluator: evaluator.id, evaluatorVersion: evaluator.version, workloadHash };
}

/** How {@link evaluateThroughStore} evaluates. */
export interface StoreEvaluationOptions {
  readonly evaluator: Evaluator;
  readonly store: Store;
  readonly workload: Workload;
  /** Hash of the workload in the cache key (default {@link hashWorkload} of `workload`). */
  readonly workloadHash?: string;
  /**
   * Concurrent `evaluate` subscriptions: one number, or one per fidelity. Default the
   * evaluator's `capabilities.maxConcurrency`.
   */
  readonly concurrency?: number | Partial<Record<Fidelity, number>>;
  /** Points per `evaluate` call (default 1: each point can be cancelled alone). */
  readonly pointsPerCall?: number;
}

/** One unique point's outcome: from the store (`cached`) or just evaluated (and, when ok, stored). */
export interface StoredEvaluationResult {
  readonly point: DesignPoint;
  readonly pointHash: string;
  readonly result: EvaluationResult;
  readonly cached: boolean;
}

/** The concurrency `options` give `evaluator` (≥ 1). */
export function evaluationConcurrency(evaluator: Evaluator, concurrency: StoreEvaluationOptions['concurrency']): number {
  const configured = typeof concurrency === 'number' ? concurrency : concurrency?.[evaluator.fidelity];
  return Math.max(1, Math.floor(configured ?? evaluator.capabilities.maxConcurrency));
}

/**
 * The one store-backed evaluation of Polaris (search, datasets, training, benchmarks): for each
 * unique point of `points`, the evaluation the store holds under (fidelity, point hash,
 * evaluator id and version, workload hash) — emitted first, synchronously — else a fresh
 * evaluation, stored as it arrives when it succeeded. Exactly one result per unique point;
 * failures are values (never stored, so a later call evaluates them again). Cold: subscribing
 * starts the work, unsubscribing cancels evaluations in flight.
 */
export function evaluateThroughStore(points: readonly DesignPoint[], options: StoreEvaluationOptions): Observable<StoredEvaluationResult> {
  return defer(() => {
    const { evaluator, store, workload } = options;
    const wHash = options.workloadHash ?? hashWorkload(workload);
    const hits: StoredEvaluationResult[] = [];
    const seen = new Set<string>();
    const pending = new Map<string, DesignPoint>();
    for (const point of points) {
      const pointHash = hashDesignPoint(point);
      if (seen.has(pointHash)) continue;
      seen.add(pointHash);
      const evaluation = store.getEvaluation(evaluationKey(evaluator, pointHash, wHash));
      if (evaluation) hits.push({ point, pointHash, result: { ok: true, pointHash, evaluation }, cached: true });
      else pending.set(pointHash, point);
    }
    const perCall = Math.max(1, Math.floor(options.pointsPerCall ?? 1));
    const unique = [...pending.values()];
    const chunks: DesignPoint[][] = [];
    for (let i = 0; i < unique.length; i += perCall) chunks.push(unique.slice(i, i + perCall));
    const fresh$ = from(chunks).pipe(
      mergeMap((chunk) => evaluateEachOnce(evaluator, chunk, workload), evaluationConcurrency(evaluator, options.concurrency)),
      tap((result) => {
        if (result.ok) store.putEvaluation(evaluationKey(evaluator, result.pointHash, wHash), pending.get(result.pointHash)!, result.evaluation);
      }),
      mergeMap((result): StoredEvaluationResult[] => [{ point: pending.get(result.pointHash)!, pointHash: result.pointHash, result, cached: false }]),
    );
    return concat(from(hits), fresh$);
  });
}
