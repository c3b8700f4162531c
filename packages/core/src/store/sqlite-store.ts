import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Evaluation } from '../domain/evaluation.js';
import type { DesignPoint } from '../domain/design-point.js';
import type { EvaluationKey, RunRecord, RunStatus, TrialRecord } from '../contracts/store.js';
import {
  checkEvaluationKey, checkTrial, decodeEvaluation, decodePoint, decodeTrial, encodeEvaluation, encodePoint,
} from './store-codec.js';
import type { EvaluationFilter, EvaluationRecord, QueryableStore } from './queryable-store.js';
import { StoreError, StoreVersionError } from './store-error.js';

/** Version of the table layout below; bump it (and say how to migrate) when it changes. */
export const STORE_SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS evaluations (
  fidelity TEXT NOT NULL, point_hash TEXT NOT NULL, evaluator_version TEXT NOT NULL, workload_hash TEXT NOT NULL,
  evaluator TEXT NOT NULL, cycles REAL, energy REAL, edp REAL,
  point TEXT NOT NULL, evaluation TEXT NOT NULL, created_at TEXT NOT NULL,
  PRIMARY KEY (fidelity, point_hash, evaluator, evaluator_version, workload_hash)
);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, config TEXT NOT NULL, seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
  started_at TEXT NOT NULL, finished_at TEXT
);
CREATE TABLE IF NOT EXISTS trials (
  run_id TEXT NOT NULL REFERENCES runs(id), idx INTEGER NOT NULL, point_hash TEXT NOT NULL,
  point TEXT NOT NULL, edp REAL, evaluation TEXT, error TEXT,
  PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;
`;

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock, ms (default 10 000). */
  readonly busyTimeoutMs?: number;
  /** Clock for `startedAt`/`finishedAt` (tests). */
  readonly now?: () => Date;
}

interface RunRow { id: string; config: string; seed: number; status: RunStatus; started_at: string; finished_at: string | null }
interface TrialRow { run_id: string; idx: number; point_hash: string; point: string; evaluation: string | null; error: string | null }
interface EvaluationRow {
  fidelity: EvaluationKey['fidelity']; point_hash: string; evaluator: string; evaluator_version: string; workload_hash: string;
  point: string; evaluation: string;
}

/**
 * The embedded default {@link Store}: one SQLite file (WAL journal, so readers never block the
 * writer; `busy_timeout`, so several processes may share it). Parent folders are created.
 * Every call is its own transaction and is durable against a killed process when it returns.
 *
 * Tables: `meta` (schema version), `evaluations` keyed by (fidelity, point hash, evaluator
 * version, workload hash) and written with INSERT OR IGNORE, `runs`, and `trials` keyed by
 * (run id, index). Points are JSON with mappings in the text form; `cycles`/`energy`/`edp`
 * columns are there for ad-hoc SQL (`SELECT … ORDER BY edp`).
 */
export class SqliteStore implements QueryableStore {
  /** Absolute path of the file, or `:memory:`. */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;

  /**
   * Opens (creating when absent) the store at `path`.
   * @throws StoreVersionError when the file has another schema version;
   *   StoreError when it is not a SQLite file or not a Polaris store.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.now = options.now ?? (() => new Date());
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    this.db = new Database(this.path, { timeout: options.busyTimeoutMs ?? 10_000 });
    try {
      this.db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs ?? 10_000)}`);
      if (this.path !== ':memory:') this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.initialise();
    } catch (error) {
      this.db.close();
      if (error instanceof StoreError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_NOTADB') {
        throw new StoreError(`${this.path} is not a SQLite database; point \`store:\` in the run config at a new or existing Polaris store file`);
      }
      throw error;
    }
  }

  private initialise(): void {
    this.db.transaction(() => {
      const tables = (this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
      if (tables.length > 0 && !tables.includes('meta')) {
        throw new StoreError(`${this.path} is a SQLite database but not a Polaris store (tables: ${tables.join(', ')}); `
          + 'point `store:` in the run config at another file');
      }
      if (tables.includes('meta')) {
        const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
        const found = Number(row?.value ?? 0);
        if (found !== STORE_SCHEMA_VERSION) throw new StoreVersionError(this.path, found, STORE_SCHEMA_VERSION);
        return;
      }
      this.db.exec(SCHEMA);
      this.db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('created_at', ?)`)
        .run(String(STORE_SCHEMA_VERSION), this.now().toISOString());
    }).immediate();
  }

  getEvaluation(key: EvaluationKey): Evaluation | undefined {
    const row = this.db.prepare(`SELECT evaluation FROM evaluations
      WHERE fidelity = ? AND point_hash = ? AND evaluator = ? AND evaluator_version = ? AND workload_hash = ?`)
      .get(key.fidelity, key.pointHash, key.evaluator, key.evaluatorVersion, key.workloadHash) as { evaluation: string } | undefined;
    return row ? decodeEvaluation(row.evaluation) : undefined;
  }

  putEvaluation(key: EvaluationKey, point: DesignPoint, evaluation: Evaluation): void {
    checkEvaluationKey(key, evaluation);
    this.db.prepare(`INSERT OR IGNORE INTO evaluations
      (fidelity, point_hash, evaluator_version, workload_hash, evaluator, cycles, energy, edp, point, evaluation, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(key.fidelity, key.pointHash, key.evaluatorVersion, key.workloadHash, evaluation.evaluator,
        evaluation.cycles, evaluation.energy, evaluation.edp, encodePoint(point), encodeEvaluation(evaluation), this.now().toISOString());
  }

  evaluations(filter: EvaluationFilter = {}): EvaluationRecord[] {
    const columns: [keyof EvaluationKey, string][] = [
      ['fidelity', 'fidelity'], ['pointHash', 'point_hash'], ['evaluator', 'evaluator'], ['evaluatorVersion', 'evaluator_version'], ['workloadHash', 'workload_hash'],
    ];
    const used = columns.filter(([field]) => filter[field] !== undefined);
    const where = used.length > 0 ? `WHERE ${used.map(([, column]) => `${column} = ?`).join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT * FROM evaluations ${where} ORDER BY rowid`)
      .all(...used.map(([field]) => filter[field])) as EvaluationRow[];
    return rows.map((r) => ({
      key: { fidelity: r.fidelity, pointHash: r.point_hash, evaluator: r.evaluator, evaluatorVersion: r.evaluator_version, workloadHash: r.workload_hash },
      point: decodePoint(r.point),
      evaluation: decodeEvaluation(r.evaluation),
    }));
  }

  startRun(run: Omit<RunRecord, 'status' | 'startedAt'>): RunRecord {
    const record: RunRecord = { id: run.id, config: run.config, seed: run.seed, status: 'running', startedAt: this.now().toISOString() };
    const inserted = this.db.prepare(`INSERT OR IGNORE INTO runs (id, config, seed, status, started_at) VALUES (?, ?, ?, 'running', ?)`)
      .run(record.id, record.config, record.seed, record.startedAt);
    if (inserted.changes === 0) {
      throw new StoreError(`run "${run.id}" already exists in ${this.path}; resume it (read its trials) or choose another run id`);
    }
    return record;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row ? runFromRow(row) : undefined;
  }

  listRuns(): RunRecord[] {
    return (this.db.prepare(`SELECT * FROM runs ORDER BY started_at, rowid`).all() as RunRow[]).map(runFromRow);
  }

  finishRun(id: string, status: Exclude<RunStatus, 'running'>): void {
    const changed = this.db.prepare(`UPDATE runs SET status = ?, finished_at = ? WHERE id = ?`).run(status, this.now().toISOString(), id);
    if (changed.changes === 0) throw new StoreError(`cannot finish run "${id}": no such run in ${this.path}`);
  }

  appendTrial(trial: TrialRecord): void {
    checkTrial(trial);
    this.db.transaction(() => {
      if (!this.db.prepare(`SELECT 1 FROM runs WHERE id = ?`).get(trial.runId)) {
        throw new StoreError(`cannot append trial ${trial.index}: no run "${trial.runId}" in ${this.path}; start the run first`);
      }
      const inserted = this.db.prepare(`INSERT OR IGNORE INTO trials (run_id, idx, point_hash, point, edp, evaluation, error) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(trial.runId, trial.index, trial.pointHash, encodePoint(trial.point), trial.evaluation?.edp ?? null,
          trial.evaluation ? encodeEvaluation(trial.evaluation) : null, trial.error ?? null);
      if (inserted.changes === 0) {
        const existing = this.db.prepare(`SELECT point_hash FROM trials WHERE run_id = ? AND idx = ?`).get(trial.runId, trial.index) as { point_hash: string };
        if (existing.point_hash !== trial.pointHash) {
          throw new StoreError(`run "${trial.runId}" already has trial ${trial.index} (point ${existing.point_hash}); trials are append-only, use the next index`);
        }
      }
    }).immediate();
  }

  trials(runId: string): TrialRecord[] {
    const rows = this.db.prepare(`SELECT * FROM trials WHERE run_id = ? ORDER BY idx`).all(runId) as TrialRow[];
    return rows.map((r) => decodeTrial({ runId: r.run_id, index: r.idx, pointHash: r.point_hash, point: r.point, evaluation: r.evaluation, error: r.error }));
  }

  /** Closes the file; further calls throw. Safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

function runFromRow(row: RunRow): RunRecord {
  return {
    id: row.id, config: row.config, seed: row.seed, status: row.status, startedAt: row.started_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
  };
}
