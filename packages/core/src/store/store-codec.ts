import { canonicalDesignPoint, type DesignPoint } from '../domain/design-point.js';
import type { Evaluation, Fidelity } from '../domain/evaluation.js';
import type { HardwareConfig } from '../domain/hardware.js';
import { parseMapping } from '../domain/mapping.js';
import type { EvaluationKey, RunLockHolder, RunLockPolicy, TrialRecord } from '../contracts/store.js';
import { StoreError } from './store-error.js';

/**
 * JSON forms of what the stores keep. A design point is `{"hardware":{…},"mappings":["L3[WIO] …", …]}`
 * — mappings in the DOSA/Timeloop text form, small and greppable; an evaluation is its
 * plain JSON without whitespace (per-layer results and access counts included).
 */
export function encodePoint(point: DesignPoint): string {
  return canonicalDesignPoint(point);
}

/** Inverse of {@link encodePoint}. */
export function decodePoint(text: string): DesignPoint {
  const raw = JSON.parse(text) as { hardware: HardwareConfig; mappings: string[] };
  return { hardware: raw.hardware, mappings: raw.mappings.map(parseMapping) };
}

export function encodeEvaluation(evaluation: Evaluation): string {
  return JSON.stringify(evaluation);
}

export function decodeEvaluation(text: string): Evaluation {
  return JSON.parse(text) as Evaluation;
}

/** Checks that an evaluation agrees with the key it is stored under. */
export function checkEvaluationKey(key: EvaluationKey, evaluation: Evaluation): void {
  if (key.fidelity !== evaluation.fidelity || key.evaluator !== evaluation.evaluator || key.evaluatorVersion !== evaluation.evaluatorVersion) {
    throw new StoreError(`evaluation of point ${key.pointHash} is ${evaluation.fidelity} ${evaluation.evaluator}@${evaluation.evaluatorVersion} `
      + `but its key says ${key.fidelity} ${key.evaluator}@${key.evaluatorVersion}; pass the key of the evaluator that produced it`);
  }
}

/** Checks a trial before storing: exactly one of evaluation / error, or neither when running. */
export function checkTrial(trial: TrialRecord): void {
  if (!Number.isInteger(trial.index) || trial.index < 0) {
    throw new StoreError(`trial index ${trial.index} of run ${trial.runId} must be an integer ≥ 0`);
  }
  if (trial.running) {
    if (trial.evaluation !== undefined || trial.error !== undefined) {
      throw new StoreError(`trial ${trial.index} of run ${trial.runId} is running and cannot have an evaluation or an error yet`);
    }
    return;
  }
  if ((trial.evaluation === undefined) === (trial.error === undefined)) {
    throw new StoreError(`trial ${trial.index} of run ${trial.runId} must have either an evaluation or an error, not ${trial.evaluation ? 'both' : 'neither'}`);
  }
}

/** A trial as both stores keep it: point and evaluation as their encoded text. */
export interface EncodedTrial {
  readonly runId: string;
  readonly index: number;
  readonly pointHash: string;
  readonly point: string;
  readonly evaluation?: string | null;
  readonly error?: string | null;
  readonly recoverable?: boolean;
  readonly attempts?: number;
  readonly running?: boolean;
  readonly fidelity?: Fidelity;
  readonly elapsedMs?: number;
}

/** Decodes a stored trial; absent (or SQL NULL) evaluation and error are left out. */
export function decodeTrial(t: EncodedTrial): TrialRecord {
  return {
    runId: t.runId,
    index: t.index,
    pointHash: t.pointHash,
    point: decodePoint(t.point),
    ...(t.fidelity ? { fidelity: t.fidelity } : {}),
    ...(t.elapsedMs !== undefined ? { elapsedMs: t.elapsedMs } : {}),
    ...(t.running ? { running: true } : {}),
    ...(t.evaluation != null ? { evaluation: decodeEvaluation(t.evaluation) } : {}),
    ...(t.error != null ? { error: t.error } : {}),
    ...(t.error != null && t.recoverable ? { recoverable: true } : {}),
    ...(t.attempts !== undefined && t.attempts > 1 ? { attempts: t.attempts } : {}),
  };
}

/**
 * Checks that `trial` may replace `existing` (see {@link Store.replaceTrial}): the result of a
 * running trial, or a retry of a failed one with more attempts, at the same index and point.
 * @param where the store, for messages.
 */
export function checkReplacement(trial: TrialRecord, existing: TrialRecord | undefined, where: string): void {
  const at = `trial ${trial.index} of run "${trial.runId}" in ${where}`;
  if (!existing) throw new StoreError(`cannot replace ${at}: no such trial; append it first`);
  if (existing.evaluation) throw new StoreError(`cannot replace ${at}: it succeeded, and successful trials are never overwritten`);
  if (existing.pointHash !== trial.pointHash) {
    throw new StoreError(`cannot replace ${at} with point ${trial.pointHash}: the trial is of point ${existing.pointHash}`);
  }
  if (!existing.running && (trial.attempts ?? 1) <= (existing.attempts ?? 1)) {
    throw new StoreError(`cannot retry ${at}: the retry must count more attempts than the ${existing.attempts ?? 1} stored`);
  }
}

/** Text key of a hardware configuration: `peDim,spKB,accKB`. */
export function hardwareText(hardware: HardwareConfig): string {
  return `${hardware.peDim},${hardware.spKB},${hardware.accKB}`;
}

/** Whether `candidate` may take a run lock that `current` holds (see {@link Store.acquireRunLock}). */
export function lockIsFree(current: RunLockHolder, candidate: RunLockHolder, policy: RunLockPolicy): boolean {
  if (current.holder === candidate.holder) return true;
  const now = policy.now?.() ?? Date.now();
  if (now - current.heartbeatAt > policy.expiryMs) return true;
  return policy.isAlive ? !policy.isAlive(current) : false;
}
