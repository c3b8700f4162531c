import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation } from '../domain/evaluation.js';
import type { EvaluationKey, RunRecord, RunStatus, TrialRecord } from '../contracts/store.js';
import {
  checkEvaluationKey, checkTrial, decodeEvaluation, decodePoint, decodeTrial, encodeEvaluation, encodePoint,
} from './store-codec.js';
import type { EvaluationFilter, EvaluationRecord, QueryableStore } from './queryable-store.js';
import { StoreError } from './store-error.js';

interface StoredEvaluation { key: EvaluationKey; point: string; evaluation: string }
interface StoredTrial { runId: string; index: number; pointHash: string; point: string; evaluation?: string; error?: string }

const keyText = (k: EvaluationKey): string => JSON.stringify([k.fidelity, k.pointHash, k.evaluator, k.evaluatorVersion, k.workloadHash]);

/**
 * A {@link Store} in memory, for tests and dry runs. It behaves like {@link SqliteStore} —
 * same errors, same INSERT-OR-IGNORE semantics — and keeps values in the same serialised
 * form, so callers get fresh copies and cannot mutate what is stored.
 */
export class MemoryStore implements QueryableStore {
  private readonly evaluationsByKey = new Map<string, StoredEvaluation>();
  private readonly runsById = new Map<string, RunRecord>();
  private readonly trialsByRun = new Map<string, Map<number, StoredTrial>>();
  private closed = false;

  /** @param now clock for `startedAt`/`finishedAt` (tests). */
  constructor(private readonly now: () => Date = () => new Date()) {}

  getEvaluation(key: EvaluationKey): Evaluation | undefined {
    this.checkOpen();
    const stored = this.evaluationsByKey.get(keyText(key));
    return stored ? decodeEvaluation(stored.evaluation) : undefined;
  }

  putEvaluation(key: EvaluationKey, point: DesignPoint, evaluation: Evaluation): void {
    this.checkOpen();
    checkEvaluationKey(key, evaluation);
    const text = keyText(key);
    if (!this.evaluationsByKey.has(text)) {
      this.evaluationsByKey.set(text, { key: { ...key }, point: encodePoint(point), evaluation: encodeEvaluation(evaluation) });
    }
  }

  evaluations(filter: EvaluationFilter = {}): EvaluationRecord[] {
    this.checkOpen();
    const fields = (['fidelity', 'pointHash', 'evaluator', 'evaluatorVersion', 'workloadHash'] as const).filter((f) => filter[f] !== undefined);
    return [...this.evaluationsByKey.values()]
      .filter((s) => fields.every((f) => s.key[f] === filter[f]))
      .map((s) => ({ key: { ...s.key }, point: decodePoint(s.point), evaluation: decodeEvaluation(s.evaluation) }));
  }

  startRun(run: Omit<RunRecord, 'status' | 'startedAt'>): RunRecord {
    this.checkOpen();
    if (this.runsById.has(run.id)) {
      throw new StoreError(`run "${run.id}" already exists in memory; resume it (read its trials) or choose another run id`);
    }
    const record: RunRecord = { id: run.id, config: run.config, seed: run.seed, status: 'running', startedAt: this.now().toISOString() };
    this.runsById.set(run.id, record);
    this.trialsByRun.set(run.id, new Map());
    return { ...record };
  }

  getRun(id: string): RunRecord | undefined {
    this.checkOpen();
    const run = this.runsById.get(id);
    return run ? { ...run } : undefined;
  }

  listRuns(): RunRecord[] {
    this.checkOpen();
    return [...this.runsById.values()].map((r) => ({ ...r }));
  }

  finishRun(id: string, status: Exclude<RunStatus, 'running'>): void {
    this.checkOpen();
    const run = this.runsById.get(id);
    if (!run) throw new StoreError(`cannot finish run "${id}": no such run in memory`);
    this.runsById.set(id, { ...run, status, finishedAt: this.now().toISOString() });
  }

  appendTrial(trial: TrialRecord): void {
    this.checkOpen();
    checkTrial(trial);
    const trials = this.trialsByRun.get(trial.runId);
    if (!trials) throw new StoreError(`cannot append trial ${trial.index}: no run "${trial.runId}" in memory; start the run first`);
    const existing = trials.get(trial.index);
    if (existing) {
      if (existing.pointHash !== trial.pointHash) {
        throw new StoreError(`run "${trial.runId}" already has trial ${trial.index} (point ${existing.pointHash}); trials are append-only, use the next index`);
      }
      return;
    }
    trials.set(trial.index, {
      runId: trial.runId,
      index: trial.index,
      pointHash: trial.pointHash,
      point: encodePoint(trial.point),
      ...(trial.evaluation ? { evaluation: encodeEvaluation(trial.evaluation) } : {}),
      ...(trial.error !== undefined ? { error: trial.error } : {}),
    });
  }

  trials(runId: string): TrialRecord[] {
    this.checkOpen();
    const trials = [...(this.trialsByRun.get(runId)?.values() ?? [])].sort((a, b) => a.index - b.index);
    return trials.map(decodeTrial);
  }

  /** Marks the store closed; its contents are dropped by the garbage collector with it. */
  close(): void {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('the memory store is closed');
  }
}
