import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './store-error.js';

const FIX = 'point `store:` in the run config (or --store) at a file in a writable folder';

/**
 * Creates the folders above a store file, one level at a time from the nearest existing
 * ancestor. (Node's recursive mkdir never returns under /proc, and reports a path through a
 * file as a bare EEXIST.)
 * @param file absolute path of the store file.
 * @throws StoreError naming the path, what is wrong with it and the fix.
 */
export function ensureStoreFolder(file: string): void {
  const missing: string[] = [];
  let folder = dirname(file);
  for (;;) {
    const kind = kindOf(folder);
    if (kind === 'directory') break;
    if (kind === 'other') {
      throw new StoreError(`cannot create the store ${file}: ${folder} is a file, not a folder; ${FIX}`);
    }
    missing.push(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new StoreError(`cannot create the store ${file}: the folder ${folder} is not writable; ${FIX}`);
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && kindOf(path) === 'directory') continue; // another process made it
      throw new StoreError(`cannot create the folder ${path} for the store ${file} (${code ?? String(error)}); ${FIX}`);
    }
  }
}

function kindOf(path: string): 'directory' | 'other' | 'absent' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'absent';
  }
}

/**
 * Turns a SQLite error on a store file into a {@link StoreError} naming the file and the fix;
 * other errors are returned unchanged.
 */
export function describeSqliteError(error: unknown, file: string): unknown {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: string }).code ?? '';
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') {
    return new StoreError(`${file} is not a SQLite database; point \`store:\` in the run config at a new or existing Polaris store file`);
  }
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) {
    return new StoreError(`the store ${file} is damaged (${reason}: truncated or overwritten); move it aside to start a new store `
      + `(\`sqlite3 ${file} .recover\` may salvage its rows), or restore it from a copy`);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) {
    return new StoreError(`cannot write the store ${file} (${code}: ${reason}); check the file's permissions and the disk, or ${FIX}`);
  }
  if (code === 'SQLITE_FULL') return new StoreError(`the disk holding the store ${file} is full; free space or ${FIX}`);
  if (code === 'SQLITE_BUSY') {
    return new StoreError(`the store ${file} stayed locked by another process past the busy timeout (${reason}); `
      + 'wait for the other polaris process, or use another store');
  }
  return error;
}
