import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { which } from '@polaris/core';
import { execaSync } from 'execa';

/** The rtl-sim package folder (holds `rtl/`, `harness/`), found from this file's location. */
export const RTL_SIM_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The script that installs Verilator and Yosys; named by every "missing tool" error. */
export const INSTALL_HINT = 'bash scripts/install-system-tools.sh';

/** Source folders whose contents determine the simulator (and so the cache key). */
const SOURCE_FOLDERS = ['rtl', 'harness'] as const;
/** Build output folders that may sit inside the source folders and must not change the key. */
const IGNORED_FOLDERS = new Set(['obj_dir', 'build', 'node_modules']);

/** Verilator (or Yosys) is not on PATH; the message names the install script. */
export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
  constructor(readonly tool: string, purpose: string) {
    super(`${tool} is not on PATH; it is needed ${purpose}. Install it with \`${INSTALL_HINT}\` (from the repository root), ` +
      'or your package manager, and make sure it is on PATH');
  }
}

/**
 * Cache root for simulator builds: `$POLARIS_RTL_CACHE` if set, else `$XDG_CACHE_HOME/polaris/rtl`,
 * else `~/.cache/polaris/rtl`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POLARIS_RTL_CACHE) return resolve(env.POLARIS_RTL_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'polaris', 'rtl');
}

/** Every regular file under the source folders, as package-relative paths, sorted. */
export function sourceFiles(packageDir: string = RTL_SIM_PACKAGE_DIR): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_FOLDERS.has(entry.name)) walk(path);
      } else if (entry.isFile()) {
        files.push(relative(packageDir, path));
      }
    }
  };
  for (const folder of SOURCE_FOLDERS) {
    const dir = join(packageDir, folder);
    if (existsSync(dir) && statSync(dir).isDirectory()) walk(dir);
  }
  return files.sort();
}

/**
 * SHA-256 (hex) over the path and contents of every RTL and harness source file; changes
 * whenever the simulator would. Synchronous (a few small files).
 * @throws Error when the package has no RTL/harness sources yet.
 */
export function sourcesHash(packageDir: string = RTL_SIM_PACKAGE_DIR): string {
  const files = sourceFiles(packageDir);
  if (files.length === 0) {
    throw new Error(`no RTL or harness sources under ${join(packageDir, 'rtl')} / ${join(packageDir, 'harness')}`);
  }
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(packageDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const versions = new Map<string, string | undefined>();

/** First line of `<tool> <flag>`, cached per process; undefined when the tool is not on PATH. */
function toolVersion(tool: string, flag: string): string | undefined {
  if (!versions.has(tool)) {
    let version: string | undefined;
    if (which(tool) !== undefined) {
      const result = execaSync(tool, [flag], { reject: false, timeout: 30_000 });
      const text = `${String(result.stdout)}\n${String(result.stderr)}`.trim();
      version = result.exitCode === 0 ? text.split('\n')[0].trim() : undefined;
    }
    versions.set(tool, version);
  }
  return versions.get(tool);
}

/** `Verilator 5.006 2023-01-22 rev (…)`, or undefined when verilator is not on PATH. */
export const verilatorVersion = (): string | undefined => toolVersion('verilator', '--version');
/** `Yosys 0.23 (git sha1 …)`, or undefined when yosys is not on PATH. */
export const yosysVersion = (): string | undefined => toolVersion('yosys', '-V');

/** Whether `verilator` is on PATH (tests skip on false, with a message). */
export const hasVerilator = (): boolean => verilatorVersion() !== undefined;

/** What the simulator of every DIM depends on besides DIM: sources and tool versions. */
export interface ToolchainFingerprint {
  readonly sourcesHash: string;
  readonly verilator: string;
  /** Absent when Yosys is not installed (builds then carry no area). */
  readonly yosys?: string;
}

/**
 * The fingerprint of the installed toolchain and the package's sources.
 * @throws ToolMissingError when verilator is not on PATH.
 */
export function toolchainFingerprint(packageDir: string = RTL_SIM_PACKAGE_DIR): ToolchainFingerprint {
  const verilator = verilatorVersion();
  if (verilator === undefined) throw new ToolMissingError('verilator', 'to build the RTL simulator');
  return { sourcesHash: sourcesHash(packageDir), verilator, yosys: yosysVersion() };
}

/** Short stable digest of a fingerprint (plus extra parts), for keys and versions. */
export function fingerprintDigest(fingerprint: ToolchainFingerprint, ...extra: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([fingerprint.sourcesHash, fingerprint.verilator, fingerprint.yosys ?? '', ...extra]))
    .digest('hex')
    .slice(0, 16);
}
