import type { Evaluator } from '../contracts/evaluator.js';
import type { Optimizer } from '../contracts/optimizer.js';
import type { Store } from '../contracts/store.js';
import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation, EvaluationResult, Fidelity } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';

/** How much a run may do. */
export interface SearchBudget {
  /** Total trials of the run, counting those resumed from the store. */
  readonly trials: number;
  /** Points per `ask`; results are told back per batch, in ask order. */
  readonly batch: number;
}

/** Everything a search needs; components come from the plugin registry. */
export interface SearchOptions {
  readonly optimizer: Optimizer;
  readonly evaluator: Evaluator;
  readonly store: Store;
  readonly workload: Workload;
  /** Trials of an existing run with this id are told to the optimizer first (resume). */
  readonly runId: string;
  readonly budget: SearchBudget;
  /**
   * Concurrent `evaluate` subscriptions: one number, or one per fidelity (the config's
   * `concurrency: { rtl: 8 }`). Default: the evaluator's `capabilities.maxConcurrency`.
   */
  readonly concurrency?: number | Partial<Record<Fidelity, number>>;
  /**
   * Points per `evaluate` call (default 1: each point is its own subscription, so it can be
   * cancelled alone). Raise it for batched evaluators such as surrogates.
   */
  readonly pointsPerCall?: number;
  /** Aborting stops asking and unsubscribes (cancels) evaluations in flight. */
  readonly signal?: AbortSignal;
  /** Recorded by `store.startRun` when the store has no run `runId` yet (default `{}` / 0). */
  readonly run?: { readonly config: string; readonly seed: number };
  /** Hash of the workload for the evaluation cache key (default {@link workloadHash} of the domain). */
  readonly workloadHash?: string;
}

/** The best trial so far: lowest EDP among successful trials (earliest wins ties). */
export interface BestTrial {
  readonly index: number;
  readonly pointHash: string;
  readonly point: DesignPoint;
  readonly evaluation: Evaluation;
}

/** Why a search ended. */
export type SearchStop = 'budget' | 'exhausted' | 'aborted';

export interface SearchSummary {
  readonly runId: string;
  /** Trials recorded for the run, resumed ones included. */
  readonly trials: number;
  /** Trials resumed from the store before this session. */
  readonly resumed: number;
  /** Points the evaluator computed in this session (each unique point once). */
  readonly evaluated: number;
  /** Trials of this session answered from the store (or a duplicate in the same batch). */
  readonly cached: number;
  /** Trials of this session whose evaluation failed. */
  readonly failed: number;
  readonly best?: BestTrial;
  readonly stoppedBy: SearchStop;
  /** Wall time of this session in ms. */
  readonly elapsedMs: number;
}

/**
 * What a search publishes, in a deterministic order: `started`, then per trial (in ask order)
 * `trial`, `error` if it failed, `best` if it improved, `progress`; finally `finished`.
 */
export type SearchEvent =
  | { readonly type: 'started'; readonly runId: string; readonly total: number; readonly resumed: number }
  | {
      readonly type: 'trial';
      readonly index: number;
      readonly pointHash: string;
      readonly point: DesignPoint;
      readonly result: EvaluationResult;
      /** True when the evaluation came from the store (or another trial of the batch), not the evaluator. */
      readonly cached: boolean;
    }
  | ({ readonly type: 'best' } & BestTrial)
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'error'; readonly index: number; readonly pointHash: string; readonly error: string; readonly recoverable: boolean }
  | { readonly type: 'finished'; readonly summary: SearchSummary };
