import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Evaluation, Fidelity } from '../domain/evaluation.js';
import type { DesignPoint } from '../domain/design-point.js';
import type {
  EvaluationKey, MapperResultKey, RunLockHolder, RunLockPolicy, RunRecord, RunStatus, StoredMapperResult, TrialRecord,
} from '../contracts/store.js';
import {
  checkEvaluationKey, checkReplacement, checkTrial, decodeEvaluation, decodePoint, decodeTrial, encodeEvaluation, encodePoint,
  hardwareText, lockIsFree,
} from './store-codec.js';
import { parseMapping, printMapping } from '../domain/mapping.js';
import type { EvaluationFilter, EvaluationRecord, QueryableStore } from './queryable-store.js';
import { initialiseSchema } from './sqlite-schema.js';
import { StoreError } from './store-error.js';
import { describeSqliteError, ensureStoreFolder } from './store-path.js';

export { STORE_SCHEMA_VERSION } from './sqlite-schema.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock, ms (default 10 000). */
  readonly busyTimeoutMs?: number;
  /** Clock for `startedAt`/`finishedAt` (tests). */
  readonly now?: () => Date;
}

interface RunRow {
  id: string; config: string; seed: number; status: RunStatus; started_at: string; finished_at: string | null; elapsed_ms: number;
}
interface TrialRow {
  run_id: string; idx: number; point_hash: string; point: string; evaluation: string | null; error: string | null;
  recoverable: number; attempts: number; running: number; fidelity: Fidelity | null; elapsed_ms: number | null;
}
interface EvaluationRow {
  fidelity: EvaluationKey['fidelity']; point_hash: string; evaluator: string; evaluator_version: string; workload_hash: string;
  point: string; evaluation: string;
}
interface MapperRow { mapping: string | null; cycles: number | null; energy: number | null; error: string | null }
interface LockRow { holder: string; host: string; pid: number; heartbeat_at: number }

/**
 * The embedded default {@link Store}: one SQLite file (WAL journal, so readers never block the
 * writer; `busy_timeout`, so several processes may share it). Parent folders are created.
 * Every call is its own transaction and is durable against a killed process when it returns.
 *
 * Tables (see sqlite-schema.ts): `meta` (schema version), `evaluations` keyed by (fidelity,
 * point hash, evaluator, evaluator version, workload hash) and written with INSERT OR IGNORE,
 * `runs`, `trials` keyed by (run id, index), `mapper_results` (the mapper cache) and
 * `run_locks`. Points are JSON with mappings in the text form; `cycles`/`energy`/`edp` columns
 * are there for ad-hoc SQL (`SELECT … ORDER BY edp`). SQLite errors (a damaged file, a full
 * disk, a read-only folder) become {@link StoreError}s naming the file and the fix.
 */
export class SqliteStore implements QueryableStore {
  /** Absolute path of the file, or `:memory:`. */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;

  /**
   * Opens (creating when absent) the store at `path`; a version-2 store is upgraded in place.
   * @throws StoreVersionError when the file has another schema version;
   *   StoreError when it is not a SQLite file, not a Polaris store, damaged, or cannot be created.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.now = options.now ?? (() => new Date());
    if (this.path !== ':memory:') ensureStoreFolder(this.path);
    try {
      this.db = new Database(this.path, { timeout: options.busyTimeoutMs ?? 10_000 });
    } catch (error) {
      throw describeSqliteError(error, this.path);
    }
    try {
      this.db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs ?? 10_000)}`);
      if (this.path !== ':memory:') this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      initialiseSchema(this.db, this.path, this.now().toISOString());
    } catch (error) {
      this.db.close();
      throw describeSqliteError(error, this.path);
    }
  }

  /** Runs one store operation, turning SQLite's errors into messages that name the file. */
  private guard<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      throw describeSqliteError(error, this.path);
    }
  }

  getEvaluation(key: EvaluationKey): Evaluation | undefined {
    return this.guard(() => {
      const row = this.db.prepare(`SELECT evaluation FROM evaluations
        WHERE fidelity = ? AND point_hash = ? AND evaluator = ? AND evaluator_version = ? AND workload_hash = ?`)
        .get(key.fidelity, key.pointHash, key.evaluator, key.evaluatorVersion, key.workloadHash) as { evaluation: string } | undefined;
      return row ? decodeEvaluation(row.evaluation) : undefined;
    });
  }

  putEvaluation(key: EvaluationKey, point: DesignPoint, evaluation: Evaluation): void {
    checkEvaluationKey(key, evaluation);
    this.guard(() => this.db.prepare(`INSERT OR IGNORE INTO evaluations
      (fidelity, point_hash, evaluator_version, workload_hash, evaluator, cycles, energy, edp, point, evaluation, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(key.fidelity, key.pointHash, key.evaluatorVersion, key.workloadHash, evaluation.evaluator,
        evaluation.cycles, evaluation.energy, evaluation.edp, encodePoint(point), encodeEvaluation(evaluation), this.now().toISOString()));
  }

  evaluations(filter: EvaluationFilter = {}): EvaluationRecord[] {
    const columns: [keyof EvaluationKey, string][] = [
      ['fidelity', 'fidelity'], ['pointHash', 'point_hash'], ['evaluator', 'evaluator'], ['evaluatorVersion', 'evaluator_version'], ['workloadHash', 'workload_hash'],
    ];
    const used = columns.filter(([field]) => filter[field] !== undefined);
    const where = used.length > 0 ? `WHERE ${used.map(([, column]) => `${column} = ?`).join(' AND ')}` : '';
    const rows = this.guard(() => this.db.prepare(`SELECT * FROM evaluations ${where} ORDER BY rowid`)
      .all(...used.map(([field]) => filter[field])) as EvaluationRow[]);
    return rows.map((r) => ({
      key: { fidelity: r.fidelity, pointHash: r.point_hash, evaluator: r.evaluator, evaluatorVersion: r.evaluator_version, workloadHash: r.workload_hash },
      point: decodePoint(r.point),
      evaluation: decodeEvaluation(r.evaluation),
    }));
  }

  startRun(run: Omit<RunRecord, 'status' | 'startedAt'>): RunRecord {
    const record: RunRecord = { id: run.id, config: run.config, seed: run.seed, status: 'running', startedAt: this.now().toISOString() };
    const inserted = this.guard(() => this.db.prepare(`INSERT OR IGNORE INTO runs (id, config, seed, status, started_at) VALUES (?, ?, ?, 'running', ?)`)
      .run(record.id, record.config, record.seed, record.startedAt));
    if (inserted.changes === 0) {
      throw new StoreError(`run "${run.id}" already exists in ${this.path}; resume it (read its trials) or choose another run id`);
    }
    return record;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.guard(() => this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow | undefined);
    return row ? runFromRow(row) : undefined;
  }

  listRuns(): RunRecord[] {
    return this.guard(() => this.db.prepare(`SELECT * FROM runs ORDER BY started_at, rowid`).all() as RunRow[]).map(runFromRow);
  }

  finishRun(id: string, status: Exclude<RunStatus, 'running'>): void {
    const changed = this.guard(() => this.db.prepare(`UPDATE runs SET status = ?, finished_at = ? WHERE id = ?`).run(status, this.now().toISOString(), id));
    if (changed.changes === 0) throw new StoreError(`cannot finish run "${id}": no such run in ${this.path}`);
  }

  setRunElapsed(id: string, elapsedMs: number): void {
    const changed = this.guard(() => this.db.prepare(`UPDATE runs SET elapsed_ms = ? WHERE id = ?`).run(elapsedMs, id));
    if (changed.changes === 0) throw new StoreError(`cannot record the time of run "${id}": no such run in ${this.path}`);
  }

  appendTrial(trial: TrialRecord): void {
    checkTrial(trial);
    this.guard(() => this.db.transaction(() => {
      if (!this.db.prepare(`SELECT 1 FROM runs WHERE id = ?`).get(trial.runId)) {
        throw new StoreError(`cannot append trial ${trial.index}: no run "${trial.runId}" in ${this.path}; start the run first`);
      }
      const inserted = this.db.prepare(`INSERT OR IGNORE INTO trials
        (run_id, idx, point_hash, point, edp, evaluation, error, recoverable, attempts, running, fidelity, elapsed_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...this.trialColumns(trial));
      if (inserted.changes === 0) {
        const existing = this.db.prepare(`SELECT point_hash FROM trials WHERE run_id = ? AND idx = ?`).get(trial.runId, trial.index) as { point_hash: string };
        if (existing.point_hash !== trial.pointHash) {
          throw new StoreError(`run "${trial.runId}" already has trial ${trial.index} (point ${existing.point_hash}); trials are append-only, use the next index`);
        }
      }
    }).immediate());
  }

  replaceTrial(trial: TrialRecord): void {
    checkTrial(trial);
    this.guard(() => this.db.transaction(() => {
      const row = this.db.prepare(`SELECT * FROM trials WHERE run_id = ? AND idx = ?`).get(trial.runId, trial.index) as TrialRow | undefined;
      checkReplacement(trial, row && this.decodeTrialRow(row), this.path);
      this.db.prepare(`UPDATE trials SET point_hash = ?, point = ?, edp = ?, evaluation = ?, error = ?, recoverable = ?, attempts = ?, running = ?,
        fidelity = ?, elapsed_ms = ? WHERE run_id = ? AND idx = ?`).run(...this.trialColumns(trial).slice(2), trial.runId, trial.index);
    }).immediate());
  }

  trials(runId: string): TrialRecord[] {
    const rows = this.guard(() => this.db.prepare(`SELECT * FROM trials WHERE run_id = ? ORDER BY idx`).all(runId) as TrialRow[]);
    return rows.map((r) => this.decodeTrialRow(r));
  }

  getMapperResult(key: MapperResultKey): StoredMapperResult | undefined {
    const row = this.guard(() => this.db.prepare(`SELECT mapping, cycles, energy, error FROM mapper_results
      WHERE mapper = ? AND mapper_version = ? AND layer_key = ? AND hardware = ? AND seed = ?`)
      .get(key.mapper, key.mapperVersion, key.layerKey, hardwareText(key.hardware), key.seed) as MapperRow | undefined);
    if (!row) return undefined;
    if (row.mapping === null) return { ok: false, error: row.error ?? 'no mapping fits (no message stored)' };
    return { ok: true, result: { mapping: parseMapping(row.mapping), cycles: row.cycles ?? Number.NaN, energy: row.energy ?? Number.NaN } };
  }

  putMapperResult(key: MapperResultKey, stored: StoredMapperResult): void {
    const [mapping, cycles, energy, error] = stored.ok
      ? [printMapping(stored.result.mapping), stored.result.cycles, stored.result.energy, null]
      : [null, null, null, stored.error];
    this.guard(() => this.db.prepare(`INSERT OR IGNORE INTO mapper_results
      (mapper, mapper_version, layer_key, hardware, seed, mapping, cycles, energy, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(key.mapper, key.mapperVersion, key.layerKey, hardwareText(key.hardware), key.seed, mapping, cycles, energy, error, this.now().toISOString()));
  }

  acquireRunLock(runId: string, candidate: RunLockHolder, policy: RunLockPolicy): RunLockHolder | undefined {
    return this.guard(() => this.db.transaction(() => {
      const row = this.db.prepare(`SELECT holder, host, pid, heartbeat_at FROM run_locks WHERE run_id = ?`).get(runId) as LockRow | undefined;
      const current = row && { holder: row.holder, host: row.host, pid: row.pid, heartbeatAt: row.heartbeat_at };
      if (current && !lockIsFree(current, candidate, policy)) return current;
      this.db.prepare(`INSERT OR REPLACE INTO run_locks (run_id, holder, host, pid, heartbeat_at) VALUES (?, ?, ?, ?, ?)`)
        .run(runId, candidate.holder, candidate.host, candidate.pid, candidate.heartbeatAt);
      return undefined;
    }).immediate());
  }

  renewRunLock(runId: string, holder: string, heartbeatAt: number): boolean {
    return this.guard(() => this.db.prepare(`UPDATE run_locks SET heartbeat_at = ? WHERE run_id = ? AND holder = ?`)
      .run(heartbeatAt, runId, holder).changes > 0);
  }

  releaseRunLock(runId: string, holder: string): void {
    this.guard(() => this.db.prepare(`DELETE FROM run_locks WHERE run_id = ? AND holder = ?`).run(runId, holder));
  }

  /** Closes the file; further calls throw. Safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private trialColumns(trial: TrialRecord): (string | number | null)[] {
    return [trial.runId, trial.index, trial.pointHash, encodePoint(trial.point), trial.evaluation?.edp ?? null,
      trial.evaluation ? encodeEvaluation(trial.evaluation) : null, trial.error ?? null, trial.recoverable ? 1 : 0, trial.attempts ?? 1,
      trial.running ? 1 : 0, trial.fidelity ?? null, trial.elapsedMs ?? null];
  }

  private decodeTrialRow(r: TrialRow): TrialRecord {
    return decodeTrial({
      runId: r.run_id, index: r.idx, pointHash: r.point_hash, point: r.point, evaluation: r.evaluation, error: r.error,
      recoverable: r.recoverable === 1, attempts: r.attempts, running: r.running === 1, fidelity: r.fidelity ?? undefined,
      elapsedMs: r.elapsed_ms ?? undefined,
    });
  }
}

function runFromRow(row: RunRow): RunRecord {
  return {
    id: row.id, config: row.config, seed: row.seed, status: row.status, startedAt: row.started_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.elapsed_ms > 0 ? { elapsedMs: row.elapsed_ms } : {}),
  };
}
