import { createHash, randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LogicArea } from './area-model.js';
import type { ToolchainFingerprint } from './toolchain.js';

/**
 * A cached simulator build's record (`build.json`) and its check against the binary beside it.
 * Nothing in a cache directory is trusted until {@link inspectBuild} has compared the binary's
 * size and SHA-256 with what the build recorded: a replaced, truncated or re-permissioned
 * `Vaccel` is reported as `invalid` with the reason, and the builder rebuilds it.
 */

/** The simulator executable's file name inside a build directory. */
export const BINARY_NAME = 'Vaccel';
/** The build record's file name inside a build directory. */
export const RECORD_NAME = 'build.json';

/** A finished, cached simulator build (the content of `build.json`, with `dir` and `binary` as found). */
export interface SimulatorBuild {
  readonly dim: number;
  /** Directory name in the cache, `dim<DIM>-<16 hex>`. */
  readonly key: string;
  readonly dir: string;
  /** Absolute path of the simulator executable. */
  readonly binary: string;
  /** SHA-256 (hex) of the executable as built; checked before every use of the cache entry. */
  readonly binarySha256: string;
  /** Size of the executable as built, bytes. */
  readonly binaryBytes: number;
  readonly toolchain: ToolchainFingerprint;
  /** Logic area of the PE array from Yosys; absent without Yosys or a synthesis script. */
  readonly area?: LogicArea;
  /** Why `area` is absent, when it is. */
  readonly areaUnavailable?: string;
  /** Wall time of the build, ms. */
  readonly buildMs: number;
  readonly createdAt: string;
}

/** Size and SHA-256 of a file. */
export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
}

/** Size and SHA-256 (hex) of the file at `path`, read in 1 MiB chunks. @throws the fs error. */
export function digestFile(path: string): FileDigest {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** What a cache directory holds. */
export type CachedBuildState =
  | { readonly state: 'absent' }
  | { readonly state: 'valid'; readonly build: SimulatorBuild }
  /** The directory exists but cannot be trusted; `problem` says why (one line). */
  | { readonly state: 'invalid'; readonly problem: string };

/**
 * Checks the build in `dir`: its record must parse, name a digest, and match the executable's
 * size and SHA-256; the executable must be executable. Hashing costs a few ms per MB.
 */
export function inspectBuild(dir: string): CachedBuildState {
  if (!existsSync(dir)) return { state: 'absent' };
  let record: Partial<SimulatorBuild>;
  try {
    record = JSON.parse(readFileSync(join(dir, RECORD_NAME), 'utf8')) as Partial<SimulatorBuild>;
  } catch (error) {
    return { state: 'invalid', problem: `${RECORD_NAME} is missing or unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  const binary = join(dir, BINARY_NAME);
  if (!existsSync(binary)) return { state: 'invalid', problem: `${BINARY_NAME} is missing` };
  if (typeof record.binarySha256 !== 'string' || typeof record.binaryBytes !== 'number') {
    return { state: 'invalid', problem: `${RECORD_NAME} records no digest of ${BINARY_NAME} (a build from before digests were recorded)` };
  }
  const bytes = statSync(binary).size;
  if (bytes !== record.binaryBytes) {
    return { state: 'invalid', problem: `${BINARY_NAME} is ${bytes} bytes but ${RECORD_NAME} records ${record.binaryBytes} (truncated or replaced)` };
  }
  const { sha256 } = digestFile(binary);
  if (sha256 !== record.binarySha256) {
    return {
      state: 'invalid',
      problem: `the SHA-256 of ${BINARY_NAME} is ${sha256.slice(0, 16)}… but ${RECORD_NAME} records ${record.binarySha256.slice(0, 16)}… (replaced or corrupted)`,
    };
  }
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    return { state: 'invalid', problem: `${BINARY_NAME} is not executable` };
  }
  return { state: 'valid', build: { ...(record as SimulatorBuild), dir, binary } };
}

/**
 * Moves an untrusted build out of the way (renamed to a `.tmp-` name, which the builder's stale
 * sweep would remove if this process died now, then deleted), so a fresh build can take its
 * name. A directory already gone (another process retired it) is not an error.
 */
export function retireBuild(dir: string): void {
  const aside = join(dirname(dir), `.tmp-retired-${basename(dir)}-${randomBytes(4).toString('hex')}`);
  try {
    renameSync(dir, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  rmSync(aside, { recursive: true, force: true });
}
