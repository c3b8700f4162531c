import type Database from 'better-sqlite3';
import { StoreError, StoreVersionError } from './store-error.js';

/** Version of the table layout below; bump it (and add a step to {@link MIGRATIONS}) when it changes. */
export const STORE_SCHEMA_VERSION = 3;

/** Tables of schema version 2. */
const SCHEMA_V2 = `
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

/**
 * Version 3 adds: whether a failed trial may be retried and how often it was tried
 * (`trials.recoverable`, `trials.attempts`); trials asked but not finished (`trials.running`);
 * the fidelity of a trial when it is not the run's primary one (`trials.fidelity`); the run's
 * search time when the trial finished (`trials.elapsed_ms`, for best-so-far against time);
 * the search time of a run summed over its sessions (`runs.elapsed_ms`); the mapper cache (`mapper_results`, one row per
 * mapper version × layer × hardware × seed: the mapping text with its cycles and energy, or
 * the reason nothing fits); and run write locks with a heartbeat (`run_locks`).
 */
const V2_TO_V3 = `
ALTER TABLE trials ADD COLUMN recoverable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trials ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE trials ADD COLUMN running INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trials ADD COLUMN fidelity TEXT;
ALTER TABLE trials ADD COLUMN elapsed_ms REAL;
ALTER TABLE runs ADD COLUMN elapsed_ms REAL NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS mapper_results (
  mapper TEXT NOT NULL, mapper_version TEXT NOT NULL, layer_key TEXT NOT NULL, hardware TEXT NOT NULL, seed INTEGER NOT NULL,
  mapping TEXT, cycles REAL, energy REAL, error TEXT, created_at TEXT NOT NULL,
  PRIMARY KEY (mapper, mapper_version, layer_key, hardware, seed)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_locks (
  run_id TEXT PRIMARY KEY, holder TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL
);
`;

/** Upgrade steps: `MIGRATIONS[v]` turns a version-v store into version v+1 (run in one transaction). */
const MIGRATIONS: Readonly<Record<number, string>> = { 2: V2_TO_V3 };

/** Oldest version that {@link initialiseSchema} upgrades in place. */
const OLDEST_MIGRATABLE = 2;

/**
 * Creates the tables of an empty file, upgrades an older Polaris store in place (v2 onwards:
 * added columns and tables only, nothing rewritten), or refuses a file that is not a Polaris
 * store or of an unknown version. Runs in one IMMEDIATE transaction, so two processes opening
 * a new file at once do not both create it.
 * @throws StoreVersionError, StoreError — the message names `path` and the way out.
 */
export function initialiseSchema(db: Database.Database, path: string, createdAt: string): void {
  db.transaction(() => {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    if (tables.length > 0 && !tables.includes('meta')) {
      throw new StoreError(`${path} is a SQLite database but not a Polaris store (tables: ${tables.join(', ')}); `
        + 'point `store:` in the run config at another file');
    }
    if (!tables.includes('meta')) {
      db.exec(SCHEMA_V2);
      db.exec(V2_TO_V3);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('created_at', ?)`).run(String(STORE_SCHEMA_VERSION), createdAt);
      return;
    }
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    let found = Number(row?.value ?? 0);
    if (found === STORE_SCHEMA_VERSION) return;
    if (found > STORE_SCHEMA_VERSION || found < OLDEST_MIGRATABLE) throw new StoreVersionError(path, found, STORE_SCHEMA_VERSION);
    for (; found < STORE_SCHEMA_VERSION; found++) db.exec(MIGRATIONS[found]);
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(String(STORE_SCHEMA_VERSION));
  }).immediate();
}
