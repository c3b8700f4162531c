import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashDesignPoint } from '../domain/design-point.js';
import { MemoryStore } from './memory-store.js';
import { openStore } from './open-store.js';
import { SqliteStore, STORE_SCHEMA_VERSION } from './sqlite-store.js';
import { sampleDesignPoint, sampleEvaluation } from './store-contract.js';
import { StoreError, StoreVersionError } from './store-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'polaris-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const key = (workloadHash = 'w') => ({ fidelity: 'analytical' as const, pointHash: hashDesignPoint(sampleDesignPoint()), evaluator: 'analytical', evaluatorVersion: '1.0.0', workloadHash });

describe('SqliteStore', () => {
  it('creates parent folders and uses WAL with a busy timeout', () => {
    const path = join(dir, 'a', 'b', 'runs.sqlite');
    const store = new SqliteStore(path, { busyTimeoutMs: 1234 });
    expect(existsSync(path)).toBe(true);
    store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(STORE_SCHEMA_VERSION) });
    db.close();
  });

  it('keeps points small: mappings in text form, evaluations as compact JSON', () => {
    const path = join(dir, 'runs.sqlite');
    const store = new SqliteStore(path);
    store.putEvaluation(key(), sampleDesignPoint(), sampleEvaluation());
    store.close();
    const db = new Database(path, { readonly: true });
    const row = db.prepare('SELECT point, evaluation, edp FROM evaluations').get() as { point: string; evaluation: string; edp: number };
    db.close();
    expect(JSON.parse(row.point).mappings[0]).toBe('L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16');
    expect(row.evaluation).not.toMatch(/\n| {2}/);
    expect(JSON.parse(row.evaluation).layers[0].accesses).toHaveLength(2);
    expect(row.edp).toBe(sampleEvaluation().edp);
  });

  it('shares a file between two open stores (another process, in practice)', () => {
    const path = join(dir, 'shared.sqlite');
    const a = new SqliteStore(path);
    const b = new SqliteStore(path);
    a.putEvaluation(key(), sampleDesignPoint(), sampleEvaluation());
    expect(b.getEvaluation(key())).toEqual(sampleEvaluation());
    a.close();
    b.close();
  });

  it('refuses files of another schema version, naming the file and the way out', () => {
    for (const [found, word] of [[0, 'older'], [STORE_SCHEMA_VERSION + 1, 'newer']] as const) {
      const path = join(dir, `v${found}.sqlite`);
      new SqliteStore(path).close();
      const db = new Database(path);
      db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(String(found));
      db.close();
      let error: unknown;
      try {
        new SqliteStore(path);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreVersionError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toContain(`schema version ${found}, ${word}`);
      expect((error as Error).message).toMatch(word === 'older' ? /move the file aside/ : /upgrade Polaris/);
    }
  });

  it('refuses SQLite files that are not Polaris stores, and files that are not SQLite', () => {
    const foreign = join(dir, 'foreign.sqlite');
    const db = new Database(foreign);
    db.exec('CREATE TABLE photos (id INTEGER)');
    db.close();
    expect(() => new SqliteStore(foreign)).toThrow(/not a Polaris store \(tables: photos\)/);
    const text = join(dir, 'notes.sqlite');
    writeFileSync(text, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    expect(() => new SqliteStore(text)).toThrow(StoreError);
    expect(() => new SqliteStore(text)).toThrow(/is not a SQLite database/);
  });

  it('upgrades a version-2 store in place, keeping its runs, trials and evaluations', () => {
    const path = join(dir, 'v2.sqlite');
    const old = new SqliteStore(path);
    old.startRun({ id: 'r', config: '{}', seed: 1 });
    old.appendTrial({ runId: 'r', index: 0, pointHash: 'h', point: sampleDesignPoint(), error: 'hung' });
    old.putEvaluation(key(), sampleDesignPoint(), sampleEvaluation());
    old.close();
    const db = new Database(path);
    db.exec(`ALTER TABLE trials DROP COLUMN recoverable; ALTER TABLE trials DROP COLUMN attempts; ALTER TABLE trials DROP COLUMN running; ALTER TABLE trials DROP COLUMN fidelity; ALTER TABLE trials DROP COLUMN elapsed_ms;
      ALTER TABLE runs DROP COLUMN elapsed_ms;
      DROP TABLE mapper_results; DROP TABLE run_locks; UPDATE meta SET value = '2' WHERE key = 'schema_version'`);
    db.close();
    const upgraded = new SqliteStore(path);
    expect(upgraded.trials('r')).toEqual([{ runId: 'r', index: 0, pointHash: 'h', point: sampleDesignPoint(), error: 'hung' }]);
    expect(upgraded.getEvaluation(key())).toEqual(sampleEvaluation());
    upgraded.replaceTrial({ runId: 'r', index: 0, pointHash: 'h', point: sampleDesignPoint(), evaluation: sampleEvaluation(), attempts: 2 });
    expect(upgraded.acquireRunLock('r', { holder: 'a', host: 'h', pid: 1, heartbeatAt: 0 }, { expiryMs: 10 })).toBeUndefined();
    upgraded.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(STORE_SCHEMA_VERSION) });
    check.close();
  });

  it('names the path and the fix when the store cannot be created', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    // /proc: Node's recursive mkdir never returns there; the store must answer at once.
    expect(() => new SqliteStore('/proc/polaris-test/runs.sqlite')).toThrow(/(\/proc is not writable|cannot create the folder \/proc\/polaris-test ).*point `store:`/);
    expect(() => new SqliteStore(join(file, 'runs.sqlite'))).toThrow(/plain\.txt is a file, not a folder; point `store:`/);
    if (process.getuid?.() !== 0) { // root writes anywhere
      const locked = join(dir, 'locked');
      new SqliteStore(join(locked, 'a.sqlite')).close();
      chmodSync(locked, 0o500);
      expect(() => new SqliteStore(join(locked, 'sub', 'b.sqlite'))).toThrow(/not writable/);
      chmodSync(locked, 0o700);
    }
  });

  it('says a truncated store file is damaged, naming it and how to recover', () => {
    const path = join(dir, 'full.sqlite');
    const store = new SqliteStore(path);
    store.startRun({ id: 'r', config: '{}', seed: 1 });
    for (let i = 0; i < 200; i++) store.putEvaluation(key(`w${i}`), sampleDesignPoint(), sampleEvaluation(i + 1));
    store.close();
    const truncated = join(dir, 'truncated.sqlite');
    copyFileSync(path, truncated);
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 3000));
    let message = '';
    try {
      const damaged = new SqliteStore(truncated);
      damaged.evaluations(); // a file damaged past its first pages fails on reading
      damaged.close();
    } catch (error) {
      expect(error).toBeInstanceOf(StoreError);
      message = (error as Error).message;
    }
    expect(message).toContain(truncated);
    expect(message).toMatch(/is damaged .*move it aside to start a new store/);
  });

  it('lists runs and queries evaluations by key fields', () => {
    for (const store of [new SqliteStore(join(dir, 'q.sqlite')), new MemoryStore()]) {
      store.startRun({ id: 'a', config: '{}', seed: 1 });
      store.startRun({ id: 'b', config: '{}', seed: 2 });
      expect(store.listRuns().map((r) => r.id)).toEqual(['a', 'b']);
      store.putEvaluation(key('w1'), sampleDesignPoint(), sampleEvaluation(1));
      store.putEvaluation(key('w2'), sampleDesignPoint(), sampleEvaluation(2));
      expect(store.evaluations()).toHaveLength(2);
      const [only] = store.evaluations({ workloadHash: 'w2' });
      expect(only.key).toEqual(key('w2'));
      expect(only.point).toEqual(sampleDesignPoint());
      expect(only.evaluation).toEqual(sampleEvaluation(2));
      expect(store.evaluations({ fidelity: 'rtl' })).toEqual([]);
      store.close();
    }
  });

  it('rejects a trial with both or neither of evaluation and error', () => {
    const store = new MemoryStore();
    store.startRun({ id: 'r', config: '{}', seed: 1 });
    const point = sampleDesignPoint();
    expect(() => store.appendTrial({ runId: 'r', index: 0, pointHash: 'h', point })).toThrow(/either an evaluation or an error, not neither/);
    expect(() => store.appendTrial({ runId: 'r', index: -1, pointHash: 'h', point, error: 'x' })).toThrow(/integer ≥ 0/);
    store.close();
    expect(() => store.trials('r')).toThrow(/closed/);
  });
});

describe('openStore', () => {
  it('opens a memory store for :memory: and a SQLite file otherwise', () => {
    const memory = openStore(':memory:');
    expect(memory).toBeInstanceOf(MemoryStore);
    memory.close();
    const file = openStore(join(dir, 'x', 'runs.sqlite'));
    expect(file).toBeInstanceOf(SqliteStore);
    file.close();
    expect(existsSync(join(dir, 'x', 'runs.sqlite'))).toBe(true);
  });
});
