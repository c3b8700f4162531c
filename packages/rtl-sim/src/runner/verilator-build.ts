import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { SUPPORTED_DIMS } from '../program/isa.js';
import { type LogicArea, logicArea, parseYosysStat } from './area-model.js';
import { BINARY_NAME, RECORD_NAME, type SimulatorBuild, digestFile, inspectBuild, retireBuild } from './build-record.js';
import {
  INSTALL_HINT, RTL_SIM_PACKAGE_DIR, type ToolchainFingerprint, defaultCacheDir, fingerprintDigest, toolchainFingerprint,
} from './toolchain.js';

/**
 * Builds (once) and caches the Verilator simulator of the accelerator for one DIM.
 *
 * Cache layout, under {@link defaultCacheDir} (`$POLARIS_RTL_CACHE` or `~/.cache/polaris/rtl`):
 *
 * ```
 * dim4-<key>/            a finished build; never modified once it exists
 *   Vaccel               the simulator (docs/isa.md "Harness command line")
 *   build.json           SimulatorBuild metadata (DIM, key, SHA-256 and size of Vaccel, tool versions, area, build time)
 *   build.log            output of harness/build.sh
 *   area.txt             Yosys `stat` output of the array (when Yosys is installed)
 * dim4-<key>.failed.log  the log of the last failed build of that key
 * .tmp-dim4-<key>-XXXX/  a build in progress (or a retired entry being deleted)
 * ```
 *
 * A cache entry is used only after its `Vaccel` matched the size and SHA-256 in its `build.json`
 * (build-record.ts); an entry that does not match (a replaced or truncated binary, a record
 * without a digest) is rebuilt, with a one-line notice naming the mismatch.
 *
 * `<key>` hashes DIM, every file under `rtl/` and `harness/`, and the Verilator and Yosys versions,
 * so changing any of them builds afresh. Concurrency: each build happens in its own temp dir,
 * which is renamed to the final name atomically; if another process renamed first, its build
 * is used and ours discarded — two processes building the same configuration both succeed and
 * leave one entry. Temp dirs older than {@link STALE_TEMP_MS} (crashed builds) are removed.
 * Within one process, concurrent requests for the same build share one promise.
 */

/** Temp build dirs older than this are from a dead process and are removed (ms). */
export const STALE_TEMP_MS = 6 * 60 * 60 * 1000;
/** Bumped when the cache layout or build.json shape changes. */
const CACHE_FORMAT = 'rtl-build-1';

/** What a build reports while it works (BuildOptions.onEvent). */
export type BuildEvent =
  /** No valid build is cached: the simulator is being built now (seconds to minutes). */
  | { readonly type: 'building'; readonly dim: number; readonly dir: string }
  /** A one-line notice for the user, e.g. that a cache entry failed its digest check and is rebuilt. */
  | { readonly type: 'notice'; readonly message: string };

export interface BuildOptions {
  readonly dim: number;
  /** Cache root; default {@link defaultCacheDir}. */
  readonly cacheDir?: string;
  /** The rtl-sim package (holds rtl/, harness/); default this package. */
  readonly packageDir?: string;
  /** Aborts the build (kills verilator/make/yosys). */
  readonly signal?: AbortSignal;
  /** Limit for the whole build, ms (default 30 min). */
  readonly timeoutMs?: number;
  /** Told when a build starts and of notices; without it notices go to stderr (`polaris rtl: …`). */
  readonly onEvent?: (event: BuildEvent) => void;
}

/** The cache directory name of a DIM under a toolchain. */
export function buildKey(dim: number, toolchain: ToolchainFingerprint): string {
  return `dim${dim}-${fingerprintDigest(toolchain, CACHE_FORMAT, String(dim))}`;
}

const inProcess = new Map<string, Promise<SimulatorBuild>>();

/**
 * The simulator for `options.dim`: from the cache, or built now (see the module doc).
 * @throws ToolMissingError naming scripts/install-system-tools.sh when verilator is missing;
 *   RangeError for an unsupported DIM; Error with the build log's tail when the build fails.
 */
export function buildSimulator(options: BuildOptions): Promise<SimulatorBuild> {
  const { dim } = options;
  if (!SUPPORTED_DIMS.includes(dim)) {
    return Promise.reject(new RangeError(`DIM ${dim} is not supported by the RTL; supported: ${SUPPORTED_DIMS.join(', ')}`));
  }
  const packageDir = options.packageDir ?? RTL_SIM_PACKAGE_DIR;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  let toolchain: ToolchainFingerprint;
  try {
    toolchain = toolchainFingerprint(packageDir);
  } catch (error) {
    return Promise.reject(error as Error);
  }
  const key = buildKey(dim, toolchain);
  const finalDir = join(cacheDir, key);
  const cached = inspectBuild(finalDir);
  if (cached.state === 'valid') return Promise.resolve(cached.build);
  const emit = options.onEvent ?? defaultOnEvent;
  if (cached.state === 'invalid') emit({ type: 'notice', message: `the cached simulator for DIM ${dim} (${finalDir}) does not match its ${RECORD_NAME}: ${cached.problem}; rebuilding it` });
  const build = () => {
    emit({ type: 'building', dim, dir: finalDir });
    return buildInto({ ...options, packageDir, cacheDir }, toolchain, key);
  };
  // Callers without a signal share one build; a cancellable build is the caller's own.
  if (options.signal) return build();
  let promise = inProcess.get(finalDir);
  if (!promise) {
    promise = build().finally(() => inProcess.delete(finalDir));
    inProcess.set(finalDir, promise);
  }
  return promise;
}

function defaultOnEvent(event: BuildEvent): void {
  if (event.type === 'notice') process.stderr.write(`polaris rtl: ${event.message}\n`);
}

/** A finished build's metadata when `dir` holds a build whose binary matches its record, else undefined. */
export function readBuild(dir: string): SimulatorBuild | undefined {
  const found = inspectBuild(dir);
  return found.state === 'valid' ? found.build : undefined;
}

async function buildInto(
  options: BuildOptions & { packageDir: string; cacheDir: string }, toolchain: ToolchainFingerprint, key: string,
): Promise<SimulatorBuild> {
  const { dim, packageDir, cacheDir } = options;
  mkdirSync(cacheDir, { recursive: true });
  removeStaleTemps(cacheDir);
  const temp = mkdtempSync(join(cacheDir, `.tmp-${key}-`));
  const began = performance.now();
  try {
    const objDir = join(temp, 'obj');
    const timeout = options.timeoutMs ?? 30 * 60 * 1000;
    const buildScript = join(packageDir, 'harness', 'build.sh');
    if (!existsSync(buildScript)) throw new Error(`the harness build script ${buildScript} is missing`);
    const built = await runProcessGroup('bash', [buildScript, String(dim), objDir], packageDir, timeout, options.signal);
    options.signal?.throwIfAborted();
    writeFileSync(join(temp, 'build.log'), String(built.all ?? ''));
    if (built.failed) {
      const log = join(cacheDir, `${key}.failed.log`);
      writeFileSync(log, String(built.all ?? ''));
      const tail = String(built.all ?? '').trim().split('\n').slice(-15).join('\n');
      throw new Error(`building the simulator for DIM ${dim} failed (${built.shortMessage?.split('\n')[0] ?? `exit ${built.exitCode}`}; `
        + `full log ${log}; a missing tool: ${INSTALL_HINT}):\n${tail}`);
    }
    const binary = findExecutable(objDir, BINARY_NAME);
    if (!binary) throw new Error(`harness/build.sh ${dim} ${objDir} succeeded but produced no ${BINARY_NAME} executable`);
    renameSync(binary, join(temp, BINARY_NAME));
    const digest = digestFile(join(temp, BINARY_NAME));

    const area = await synthesizeArea(dim, packageDir, temp, toolchain, options.signal);
    options.signal?.throwIfAborted();
    rmSync(objDir, { recursive: true, force: true });
    const build: SimulatorBuild = {
      dim, key, dir: join(cacheDir, key), binary: join(cacheDir, key, BINARY_NAME),
      binarySha256: digest.sha256, binaryBytes: digest.bytes, toolchain,
      ...area, buildMs: Math.round(performance.now() - began), createdAt: new Date().toISOString(),
    };
    writeFileSync(join(temp, RECORD_NAME), `${JSON.stringify(build, null, 2)}\n`);
    // An untrusted entry under our name goes only now, so a valid one another process put there meanwhile is kept.
    if (inspectBuild(build.dir).state === 'invalid') retireBuild(build.dir);
    try {
      renameSync(temp, build.dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Another process finished the same build first: use theirs.
    }
    const finished = inspectBuild(build.dir);
    if (finished.state !== 'valid') {
      throw new Error(`the cached build ${build.dir} is not usable right after building (${finished.state === 'invalid' ? finished.problem : 'it vanished'}); `
        + 'another process may be replacing it: remove it and rerun');
    }
    return finished.build;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** The PE array module and the files that define it (the part of the RTL Yosys prices). */
export const ARRAY_MODULE = 'systolic_array';
const ARRAY_SOURCES = ['rtl/pe.sv', 'rtl/systolic_array.sv'];

/**
 * Logic area of the PE array: Yosys `synth` of {@link ARRAY_MODULE} at this DIM, keeping the
 * hierarchy (the PE is synthesised once; `stat -top` totals all DIM² instances, so even DIM 64
 * takes seconds), priced with the area model. When `harness/synth-area.sh` exists it is run
 * instead (`synth-area.sh <DIM>`, printing Yosys `stat` output). Missing Yosys is not an error:
 * the build then records why area is unavailable.
 */
async function synthesizeArea(
  dim: number, packageDir: string, temp: string, toolchain: ToolchainFingerprint, signal?: AbortSignal,
): Promise<{ area?: LogicArea; areaUnavailable?: string }> {
  if (toolchain.yosys === undefined) return { areaUnavailable: 'yosys is not on PATH (bash scripts/install-system-tools.sh)' };
  const script = join(packageDir, 'harness', 'synth-area.sh');
  const statFile = join(temp, 'area-stat.txt');
  const yosysScript = [
    `read_verilog -sv ${ARRAY_SOURCES.join(' ')}`,
    `hierarchy -top ${ARRAY_MODULE} -chparam DIM ${dim}`,
    `synth -top ${ARRAY_MODULE}`,
    `tee -q -o ${statFile} stat -top ${ARRAY_MODULE}`,
  ].join('; ');
  const [command, args] = existsSync(script)
    ? ['bash', [script, String(dim)]]
    : ['yosys', ['-q', '-p', yosysScript]];
  const result = await runProcessGroup(command, args, packageDir, 30 * 60 * 1000, signal);
  const text = existsSync(statFile) ? readFileSync(statFile, 'utf8') : String(result.all ?? '');
  writeFileSync(join(temp, 'area.txt'), `${String(result.all ?? '')}\n${text}`);
  rmSync(statFile, { force: true });
  const what = `${command} ${args.join(' ')}`.slice(0, 200);
  if (result.failed) return { areaUnavailable: `${what} failed: ${String(result.all ?? '').trim().split('\n').slice(-3).join(' | ')}` };
  try {
    return { area: logicArea(parseYosysStat(text)) };
  } catch (error) {
    return { areaUnavailable: `cannot read the Yosys stat output of ${what}: ${(error as Error).message}` };
  }
}

/**
 * Runs a command in its own process group (detached) so that a timeout or an abort kills the
 * whole tree — bash, make, the C++ compiler — not just the direct child. Never rejects.
 */
async function runProcessGroup(command: string, args: readonly string[], cwd: string, timeoutMs: number, signal?: AbortSignal) {
  signal?.throwIfAborted();
  const child = execa(command, [...args], { cwd, all: true, reject: false, stdin: 'ignore', detached: true, timeout: timeoutMs, killSignal: 'SIGKILL' });
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  // A detached group outlives its parent unless killed: do so when this process exits.
  process.once('exit', killGroup);
  signal?.addEventListener('abort', killGroup, { once: true });
  try {
    const result = await child;
    if (result.timedOut) killGroup();
    return result;
  } finally {
    process.removeListener('exit', killGroup);
    signal?.removeEventListener('abort', killGroup);
  }
}

/** First regular executable file named `name` under `dir` (build.sh may nest it). */
function findExecutable(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const direct = join(dir, name);
  if (existsSync(direct) && statSync(direct).isFile()) return direct;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = findExecutable(join(dir, entry.name), name);
    if (found) return found;
  }
  return undefined;
}

function removeStaleTemps(cacheDir: string): void {
  const now = Date.now();
  for (const entry of readdirSync(cacheDir)) {
    if (!entry.startsWith('.tmp-')) continue;
    const path = join(cacheDir, entry);
    try {
      if (now - statSync(path).mtimeMs > STALE_TEMP_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Raced with its owner or another cleaner: nothing to do.
    }
  }
}
