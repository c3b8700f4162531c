import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation, Fidelity } from '../domain/evaluation.js';
import type { HardwareConfig } from '../domain/hardware.js';
import type { MapperResult } from './mapper.js';

/** Identity of a cached evaluation: nothing with the same key is computed twice. */
export interface EvaluationKey {
  readonly fidelity: Fidelity;
  readonly pointHash: string;
  /** Id of the evaluator plugin: two evaluators of one fidelity never share results. */
  readonly evaluator: string;
  readonly evaluatorVersion: string;
  /** Hash of the workload's layers and counts. */
  readonly workloadHash: string;
}

export type RunStatus = 'running' | 'finished' | 'failed';

export interface RunRecord {
  readonly id: string;
  /** The validated config the run was started with, as JSON text. */
  readonly config: string;
  readonly seed: number;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Wall time the run has searched so far, summed over its sessions, ms (0 when never recorded). */
  readonly elapsedMs?: number;
}

/**
 * One trial of a run, in the order the optimizer asked for it. A trial is stored `running`
 * (neither evaluation nor error) as soon as it is asked, before it is evaluated — as Optuna's
 * RUNNING state — and replaced by its result when the evaluation ends; a resume re-evaluates
 * exactly the trials still running.
 */
export interface TrialRecord {
  readonly runId: string;
  readonly index: number;
  readonly pointHash: string;
  readonly point: DesignPoint;
  /** The fidelity that evaluates the trial; absent for the run's primary fidelity. */
  readonly fidelity?: Fidelity;
  /** Asked, not finished: no evaluation and no error yet. */
  readonly running?: boolean;
  /** Absent when the evaluation failed or is still running. */
  readonly evaluation?: Evaluation;
  readonly error?: string;
  /**
   * For a failed trial: whether evaluating the point again may succeed (a simulator that hung
   * or crashed) — such a trial is re-evaluated on resume, up to the run's retry bound.
   * Absent means false.
   */
  readonly recoverable?: boolean;
  /** Evaluations tried for this trial, this one included (absent means 1). */
  readonly attempts?: number;
  /**
   * The run's search time (ms, summed over its sessions) when the trial's result was stored —
   * what best-so-far-against-wall-time curves are drawn from. Absent while running.
   */
  readonly elapsedMs?: number;
}

/** Identity of a cached mapper answer: one layer on one hardware configuration. */
export interface MapperResultKey {
  /** Id of the mapper plugin. */
  readonly mapper: string;
  /** The mapper's {@link Mapper.version}: its code and every option that changes its answers. */
  readonly mapperVersion: string;
  /** {@link layerKey} of the layer. */
  readonly layerKey: string;
  readonly hardware: HardwareConfig;
  readonly seed: number;
}

/** A stored mapper answer: the mapping found, or why none fits (a LayerDoesNotFitError message). */
export type StoredMapperResult =
  | { readonly ok: true; readonly result: MapperResult }
  | { readonly ok: false; readonly error: string };

/** Who holds the write lock of a run, and when it last said it is alive. */
export interface RunLockHolder {
  /** Unique per process and session, e.g. `host:pid:random`. */
  readonly holder: string;
  readonly host: string;
  readonly pid: number;
  /** Last heartbeat, ms since the epoch. */
  readonly heartbeatAt: number;
}

/** How {@link Store.acquireRunLock} decides that the current holder is gone. */
export interface RunLockPolicy {
  /** A lock whose last heartbeat is older than this many ms is expired (Optuna's grace period). */
  readonly expiryMs: number;
  /** Clock, ms since the epoch (default Date.now). */
  readonly now?: () => number;
  /** Optional liveness check of the current holder (e.g. a dead pid on this host): false frees the lock at once. */
  readonly isAlive?: (holder: RunLockHolder) => boolean;
}

/**
 * Append-only persistence of runs and evaluations. Writes are durable when the call returns,
 * so a killed run loses at most the evaluation in flight.
 */
export interface Store {
  getEvaluation(key: EvaluationKey): Evaluation | undefined;
  putEvaluation(key: EvaluationKey, point: DesignPoint, evaluation: Evaluation): void;
  startRun(run: Omit<RunRecord, 'status' | 'startedAt'>): RunRecord;
  getRun(id: string): RunRecord | undefined;
  finishRun(id: string, status: Exclude<RunStatus, 'running'>): void;
  appendTrial(trial: TrialRecord): void;
  /**
   * Replaces a running trial by its result, or a failed one by a new attempt at the same point
   * (a retry): the stored trial at `trial.index` must exist, be running or failed, and have the
   * same point hash; a retry must count more attempts.
   * @throws StoreError otherwise (a successful trial is never overwritten).
   */
  replaceTrial(trial: TrialRecord): void;
  /** Records the run's total search time so far, summed over sessions (ms). */
  setRunElapsed(id: string, elapsedMs: number): void;
  trials(runId: string): TrialRecord[];
  getMapperResult(key: MapperResultKey): StoredMapperResult | undefined;
  /** Stores a mapper answer; the first one stored for a key wins. */
  putMapperResult(key: MapperResultKey, result: StoredMapperResult): void;
  /**
   * Takes the write lock of run `runId` for `candidate` in one transaction: granted when
   * nobody holds it, the candidate already does, or the holder's heartbeat expired (or
   * `policy.isAlive` says it is dead).
   * @returns undefined when granted, else the live holder.
   */
  acquireRunLock(runId: string, candidate: RunLockHolder, policy: RunLockPolicy): RunLockHolder | undefined;
  /** Refreshes the heartbeat. @returns false when `holder` no longer holds the lock (it expired and was taken). */
  renewRunLock(runId: string, holder: string, heartbeatAt: number): boolean;
  /** Frees the lock if `holder` holds it. */
  releaseRunLock(runId: string, holder: string): void;
  close(): void;
}
/** DI token for {@link Store}. */
export const Store = Symbol.for('polaris.Store');
