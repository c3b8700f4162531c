import { MemoryStore } from './memory-store.js';
import type { QueryableStore } from './queryable-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/**
 * Opens the store a run config's `store:` names: `:memory:` gives a {@link MemoryStore}
 * (dry runs; nothing is kept), anything else the {@link SqliteStore} file at that path.
 */
export function openStore(path: string, options: SqliteStoreOptions = {}): QueryableStore {
  return path === ':memory:' ? new MemoryStore(options.now) : new SqliteStore(path, options);
}
