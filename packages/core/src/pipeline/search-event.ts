import type { Evaluator } from '../contracts/evaluator.js';
import type { Optimizer } from '../contracts/optimizer.js';
import type { Store } from '../contracts/store.js';
import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation, EvaluationResult, Fidelity } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';
import type { RunLockTiming } from './run-lease.js';

/** How much a run may do. */
export interface SearchBudget {
  /** Total trials of the run, counting those resumed from the store. */
  readonly trials: number;
  /** Points per `ask`; results are told back per batch, in ask order. */
  readonly batch: number;
  /**
   * Wall-clock limit in minutes, counted over every session of the run (the store keeps the
   * time spent): when it runs out, evaluations in flight are cancelled (their trials stay
   * `running` and are evaluated on resume) and the run ends with `stoppedBy: 'minutes'`.
   */
  readonly minutes?: number;
  /**
   * Most trials evaluated per fidelity (`{rtl: 100}`), counting those resumed; a trial answered
   * from the store counts too. The run ends with `stoppedBy: 'evaluations'` when this binds.
   */
  readonly evaluations?: Partial<Record<Fidelity, number>>;
}

/** Everything a search needs; components come from the plugin registry. */
export interface SearchOptions {
  readonly optimizer: Optimizer;
  /** The run's primary evaluator: points asked without a fidelity go to it; `best` is its best. */
  readonly evaluator: Evaluator;
  /** Evaluators of other fidelities that the optimizer may ask for ({@link FidelityRequest}s). */
  readonly evaluators?: Partial<Record<Fidelity, Evaluator>>;
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
  /**
   * Aborting stops asking and unsubscribes (cancels) evaluations in flight (their trials stay
   * `running` in the store). Abort with the reason `'minutes'` when a caller's own time limit
   * ran out (the summary then says `stoppedBy: 'minutes'`).
   */
  readonly signal?: AbortSignal;
  /**
   * Extra evaluations of a trial that failed recoverably (a simulator that hung or crashed),
   * made when the run is resumed (default 2). 0 never retries.
   */
  readonly retries?: number;
  /**
   * The run's write lock (default: taken, 5 s heartbeat, 30 s expiry). `false` skips it, for a
   * store that only this process can see.
   */
  readonly lock?: RunLockTiming | false;
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

/**
 * Why a search ended: its trial budget was spent, its evaluation budget for the fidelity was
 * spent, the optimizer had nothing left, the time budget ran out, or it was stopped (Ctrl-C,
 * unsubscribed).
 */
export type SearchStop = 'budget' | 'evaluations' | 'exhausted' | 'minutes' | 'aborted';

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
  /** Trials of this session whose evaluation failed (retries of stored failures included). */
  readonly failed: number;
  readonly best?: BestTrial;
  readonly stoppedBy: SearchStop;
  /** Wall time of this session in ms. */
  readonly elapsedMs: number;
  /** Search time of the run over all its sessions, ms. */
  readonly totalElapsedMs: number;
}

/**
 * What a search publishes, in a deterministic order: `started`; an `error` (`stored: true`) for
 * every stored trial that still failed after the resume's retries; `best` and `progress` when
 * resuming; then per trial (in ask order) `trial`, `error` if it failed, `best` if it improved,
 * `progress`; finally `finished`. `retrying` (right after `started`) announces evaluations of
 * stored trials left running by an earlier session and re-evaluations of stored recoverable
 * failures, each then published as `trial` (no `progress`: it was counted).
 * `proposing` reports the optimizer's progress through a batch while it asks.
 */
export type SearchEvent =
  | { readonly type: 'started'; readonly runId: string; readonly total: number; readonly resumed: number }
  | {
      readonly type: 'retrying';
      /** Stored recoverable failures evaluated again: how many, and their indices. */
      readonly trials: number;
      readonly indices: readonly number[];
      /** Trials an earlier session asked but did not finish (stored `running`), evaluated now. */
      readonly unfinished: readonly number[];
    }
  | { readonly type: 'proposing'; readonly proposed: number; readonly requested: number }
  | {
      readonly type: 'trial';
      readonly index: number;
      readonly pointHash: string;
      readonly point: DesignPoint;
      readonly result: EvaluationResult;
      /** True when the evaluation came from the store (or another trial of the batch), not the evaluator. */
      readonly cached: boolean;
      /** Evaluations of this trial so far (above 1 for a retry). */
      readonly attempts: number;
    }
  | ({ readonly type: 'best' } & BestTrial)
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | {
      readonly type: 'error';
      readonly index: number;
      readonly pointHash: string;
      readonly error: string;
      readonly recoverable: boolean;
      /** True for a failure read back from the store on resume (not evaluated again). */
      readonly stored: boolean;
      /** Evaluations the trial has had. */
      readonly attempts: number;
    }
  | { readonly type: 'finished'; readonly summary: SearchSummary };
