/**
 * Reads the search benchmark's runs back from its SQLite store (and, for how a run ended, the
 * result file `polaris run` wrote beside it). Everything the report shows comes from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore, type HardwareConfig, type RunRecord } from '@polaris/core';
import { parseRunName, type RunKind } from './search-bench-plan.js';
import type { TrialPoint } from './search-curves.js';

export interface BenchRunData {
  readonly runId: string;
  readonly kind: RunKind;
  readonly workload: string;
  readonly optimizer: string;
  readonly seed: number;
  /** The run's `budget.minutes`. */
  readonly minutes: number;
  /** Search time so far, summed over sessions (ms). */
  readonly elapsedMs: number;
  /**
   * Finished trials (successful or failed), ask order — every one when read from a store, only
   * the improving ones ({@link compactTrials}) when read from the archive.
   */
  readonly trials: TrialPoint[];
  /** Finished trials, successful or failed. */
  readonly trialCount: number;
  readonly failed: number;
  /** Hardware of the best trial (peDim, spKB, accKB). */
  readonly bestHardware?: HardwareConfig;
  /** Trials asked but not finished (evaluated on resume). */
  readonly running: number;
  /** How the last session ended, from its result file, when it wrote one for this run. */
  readonly stoppedBy?: string;
  /** The run needs no more sessions: its time budget is used up, or the optimizer is exhausted. */
  readonly complete: boolean;
}

/** Ends of a session after which a rerun would add nothing. */
const FINAL_STOPS = new Set(['minutes', 'exhausted', 'budget', 'evaluations']);

/** The result file `polaris run` writes for a planned run (config `output:`). */
export function resultFilePath(benchDir: string, stem: string): string {
  return join(benchDir, 'results', `${stem}.json`);
}

function readStoppedBy(benchDir: string, run: RunRecord, name: string): string | undefined {
  const file = resultFilePath(benchDir, `${name}-seed${run.seed}`);
  if (!existsSync(file)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { runId?: string; summary?: { stoppedBy?: string } };
    return doc.runId === run.id ? doc.summary?.stoppedBy : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every benchmark and best-known run in the store, oldest first. `trials: false` skips reading
 * the trials (enough to tell which runs are complete; `trials` is then empty).
 */
export function readBenchRuns(storePath: string, benchDir: string, options: { trials?: boolean } = {}): BenchRunData[] {
  const withTrials = options.trials ?? true;
  if (!existsSync(storePath)) return [];
  const store = new SqliteStore(storePath);
  try {
    const out: BenchRunData[] = [];
    for (const run of store.listRuns()) {
      const config = JSON.parse(run.config) as { name: string; budget?: { minutes?: number }; optimizer: { id: string }[] };
      const parsed = parseRunName(config.name);
      if (!parsed) continue;
      const minutes = config.budget?.minutes ?? Infinity;
      const trials: TrialPoint[] = [];
      let failed = 0;
      let running = 0;
      let best: { edp: number; hardware: HardwareConfig } | undefined;
      for (const t of withTrials ? store.trials(run.id) : []) {
        if (t.fidelity !== undefined && t.fidelity !== 'analytical') continue;
        if (t.running) { running++; continue; }
        if (t.evaluation === undefined) failed++;
        else if (best === undefined || t.evaluation.edp < best.edp) best = { edp: t.evaluation.edp, hardware: t.point.hardware };
        trials.push({ index: t.index, elapsedMs: t.elapsedMs ?? 0, ...(t.evaluation ? { edp: t.evaluation.edp } : {}) });
      }
      const elapsedMs = run.elapsedMs ?? 0;
      const stoppedBy = readStoppedBy(benchDir, run, config.name);
      // 1 ms slack: the time budget fires at (not after) the limit.
      const complete = run.status === 'finished' || elapsedMs >= minutes * 60_000 - 1
        || (stoppedBy !== undefined && FINAL_STOPS.has(stoppedBy) && stoppedBy !== 'minutes');
      out.push({
        runId: run.id, kind: parsed.kind, workload: parsed.workload, optimizer: parsed.optimizer, seed: run.seed,
        minutes, elapsedMs, trials, trialCount: trials.length, failed, running,
        ...(best ? { bestHardware: { peDim: best.hardware.peDim, spKB: best.hardware.spKB, accKB: best.hardware.accKB } } : {}), ...(stoppedBy ? { stoppedBy } : {}), complete,
      });
    }
    return out;
  } finally {
    store.close();
  }
}
