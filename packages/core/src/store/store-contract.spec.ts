import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from './memory-store.js';
import { SqliteStore } from './sqlite-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('MemoryStore', () => ({ store: new MemoryStore() }));

describeStoreContract('SqliteStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polaris-store-'));
  const path = join(dir, 'nested', 'runs.sqlite');
  return { store: new SqliteStore(path), reopen: () => new SqliteStore(path), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});
