/**
 * The committed archive of the search benchmark: one small JSON file per complete run in
 * docs/benchmarks/search-runs/, holding what the report needs (counts, search time, the
 * trials that improved the best EDP, the best hardware, the code and machine load it ran on).
 * The run store itself is large and not committed; the archive is how runs done in one session
 * reach the next one's report, and how a fresh checkout knows which runs are already done.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compactTrials } from './search-curves.js';
import { runFileStem } from './search-bench-plan.js';
import type { BenchRunData } from './search-bench-data.js';

/** Version of the archive file format; files of another version are ignored (and reported). */
export const ARCHIVE_VERSION = 1;

/** How and where a run was measured (from the runner's session journal). */
export interface RunProvenance {
  /** `git rev-parse --short HEAD` of each session of the run. */
  readonly heads: readonly string[];
  /** Mapper worker threads (`POLARIS_MAPPER_WORKERS`; 0 = in-process). */
  readonly mapperWorkers: string;
  /** 1-minute load average at the start and end of each session. */
  readonly load1: readonly (readonly number[])[];
}

interface ArchiveFile extends Omit<BenchRunData, 'running'> {
  readonly version: number;
  readonly provenance?: RunProvenance;
}

/** The run's identity in the archive: its file stem. */
export const archiveKey = runFileStem;

/** Writes a complete run's archive file (overwriting an older one of the same run). */
export function archiveRun(dir: string, run: BenchRunData, provenance?: RunProvenance): string {
  if (!run.complete) throw new Error(`run ${run.runId} is not complete; only complete runs are archived`);
  const { running: _running, ...rest } = run;
  const doc: ArchiveFile = { version: ARCHIVE_VERSION, ...rest, trials: compactTrials(run.trials), ...(provenance ? { provenance } : {}) };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${archiveKey(run)}.json`);
  writeFileSync(file, `${JSON.stringify(doc, null, 1)}\n`);
  return file;
}

/** Every archive file of this version in `dir` (none when it does not exist), file-name order. */
function readArchiveFiles(dir: string): ArchiveFile[] {
  if (!existsSync(dir)) return [];
  const docs: ArchiveFile[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ArchiveFile;
    if (doc.version !== ARCHIVE_VERSION) {
      console.warn(`bench:search: ${join(dir, name)} has archive version ${doc.version}, not ${ARCHIVE_VERSION}; ignored`);
      continue;
    }
    docs.push(doc);
  }
  return docs;
}

/** Every archived run in `dir` (none when it does not exist), file-name order. */
export function readArchive(dir: string): BenchRunData[] {
  return readArchiveFiles(dir).map(({ version: _v, provenance: _p, ...run }) => ({ ...run, running: 0 }));
}

/** The mapper-worker settings the archived runs in `dir` recorded ('not recorded' for runs without provenance). */
export function archivedMapperWorkers(dir: string): string[] {
  return [...new Set(readArchiveFiles(dir).map((doc) => doc.provenance?.mapperWorkers ?? 'not recorded'))];
}

/**
 * The archived runs plus the store's runs that the archive does not hold (a store run of the
 * same kind, workload, strategy and seed as an archived one is the same experiment redone;
 * the archive wins, so a rerun never silently replaces a published number).
 */
export function mergeWithArchive(archived: readonly BenchRunData[], stored: readonly BenchRunData[]): BenchRunData[] {
  const have = new Set(archived.map(archiveKey));
  return [...archived, ...stored.filter((r) => !have.has(archiveKey(r)))];
}
