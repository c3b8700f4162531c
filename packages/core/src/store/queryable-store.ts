import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation } from '../domain/evaluation.js';
import type { EvaluationKey, RunRecord, Store } from '../contracts/store.js';

/** An evaluation as kept in a store, with its key and the point it scored. */
export interface EvaluationRecord {
  readonly key: EvaluationKey;
  readonly point: DesignPoint;
  readonly evaluation: Evaluation;
}

/** Which evaluations {@link QueryableStore.evaluations} returns; absent fields match anything. */
export type EvaluationFilter = Partial<EvaluationKey>;

/**
 * The stores of this package offer more than the {@link Store} contract: listing runs and
 * reading evaluations back in bulk (training sets for performance models, reports).
 */
export interface QueryableStore extends Store {
  /** Every run, oldest first. */
  listRuns(): RunRecord[];
  /** Stored evaluations matching `filter`, in insertion order. */
  evaluations(filter?: EvaluationFilter): EvaluationRecord[];
}

