import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveRun, mergeWithArchive, readArchive } from './search-bench-archive.js';
import { bestByTime, bestByTrials, compactTrials, type TrialPoint } from './search-curves.js';
import type { BenchRunData } from './search-bench-data.js';

/** A run whose trials finish out of ask order (a batch), with failures. */
const trials: TrialPoint[] = [
  { index: 0, elapsedMs: 50, edp: 40 }, { index: 1, elapsedMs: 30, edp: 50 }, { index: 2, elapsedMs: 60 },
  { index: 3, elapsedMs: 90, edp: 45 }, { index: 4, elapsedMs: 80, edp: 20 }, { index: 5, elapsedMs: 100, edp: 30 },
  { index: 6, elapsedMs: 120, edp: 10 }, { index: 7, elapsedMs: 130, edp: 11 },
];

function run(overrides: Partial<BenchRunData> = {}): BenchRunData {
  return {
    runId: 'r1', kind: 'bench', workload: 'resnet50', optimizer: 'random', seed: 1, minutes: 10, elapsedMs: 600_000,
    trials, trialCount: trials.length, failed: 1, running: 0, complete: true, bestHardware: { peDim: 16, spKB: 128, accKB: 32 },
    ...overrides,
  };
}

let dir: string | undefined;
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });

describe('compactTrials', () => {
  it('keeps exactly the trials both best-so-far curves step on', () => {
    const kept = compactTrials(trials);
    expect(bestByTime(kept)).toEqual(bestByTime(trials));
    expect(bestByTrials(kept)).toEqual(bestByTrials(trials));
    // Trial 1 improves first in time (50 at 30 ms) but not in ask order; trial 7 never improves.
    expect(kept.map((t) => t.index)).toEqual([0, 1, 4, 6]);
  });
});

describe('the run archive', () => {
  it('round-trips a complete run with its curves, counts and best hardware', () => {
    dir = mkdtempSync(join(tmpdir(), 'polaris-archive-'));
    archiveRun(dir, run(), { heads: ['abc1234'], mapperWorkers: '0', load1: [[1, 1.2]] });
    const [back] = readArchive(dir);
    expect(back).toMatchObject({ runId: 'r1', trialCount: 8, failed: 1, complete: true, running: 0, bestHardware: { peDim: 16 } });
    expect(bestByTime(back!.trials)).toEqual(bestByTime(trials));
  });
  it('refuses to archive an incomplete run', () => {
    dir = mkdtempSync(join(tmpdir(), 'polaris-archive-'));
    expect(() => archiveRun(dir!, run({ complete: false }))).toThrow(/not complete/);
  });
  it('lets the archive win over a store run of the same experiment, and keeps the others', () => {
    const merged = mergeWithArchive([run()], [run({ runId: 'r1-redo' }), run({ runId: 'r2', seed: 2 })]);
    expect(merged.map((r) => r.runId)).toEqual(['r1', 'r2']);
  });
});
