import { describe, expect, it } from 'vitest';
import { band, bestByTime, bestByTrials, bestOf, linearGrid, logIntGrid, median, normalise, valueAt } from './search-curves.js';
import { benchPlan, parseRunName, runName } from './search-bench-plan.js';
import { summarise, judgeTargets } from './search-summary.js';
import type { BenchRunData } from './search-bench-data.js';

const trials = [
  { index: 0, elapsedMs: 100, edp: 10 },
  { index: 1, elapsedMs: 100, edp: 8 },
  { index: 2, elapsedMs: 250 },
  { index: 3, elapsedMs: 300, edp: 9 },
  { index: 4, elapsedMs: 400, edp: 5 },
];

describe('best-so-far curves', () => {
  it('steps down at the time each improvement was stored, one step per time', () => {
    expect(bestByTime(trials)).toEqual([{ x: 100, edp: 8 }, { x: 400, edp: 5 }]);
  });
  it('counts failed trials against trials', () => {
    expect(bestByTrials(trials)).toEqual([{ x: 1, edp: 10 }, { x: 2, edp: 8 }, { x: 5, edp: 5 }]);
  });
  it('reads the last step at or before x, nothing before the first', () => {
    const c = bestByTime(trials);
    expect(valueAt(c, 99)).toBeUndefined();
    expect(valueAt(c, 100)).toBe(8);
    expect(valueAt(c, 399)).toBe(8);
    expect(valueAt(c, 1e9)).toBe(5);
    expect(bestOf([c, [{ x: 1, edp: 7 }]])).toBe(5);
  });
});

describe('medians and bands over seeds', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
  it('a seed counts only where it was observed and had found a design', () => {
    const a = { curve: [{ x: 0, edp: 4 }, { x: 10, edp: 2 }], coveredUntil: Infinity };
    const b = { curve: [{ x: 5, edp: 3 }], coveredUntil: 8 };
    expect(band([a, b], [0, 5, 10])).toEqual([
      { x: 0, median: 4, min: 4, max: 4, seeds: 1 },
      { x: 5, median: 3.5, min: 3, max: 4, seeds: 2 },
      { x: 10, median: 2, min: 2, max: 2, seeds: 1 },
    ]);
  });
  it('grids and normalisation', () => {
    expect(linearGrid(10, 3)).toEqual([0, 5, 10]);
    const g = logIntGrid(1000);
    expect(g[0]).toBe(1);
    expect(g.at(-1)).toBe(1000);
    expect(new Set(g).size).toBe(g.length);
    expect(normalise(6, 3)).toBe(2);
  });
});

describe('plan and summary', () => {
  it('orders seed 1 of every strategy on every workload first, 48 runs', () => {
    const plan = benchPlan();
    expect(plan).toHaveLength(48);
    expect(plan.slice(0, 16).every((p) => p.seed === 1)).toBe(true);
    expect(plan.slice(0, 4).map((p) => p.optimizer)).toEqual(['random', 'genetic', 'bayesian', 'gradient']);
    expect(parseRunName(runName('best-known', 'unet', 'genetic'))).toEqual({ kind: 'best-known', workload: 'unet', optimizer: 'genetic' });
    expect(parseRunName('quickstart')).toBeUndefined();
  });
  it('normalises by the best of every run, judges only complete runs', () => {
    const run = (optimizer: string, seed: number, edp: number, complete: boolean): BenchRunData => ({
      runId: `${optimizer}-${seed}`, kind: 'bench', workload: 'bert', optimizer, seed, minutes: 10, elapsedMs: complete ? 600_000 : 60_000,
      trials: [{ index: 0, elapsedMs: 1000, edp }], trialCount: 1, failed: 0, running: 0, complete,
    });
    const s = summarise([run('random', 1, 10, true), run('bayesian', 1, 8, true), run('gradient', 1, 2, false)], {});
    const bert = s.find((w) => w.workload === 'bert')!;
    expect(bert.bestKnown).toBe(2);
    expect(bert.strategies.find((x) => x.optimizer === 'bayesian')!.completeMedian).toBe(8);
    expect(bert.strategies.find((x) => x.optimizer === 'gradient')!.completeMedian).toBeUndefined();
    const t = judgeTargets(s);
    expect(t.find((x) => x.target.startsWith('bayesian within'))).toMatchObject({ verdict: 'missed', final: false });
    expect(t.find((x) => x.target.startsWith('gradient within'))).toMatchObject({ verdict: 'open' });
  });
});
