import type { Trial } from '../contracts/optimizer.js';
import type { TrialRecord } from '../contracts/store.js';
import type { EvaluationResult } from '../domain/evaluation.js';

/** A stored trial as the optimizer was (or would have been) told it. */
export const recordTrial = (record: TrialRecord): Trial => ({
  point: record.point, result: recordResult(record), ...(record.fidelity ? { fidelity: record.fidelity } : {}),
});

/** A stored trial's result. */
export function recordResult(record: TrialRecord): EvaluationResult {
  return record.evaluation
    ? { ok: true, pointHash: record.pointHash, evaluation: record.evaluation }
    : { ok: false, pointHash: record.pointHash, error: record.error ?? 'failed (no message stored)', recoverable: record.recoverable ?? false };
}

/**
 * Whether a stored trial is evaluated again on resume: it failed recoverably and has had at
 * most `retries` re-evaluations (`attempts ≤ retries`, the first evaluation included).
 */
export function retryable(record: TrialRecord, retries: number): boolean {
  return record.error !== undefined && record.recoverable === true && (record.attempts ?? 1) <= retries;
}
