import { Random } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { calibrate, calibrateTarget, coverage, fitSigmaScale, type HeldOutTarget } from './calibration.js';

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
});
