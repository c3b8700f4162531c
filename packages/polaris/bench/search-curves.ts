/**
 * Pure functions of the search benchmark's report: best-so-far curves of a run, their value at
 * a wall time or trial count, medians and ranges over seeds, normalisation. No I/O.
 */

/** One stored trial as the report needs it. */
export interface TrialPoint {
  /** 0-based trial index in ask order. */
  readonly index: number;
  /** The run's search time (ms, summed over sessions) when the trial's result was stored. */
  readonly elapsedMs: number;
  /** Network EDP (pJ·cycles); absent when the trial failed. */
  readonly edp?: number;
}

/** A step of a best-so-far curve: from `x` on, the best EDP found is `edp`. */
export interface CurveStep {
  readonly x: number;
  readonly edp: number;
}

/** Best EDP against search time: x = elapsed ms, one step each time the best improves. */
export function bestByTime(trials: readonly TrialPoint[]): CurveStep[] {
  const sorted = [...trials].sort((a, b) => a.elapsedMs - b.elapsedMs || a.index - b.index);
  return improvements(sorted.map((t) => ({ x: t.elapsedMs, edp: t.edp })));
}

/**
 * Best EDP against trials done: x = index + 1, the number of trials asked up to and including
 * this one (failed ones count). A complete run's finished trials are indices 0…n−1, so this is
 * also the count of trials finished; it stays right for a {@link compactTrials} subset.
 */
export function bestByTrials(trials: readonly TrialPoint[]): CurveStep[] {
  const sorted = [...trials].sort((a, b) => a.index - b.index);
  return improvements(sorted.map((t) => ({ x: t.index + 1, edp: t.edp })));
}

/**
 * The trials that lower the best EDP in time order or in ask order — all that
 * {@link bestByTime}, {@link bestByTrials} and a best-until-time query need, so an archived
 * run keeps a few dozen trials instead of thousands.
 */
export function compactTrials(trials: readonly TrialPoint[]): TrialPoint[] {
  const keep = new Set<number>();
  const mark = (ordered: readonly TrialPoint[]): void => {
    let best = Infinity;
    for (const t of ordered) {
      if (t.edp === undefined || !Number.isFinite(t.edp) || t.edp >= best) continue;
      best = t.edp;
      keep.add(t.index);
    }
  };
  mark([...trials].sort((a, b) => a.elapsedMs - b.elapsedMs || a.index - b.index));
  mark([...trials].sort((a, b) => a.index - b.index));
  return trials.filter((t) => keep.has(t.index)).sort((a, b) => a.index - b.index);
}

function improvements(points: readonly { x: number; edp?: number }[]): CurveStep[] {
  const steps: CurveStep[] = [];
  let best = Infinity;
  for (const p of points) {
    if (p.edp === undefined || !Number.isFinite(p.edp) || p.edp >= best) continue;
    best = p.edp;
    if (steps.length > 0 && steps[steps.length - 1]!.x === p.x) steps[steps.length - 1] = { x: p.x, edp: best };
    else steps.push({ x: p.x, edp: best });
  }
  return steps;
}

/** The curve's best EDP at `x` (the last step at or before it); undefined before the first step. */
export function valueAt(curve: readonly CurveStep[], x: number): number | undefined {
  let lo = 0;
  let hi = curve.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (curve[mid]!.x <= x) { found = curve[mid]!.edp; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

/** Median (mean of the middle two for an even count); undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A run's curve and how far it was observed (beyond `coveredUntil` its value is unknown). */
export interface SeedCurve {
  readonly curve: readonly CurveStep[];
  /** Last x the run reached (its elapsed ms or its trial count); a finished run is extended to the grid's end. */
  readonly coveredUntil: number;
}

export interface BandPoint {
  readonly x: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many seeds the point is taken over. */
  readonly seeds: number;
}

/**
 * Median and range over seeds at each grid x. A seed counts at x only when it has found a
 * design by then and was observed that far; a point with no seed is left out.
 */
export function band(seeds: readonly SeedCurve[], grid: readonly number[]): BandPoint[] {
  const out: BandPoint[] = [];
  for (const x of grid) {
    const values: number[] = [];
    for (const s of seeds) {
      if (x > s.coveredUntil) continue;
      const v = valueAt(s.curve, x);
      if (v !== undefined) values.push(v);
    }
    if (values.length === 0) continue;
    out.push({ x, median: median(values)!, min: Math.min(...values), max: Math.max(...values), seeds: values.length });
  }
  return out;
}

/** `n` evenly spaced points from 0 to `end` inclusive. */
export function linearGrid(end: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (end * i) / (n - 1));
}

/** Distinct integers 1..end, roughly log-spaced (about `perDecade` per factor of ten), end included. */
export function logIntGrid(end: number, perDecade = 24): number[] {
  const out = new Set<number>();
  if (end < 1) return [];
  const steps = Math.ceil(Math.log10(end) * perDecade);
  for (let i = 0; i <= steps; i++) out.add(Math.min(end, Math.round(10 ** (i / perDecade))));
  out.add(end);
  return [...out].sort((a, b) => a - b);
}

/** EDP relative to the best known (1 = the best any stored run found). */
export function normalise(edp: number, bestKnown: number): number {
  return edp / bestKnown;
}

/** The smallest EDP over all runs' curves, undefined when none found anything. */
export function bestOf(curves: readonly (readonly CurveStep[])[]): number | undefined {
  let best: number | undefined;
  for (const c of curves) {
    const last = c[c.length - 1];
    if (last !== undefined && (best === undefined || last.edp < best)) best = last.edp;
  }
  return best;
}
