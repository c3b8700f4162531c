import { Random } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import {
  IDENTITY_CALIBRATION, calibrate, calibrateTarget, calibratedStd, coverage, fitSigmaMap, fitSigmaScale, mappedCoverage, type HeldOutTarget, type TargetCalibration,
} from './calibration.js';
import { coverageLoss, outsideBands } from './sigma-map.js';

/**
 * A held-out set with known noise: truth = prior + signal + N(0, noise²); the "GP" predicts the
 * signal exactly but claims σ = claimed (too small or too large by a known factor).
 */
function heldOut(rows: number, noise: number, claimed: number, seed: number, signalScale = 1): HeldOutTarget {
  const rng = new Random(seed);
  const prior = Float64Array.from({ length: rows }, () => rng.uniform(5, 15));
  const signal = Float64Array.from({ length: rows }, () => signalScale * rng.uniform(-1, 1));
  const truth = Float64Array.from(prior, (p, i) => p + signal[i] + rng.normal(0, noise));
  return { truth, prior, residualMean: signal, residualStd: new Float64Array(rows).fill(claimed) };
}

/** A Student-t draw with `df` degrees of freedom (normal over √(χ²/df)). */
function studentT(rng: Random, df: number): number {
  let chi2 = 0;
  for (let k = 0; k < df; k++) chi2 += rng.normal() ** 2;
  return rng.normal() / Math.sqrt(chi2 / df);
}

/**
 * Held-out errors against a GP σ that spans 100× (log-uniform 0.01 … 1, natural-log units):
 * `heavy` — error = √((2σ)² + 0.5²) · t₅, the GP's σ 2× too small and blind to a 0.5 floor of
 * error (what a new layer brings), so errors standardised by σ are heavy-tailed; `gaussian` —
 * error = N(0, (4σ)²), the σ right up to a factor 4.
 */
function errorTask(rows: number, seed: number, kind: 'heavy' | 'gaussian'): { errors: Float64Array; sigmas: Float64Array } {
  const rng = new Random(seed);
  const sigmas = Float64Array.from({ length: rows }, () => 0.01 * 100 ** rng.next());
  const errors = Float64Array.from(sigmas, (s) => (kind === 'heavy' ? Math.hypot(2 * s, 0.5) * studentT(rng, 5) : rng.normal(0, 4 * s)));
  return { errors, sigmas };
}

const inBands = (c: readonly [number, number]) => outsideBands(c) === 0;

describe('calibration on held-out layers', () => {
  it('counts coverage at ±1σ and ±2σ (hand-derived)', () => {
    expect(coverage([0.2, -0.5, 0.8, 1.2], [0.5, 0.5, 0.5, 0.5])).toEqual([0.5, 0.75]);
    expect(coverage([0.2, -0.5, 0.8, 1.2], [0.5, 0.5, 0.5, 0.5], 2)).toEqual([0.75, 1]); // σ = 1: only 1.2 is outside ±1σ
  });

  it('brings an over-confident σ (5× too small) into the target coverage, and leaves a right one alone', () => {
    const over = heldOut(2000, 0.5, 0.1, 1);
    const c = calibrateTarget(over);
    expect(c.sigmaScale).toBeGreaterThan(4.2);
    expect(c.sigmaScale).toBeLessThan(6);
    const errors = Float64Array.from(over.truth, (y, i) => y - over.prior[i] - over.residualMean[i]);
    const [one, two] = coverage(errors, over.residualStd, c.sigmaScale);
    expect(one).toBeGreaterThan(0.6);
    expect(one).toBeLessThan(0.76);
    expect(two).toBeGreaterThan(0.9);
    expect(two).toBeLessThan(0.98);
    const right = heldOut(2000, 0.5, 0.5, 2);
    const s = fitSigmaScale(Float64Array.from(right.truth, (y, i) => y - right.prior[i] - right.residualMean[i]), right.residualStd);
    expect(s).toBeGreaterThan(0.84);
    expect(s).toBeLessThan(1.19);
  });

  it('keeps the GP\'s mean where it helps and falls back to the prior where it does not', () => {
    expect(calibrateTarget(heldOut(500, 0.05, 0.05, 3)).meanShrinkage).toBe(1);
    // A "GP" whose residual is noise unrelated to the truth: the analytical answer is better.
    const useless = heldOut(500, 0.05, 0.05, 4);
    const rng = new Random(5);
    const shuffled = { ...useless, residualMean: Float64Array.from(useless.residualMean, () => rng.uniform(-1, 1)), truth: Float64Array.from(useless.prior, (p) => p + rng.normal(0, 0.05)) };
    expect(calibrateTarget(shuffled).meanShrinkage).toBe(0);
  });

  it('reports the EDP coverage of both calibrated targets together', () => {
    const result = calibrate(heldOut(1000, 0.3, 0.05, 6), heldOut(1000, 0.4, 0.05, 7), 12);
    expect(result.heldOutRows).toBe(1000);
    expect(result.heldOutGroups).toBe(12);
    expect(result.edpCoverage[0]).toBeGreaterThan(0.6);
    expect(result.edpCoverage[1]).toBeGreaterThan(0.9);
  });

  it('maps σ to √((s·σ)² + b²), and a calibration without a floor (saved before it) to s·σ exactly', () => {
    expect(calibratedStd({ meanShrinkage: 1, sigmaScale: 1, sigmaFloor: 4 }, 3)).toBeCloseTo(5, 12);
    expect(calibratedStd({ meanShrinkage: 1, sigmaScale: 2, sigmaFloor: 0.5 }, 0)).toBeCloseTo(0.5, 12);
    const saved = JSON.parse('{"meanShrinkage":0.75,"sigmaScale":2.378414230005442}') as TargetCalibration;
    for (const std of [0, 1e-7, 0.0123, 0.7, 3.1]) {
      expect(calibratedStd(saved, std)).toBe(2.378414230005442 * std);
      expect(calibratedStd({ ...saved, sigmaFloor: 0 }, std)).toBe(2.378414230005442 * std);
      expect(calibratedStd(IDENTITY_CALIBRATION, std)).toBe(std);
    }
  });

  it('scores coverage against the target bands (hand-derived)', () => {
    expect(outsideBands([0.68, 0.95])).toBe(0);
    expect(outsideBands([0.5, 0.99])).toBeCloseTo(0.1 + 0.01, 12);
    expect(coverageLoss([0.5, 0.99])).toBeCloseTo(10 * 0.11 + (0.5 - 0.6827) ** 2 + (0.99 - 0.9545) ** 2, 12);
  });

  it('fits a floor on heavy-tailed held-out errors that brings fresh draws into both bands, where a scale alone misses ±2σ', () => {
    const held = errorTask(400, 11, 'heavy');
    const map = fitSigmaMap(held.errors, held.sigmas);
    expect(map.floor).toBeGreaterThan(0.35); // the task's floor (0.5, times the t₅ width the fit folds in)
    expect(map.floor).toBeLessThan(0.95);
    expect(map.scale).toBeGreaterThan(1.1); // the task's 2×
    expect(map.scale).toBeLessThan(3.5);
    const oldScale = fitSigmaScale(held.errors, held.sigmas);
    const scaleAlone = fitSigmaMap(held.errors, held.sigmas, [0]);
    for (const seed of [12, 13, 14]) {
      const fresh = errorTask(20_000, seed, 'heavy');
      expect(inBands(mappedCoverage(fresh.errors, fresh.sigmas, map))).toBe(true);
      // One scale trades ±1σ against ±2σ: with ±1σ near its target, ±2σ stays below 0.90.
      for (const c of [coverage(fresh.errors, fresh.sigmas, oldScale), mappedCoverage(fresh.errors, fresh.sigmas, scaleAlone)]) {
        expect(c[0]).toBeGreaterThan(0.6);
        expect(c[1]).toBeLessThan(0.9);
      }
    }
  });

  it('keeps the floor at 0 and finds the known scale on Gaussian errors', () => {
    const held = errorTask(2000, 21, 'gaussian');
    const map = fitSigmaMap(held.errors, held.sigmas);
    expect(map.floor).toBe(0);
    expect(map.scale).toBeGreaterThan(3.3); // 4, within one step of the 2^(1/4) grid
    expect(map.scale).toBeLessThan(4.8);
    const fresh = errorTask(20_000, 22, 'gaussian');
    const [one, two] = mappedCoverage(fresh.errors, fresh.sigmas, map);
    expect(one).toBeCloseTo(0.683, 1);
    expect(two).toBeCloseTo(0.954, 1);
    const target = calibrateTarget({ truth: held.errors, prior: new Float64Array(2000), residualMean: new Float64Array(2000), residualStd: held.sigmas });
    expect(target.sigmaFloor).toBeUndefined(); // no floor: stored as a calibration from before the floor
  });

  it('stores the floor per target and scores the EDP coverage with it', () => {
    const task = (seed: number): HeldOutTarget => {
      const { errors, sigmas } = errorTask(400, seed, 'heavy');
      return { truth: errors, prior: new Float64Array(400), residualMean: new Float64Array(400), residualStd: sigmas };
    };
    const cycles = task(31);
    const energy = task(32);
    const result = calibrate(cycles, energy, 40);
    expect(result.cycles.sigmaFloor).toBeGreaterThan(0);
    expect(result.energy.sigmaFloor).toBeGreaterThan(0);
    const edpErrors = Float64Array.from(cycles.truth, (y, i) => y + energy.truth[i]);
    const edpSigmas = Float64Array.from(cycles.residualStd, (s, i) => Math.hypot(calibratedStd(result.cycles, s), calibratedStd(result.energy, energy.residualStd[i])));
    expect(result.edpCoverage).toEqual(coverage(edpErrors, edpSigmas));
    expect(inBands(result.edpCoverage)).toBe(true);
  });
});
