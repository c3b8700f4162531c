import { canonicalDesignPoint, type DesignPoint } from '../domain/design-point.js';
import type { Evaluation } from '../domain/evaluation.js';
import type { HardwareConfig } from '../domain/hardware.js';
import { parseMapping } from '../domain/mapping.js';
import type { EvaluationKey, TrialRecord } from '../contracts/store.js';
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

/** Checks a trial before appending: exactly one of evaluation / error. */
export function checkTrial(trial: TrialRecord): void {
  if (!Number.isInteger(trial.index) || trial.index < 0) {
    throw new StoreError(`trial index ${trial.index} of run ${trial.runId} must be an integer ≥ 0`);
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
}

/** Decodes a stored trial; absent (or SQL NULL) evaluation and error are left out. */
export function decodeTrial(t: EncodedTrial): TrialRecord {
  return {
    runId: t.runId,
    index: t.index,
    pointHash: t.pointHash,
    point: decodePoint(t.point),
    ...(t.evaluation != null ? { evaluation: decodeEvaluation(t.evaluation) } : {}),
    ...(t.error != null ? { error: t.error } : {}),
  };
}
