import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation, Fidelity } from '../domain/evaluation.js';
import type {
  EvaluationKey, MapperResultKey, RunLockHolder, RunLockPolicy, RunRecord, RunStatus, StoredMapperResult, TrialRecord,
} from '../contracts/store.js';
import { parseMapping, printMapping } from '../domain/mapping.js';
import {
  checkEvaluationKey, checkReplacement, checkTrial, decodeEvaluation, decodePoint, decodeTrial, encodeEvaluation, encodePoint,
  hardwareText, lockIsFree,
} from './store-codec.js';
import type { EvaluationFilter, EvaluationRecord, QueryableStore } from './queryable-store.js';
import { StoreError } from './store-error.js';

interface StoredEvaluation { key: EvaluationKey; point: string; evaluation: string }
interface StoredTrial {
  runId: string; index: number; pointHash: string; point: string; evaluation?: string; error?: string; recoverable?: boolean; attempts?: number;
  running?: boolean;
  fidelity?: Fidelity;
  elapsedMs?: number;
}

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
  /** Mapper answers by key text; mappings kept in their text form. */
  private readonly mapperResults = new Map<string, { ok: true; mapping: string; cycles: number; energy: number } | { ok: false; error: string }>();
  private readonly locks = new Map<string, RunLockHolder>();
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

  setRunElapsed(id: string, elapsedMs: number): void {
    this.checkOpen();
    const run = this.runsById.get(id);
    if (!run) throw new StoreError(`cannot record the time of run "${id}": no such run in memory`);
    this.runsById.set(id, { ...run, ...(elapsedMs > 0 ? { elapsedMs } : {}) });
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
    trials.set(trial.index, encodeTrial(trial));
  }

  replaceTrial(trial: TrialRecord): void {
    this.checkOpen();
    checkTrial(trial);
    const trials = this.trialsByRun.get(trial.runId);
    const existing = trials?.get(trial.index);
    checkReplacement(trial, existing && decodeTrial(existing), 'memory');
    trials!.set(trial.index, encodeTrial(trial));
  }

  trials(runId: string): TrialRecord[] {
    this.checkOpen();
    const trials = [...(this.trialsByRun.get(runId)?.values() ?? [])].sort((a, b) => a.index - b.index);
    return trials.map(decodeTrial);
  }

  getMapperResult(key: MapperResultKey): StoredMapperResult | undefined {
    this.checkOpen();
    const stored = this.mapperResults.get(mapperKeyText(key));
    if (!stored) return undefined;
    return stored.ok ? { ok: true, result: { mapping: parseMapping(stored.mapping), cycles: stored.cycles, energy: stored.energy } } : { ...stored };
  }

  putMapperResult(key: MapperResultKey, stored: StoredMapperResult): void {
    this.checkOpen();
    const text = mapperKeyText(key);
    if (this.mapperResults.has(text)) return;
    this.mapperResults.set(text, stored.ok
      ? { ok: true, mapping: printMapping(stored.result.mapping), cycles: stored.result.cycles, energy: stored.result.energy }
      : { ok: false, error: stored.error });
  }

  acquireRunLock(runId: string, candidate: RunLockHolder, policy: RunLockPolicy): RunLockHolder | undefined {
    this.checkOpen();
    const current = this.locks.get(runId);
    if (current && !lockIsFree(current, candidate, policy)) return { ...current };
    this.locks.set(runId, { ...candidate });
    return undefined;
  }

  renewRunLock(runId: string, holder: string, heartbeatAt: number): boolean {
    this.checkOpen();
    const current = this.locks.get(runId);
    if (current?.holder !== holder) return false;
    this.locks.set(runId, { ...current, heartbeatAt });
    return true;
  }

  releaseRunLock(runId: string, holder: string): void {
    this.checkOpen();
    if (this.locks.get(runId)?.holder === holder) this.locks.delete(runId);
  }

  /** Marks the store closed; its contents are dropped by the garbage collector with it. */
  close(): void {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('the memory store is closed');
  }
}

function mapperKeyText(key: MapperResultKey): string {
  return JSON.stringify([key.mapper, key.mapperVersion, key.layerKey, hardwareText(key.hardware), key.seed]);
}

function encodeTrial(trial: TrialRecord): StoredTrial {
  return {
    runId: trial.runId,
    index: trial.index,
    pointHash: trial.pointHash,
    point: encodePoint(trial.point),
    ...(trial.fidelity ? { fidelity: trial.fidelity } : {}),
    ...(trial.elapsedMs !== undefined ? { elapsedMs: trial.elapsedMs } : {}),
    ...(trial.running ? { running: true } : {}),
    ...(trial.evaluation ? { evaluation: encodeEvaluation(trial.evaluation) } : {}),
    ...(trial.error !== undefined ? { error: trial.error, recoverable: trial.recoverable ?? false } : {}),
    attempts: trial.attempts ?? 1,
  };
}
