/**
 * Drives the real `polaris` CLI for the search benchmark: one `polaris run` at a time (the
 * mapper already uses every core through its worker pool), skipping runs the store says are
 * complete, and the reference evaluation of DOSA's default Gemmini. Every result lives in the
 * store (or, for the reference, in a JSON file beside it): a killed benchmark resumes on rerun.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { DOSA_DEFAULT_HW, runConfigYaml, runFileStem, type PlannedRun } from './search-bench-plan.js';
import { readBenchRuns, resultFilePath, type BenchRunData } from './search-bench-data.js';
import { archiveKey, archiveRun, mergeWithArchive, readArchive, type RunProvenance } from './search-bench-archive.js';

export interface BenchPaths {
  /** Repository root: the CLI runs here. */
  readonly root: string;
  readonly store: string;
  /** Generated configs, result files and the session journal (sessions.jsonl). */
  readonly benchDir: string;
  /** The committed archive of complete runs (docs/benchmarks/search-runs). */
  readonly archiveDir: string;
  /** The committed EDP of DOSA's default Gemmini per workload (docs/benchmarks/search-reference.json). */
  readonly referenceFile: string;
}

export interface ReferenceEntry {
  readonly workload: string;
  readonly hardware: typeof DOSA_DEFAULT_HW;
  readonly mapperSeed: number;
  readonly cycles: number;
  readonly energyPJ: number;
  readonly edp: number;
}

const log = (msg: string): void => console.log(`[bench:search ${new Date().toISOString()}] ${msg}`);

function cliPath(root: string): string {
  return join(root, 'packages/cli/bin/polaris.mjs');
}

let current: ResultPromise | undefined;
let stopping = false;

/** SIGINT/SIGTERM: pass the signal to the run in flight (it stores what it has and exits), then stop. */
export function stopOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      stopping = true;
      log(`${sig}: stopping after the current run has stored its trials (rerun the same command to resume)`);
      current?.kill(sig);
    });
  }
}

export function referencePath(paths: BenchPaths): string {
  return paths.referenceFile;
}

export function readReference(paths: BenchPaths): Record<string, ReferenceEntry> {
  const file = referencePath(paths);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, ReferenceEntry>) : {};
}

/** EDP of DOSA's default Gemmini with mapper mappings (seed 1) per workload, computed once. */
export async function ensureReference(paths: BenchPaths, workloads: readonly string[]): Promise<Record<string, ReferenceEntry>> {
  const ref = readReference(paths);
  const hw = `${DOSA_DEFAULT_HW.peDim},${DOSA_DEFAULT_HW.spKB},${DOSA_DEFAULT_HW.accKB}`;
  for (const workload of workloads) {
    if (ref[workload] || stopping) continue;
    log(`reference: polaris evaluate --workload ${workload} --hw ${hw} --json`);
    const r = await execa('node', [cliPath(paths.root), 'evaluate', '--workload', workload, '--hw', hw, '--energy', 'timeloop', '--seed', '1', '--json'], { cwd: paths.root, reject: false });
    if (r.exitCode !== 0) { log(`reference for ${workload} failed (exit ${r.exitCode}): ${String(r.stderr).slice(-400)}`); continue; }
    const [first] = JSON.parse(String(r.stdout)) as { evaluation: { cycles: number; energy: number; edp: number } }[];
    ref[workload] = { workload, hardware: DOSA_DEFAULT_HW, mapperSeed: 1, cycles: first!.evaluation.cycles, energyPJ: first!.evaluation.energy, edp: first!.evaluation.edp };
    mkdirSync(dirname(referencePath(paths)), { recursive: true });
    // Re-read before writing: a second benchmark process may have added its workloads meanwhile.
    writeFileSync(referencePath(paths), `${JSON.stringify({ ...readReference(paths), [workload]: ref[workload] }, null, 2)}\n`);
    log(`reference ${workload}: EDP ${ref[workload]!.edp.toExponential(4)}`);
  }
  return ref;
}

/** The code a session ran: HEAD and the source files that differed from it (others edit the same checkout). */
function codeState(root: string): { head: string; dirty: string[] } {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages', 'plugins'], { cwd: root, encoding: 'utf8' })
      .split('\n').filter(Boolean).map((l) => l.slice(3));
    return { head, dirty };
  } catch {
    return { head: 'unknown', dirty: [] };
  }
}

/** One session of one run, as the journal (<benchDir>/sessions.jsonl) keeps it. */
export interface JournalEntry {
  readonly run: string;
  readonly kind: string;
  readonly startedAt: string;
  readonly wallMs: number;
  /** Exit code, or the signal that ended it (absent if neither is known). */
  readonly exit?: number | string;
  /** 1-minute load average at the start and the end of the session. */
  readonly load1?: number[];
  readonly head: string;
  readonly dirty: string[];
}

/** One line per session of a run in <benchDir>/sessions.jsonl: when, which code, how it ended. */
function journal(paths: BenchPaths, entry: JournalEntry): void {
  appendFileSync(join(paths.benchDir, 'sessions.jsonl'), `${JSON.stringify(entry)}\n`);
}

/** Every session in the journal, oldest first (none when there is no journal). */
export function readJournal(paths: BenchPaths): JournalEntry[] {
  const file = join(paths.benchDir, 'sessions.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEntry);
}

/** Every run the report knows: the committed archive, then the store's runs it does not hold. */
export function knownRuns(paths: BenchPaths, options: { trials?: boolean } = {}): BenchRunData[] {
  return mergeWithArchive(readArchive(paths.archiveDir), readBenchRuns(paths.store, paths.benchDir, options));
}

/** Runs complete neither in the archive nor in the store, in plan order. */
export function pendingRuns(paths: BenchPaths, plan: readonly PlannedRun[]): PlannedRun[] {
  // A run of another length (a smoke test with --minutes) is not the planned run.
  const key = (r: { minutes: number } & Parameters<typeof archiveKey>[0]): string => `${archiveKey(r)}@${r.minutes}`;
  const done = new Set(knownRuns(paths, { trials: false }).filter((r) => r.complete).map(key));
  return plan.filter((p) => !done.has(key(p)));
}

/** Sessions of a run from the journal: the code and load it ran on. */
function provenance(paths: BenchPaths, stem: string): RunProvenance {
  const sessions = readJournal(paths).filter((e) => e.run === stem);
  return {
    heads: [...new Set(sessions.map((e) => (e.dirty.length > 0 ? `${e.head}+dirty` : e.head)))],
    mapperWorkers: process.env['POLARIS_MAPPER_WORKERS'] ?? 'default (one per core)',
    load1: sessions.map((e) => e.load1 ?? []),
  };
}

/**
 * Archives every complete store run the archive lacks.
 * @returns the files written.
 */
export function archiveCompleteRuns(paths: BenchPaths): string[] {
  const archived = new Set(readArchive(paths.archiveDir).map(archiveKey));
  const written: string[] = [];
  for (const run of readBenchRuns(paths.store, paths.benchDir)) {
    if (!run.complete || archived.has(archiveKey(run))) continue;
    written.push(archiveRun(paths.archiveDir, run, provenance(paths, archiveKey(run))));
    archived.add(archiveKey(run));
  }
  for (const f of written) log(`archived ${f}`);
  return written;
}

/**
 * Runs every planned run that is not complete, one at a time, through `polaris run`.
 * @returns false when stopped by a signal (the rest resumes on rerun).
 */
export async function runPlan(paths: BenchPaths, plan: readonly PlannedRun[]): Promise<boolean> {
  const pending = pendingRuns(paths, plan);
  log(`${plan.length - pending.length} of ${plan.length} runs complete in ${paths.store}; ${pending.length} to go`);
  for (const [i, run] of pending.entries()) {
    if (stopping) return false;
    const stem = runFileStem(run);
    const config = join(paths.benchDir, 'configs', `${stem}.yaml`);
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, runConfigYaml(run, paths.store, resultFilePath(paths.benchDir, stem)));
    log(`run ${i + 1}/${pending.length}: ${run.workload} ${run.optimizer} seed ${run.seed} (${run.minutes} min) — polaris run ${config} --force --quiet`);
    const started = Date.now();
    const code = codeState(paths.root);
    const loadStart = loadavg()[0];
    current = execa('node', [cliPath(paths.root), 'run', config, '--force', '--quiet'], { cwd: paths.root, reject: false, stdout: 'inherit', stderr: 'inherit' });
    const r = await current;
    current = undefined;
    journal(paths, { run: stem, kind: run.kind, startedAt: new Date(started).toISOString(), wallMs: Date.now() - started, exit: r.exitCode ?? r.signal, load1: [loadStart, loadavg()[0]], ...code });
    log(`run ${run.workload} ${run.optimizer} seed ${run.seed}: exit ${r.exitCode ?? r.signal} after ${((Date.now() - started) / 1000).toFixed(0)} s wall`);
    if (r.exitCode === 130 || r.exitCode === 143 || r.signal) return false;
    archiveCompleteRuns(paths);
  }
  return !stopping;
}
