import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation, Fidelity } from '../domain/evaluation.js';

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
}

/** One trial of a run, in the order the optimizer asked for it. */
export interface TrialRecord {
  readonly runId: string;
  readonly index: number;
  readonly pointHash: string;
  readonly point: DesignPoint;
  /** Absent when the evaluation failed. */
  readonly evaluation?: Evaluation;
  readonly error?: string;
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
  trials(runId: string): TrialRecord[];
  close(): void;
}
/** DI token for {@link Store}. */
export const Store = Symbol.for('polaris.Store');
