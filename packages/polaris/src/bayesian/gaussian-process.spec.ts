import { describe, expect, it } from 'vitest';
import { Random } from '@polaris/core';
import { choleskySolve, choleskyWithJitter, extendCholesky, inverseFromCholesky } from './cholesky.js';
import { fitHyperparameters } from './fit-hyperparameters.js';
import { GaussianProcess } from './gaussian-process.js';
import { logMarginalLikelihood } from './log-marginal-likelihood.js';
import { matern52 } from './matern52-kernel.js';

/** θ = [ln ℓ…, ln s², ln σn²]. */
const packed = (lengthscales: number[], signal: number, noise: number) => [...lengthscales.map(Math.log), Math.log(signal), Math.log(noise)];

describe('Matérn-5/2 kernel', () => {
  it('matches the closed form at hand-checked distances', () => {
    expect(matern52(0)).toBe(1);
    // (1 + √5/2 + 5/12) e^{−√5/2}
    expect(matern52(0.5)).toBeCloseTo(0.8286491424181253, 14);
    expect(matern52(10)).toBeLessThan(1e-7);
  });
});

describe('Cholesky', () => {
  const spd = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
  it('solves, inverts and extends consistently with the full factor', () => {
    const factor = choleskyWithJitter(spd, 3);
    expect(factor.jitter).toBe(0);
    const x = choleskySolve(factor, [1, 2, 3]);
    for (let i = 0; i < 3; i++) expect(spd[i * 3] * x[0] + spd[i * 3 + 1] * x[1] + spd[i * 3 + 2] * x[2]).toBeCloseTo([1, 2, 3][i], 12);
    const inverse = inverseFromCholesky(factor);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let k = 0; k < 3; k++) sum += spd[i * 3 + k] * inverse[k * 3 + j];
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    const top = choleskyWithJitter(Float64Array.from([4, 2, 2, 5]), 2);
    const extended = extendCholesky(top, [0.6, 1], 3).lower;
    factor.lower.forEach((v, k) => expect(extended[k]).toBeCloseTo(v, 12));
  });

  it('adds jitter to a singular matrix', () => {
    const factor = choleskyWithJitter(Float64Array.from([1, 1, 1, 1]), 2);
    expect(factor.jitter).toBeGreaterThan(0);
    expect(factor.jitter).toBeLessThanOrEqual(1e-4);
  });
});

describe('GaussianProcess posterior', () => {
  it('one observation: mean, variance and likelihood as computed by hand', () => {
    // x = 0.2, y = 1.5, ℓ = 0.5, s² = 2, σn² = 0.01; at x* = 0.45, r = 0.5: k = 2·matern52(0.5).
    const gp = GaussianProcess.condition(Float64Array.of(0.2), Float64Array.of(1.5), 1, packed([0.5], 2, 0.01));
    const { mean, variance } = gp.predict(Float64Array.of(0.45));
    expect(mean[0]).toBeCloseTo(1.236789764803172, 12); // k/(s² + σn²)·y
    expect(variance[0]).toBeCloseTo(0.6335136293924486, 12); // s² − k²/(s² + σn²)
    const { value } = logMarginalLikelihood(Float64Array.of(0.2), 1, 1, Float64Array.of(1.5), packed([0.5], 2, 0.01), false);
    expect(value).toBeCloseTo(-1.8277073867774782, 12);
  });

  it('1-D noiseless data: the mean interpolates, σ → 0 at the data and → the prior far away', () => {
    const xs = [0.05, 0.3, 0.55, 0.8, 0.95];
    const ys = xs.map((x) => Math.sin(6 * x));
    const gp = GaussianProcess.condition(Float64Array.from(xs), Float64Array.from(ys), 1, packed([0.3], 1.5, 1e-10));
    const atData = gp.predict(Float64Array.from(xs));
    xs.forEach((_, i) => {
      expect(atData.mean[i]).toBeCloseTo(ys[i], 6);
      expect(Math.sqrt(atData.variance[i])).toBeLessThan(1e-3);
    });
    const far = gp.predict(Float64Array.of(25));
    expect(far.mean[0]).toBeCloseTo(0, 8); // the zero prior mean
    expect(far.variance[0]).toBeCloseTo(1.5, 8); // the prior variance s²
    const between = gp.predict(Float64Array.of(0.425));
    expect(Math.sqrt(between.variance[0])).toBeGreaterThan(1e-3);
    expect(Math.sqrt(between.variance[0])).toBeLessThan(Math.sqrt(1.5));
  });

  it('2-D: symmetric data gives symmetric predictions, and ARD lengthscales act per column', () => {
    const x = Float64Array.of(0.2, 0.5, 0.8, 0.5);
    const gp = GaussianProcess.condition(x, Float64Array.of(1, 1), 2, packed([0.2, 2], 1, 1e-8));
    const p = gp.predict(Float64Array.of(0.5, 0.1, 0.5, 0.9, 0.5, 0.5));
    expect(p.mean[0]).toBeCloseTo(p.mean[1], 12);
    expect(p.variance[0]).toBeCloseTo(p.variance[1], 12);
    // 0.3 from (0.2, 0.5) along column 1 (ℓ = 2: r = 0.15) stays correlated; 0.2 along column 0 (ℓ = 0.2: r = 1) does not.
    const along = gp.predict(Float64Array.of(0.2, 0.8, 0.0, 0.5));
    expect(along.variance[0]).toBeCloseTo(1 - matern52(0.15) ** 2, 3);
    expect(along.variance[1]).toBeCloseTo(1 - matern52(1) ** 2, 3);
  });

  it('the believer keeps the mean and equals conditioning on the point at its mean', () => {
    const x = Float64Array.of(0.1, 0.2, 0.6, 0.7, 0.4, 0.9);
    const theta = packed([0.3, 0.4], 1, 1e-4);
    const gp = GaussianProcess.condition(x, Float64Array.of(0.5, -1, 0.3), 2, theta);
    const pending = Float64Array.of(0.35, 0.35);
    const grid = Float64Array.of(0.35, 0.35, 0.5, 0.5, 0.9, 0.1);
    const a = gp.at(grid);
    a.believe(pending);
    const pendingMean = gp.predict(pending).mean[0];
    const direct = GaussianProcess.condition(Float64Array.of(...x, ...pending), Float64Array.of(0.5, -1, 0.3, pendingMean), 2, theta);
    const b = direct.predict(grid);
    const before = gp.predict(grid);
    for (let i = 0; i < 3; i++) {
      expect(a.mean[i]).toBeCloseTo(before.mean[i], 10);
      expect(a.mean[i]).toBeCloseTo(b.mean[i], 10);
      expect(a.variance[i]).toBeCloseTo(b.variance[i], 10);
      expect(a.variance[i]).toBeLessThanOrEqual(before.variance[i] + 1e-12);
    }
    expect(a.variance[0]).toBeLessThan(2e-4);
  });
});

describe('log marginal likelihood', () => {
  /** n random points in [0, 1]^d and a smooth target with noise, from a seed. */
  const data = (n: number, d: number, seed: number) => {
    const random = new Random(seed);
    const x = Float64Array.from({ length: n * d }, () => random.next());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * x[i * d]) + (d > 1 ? x[i * d + 1] ** 2 : 0) + 0.05 * random.normal());
    return { x, y };
  };

  it.each([[1, 6, 1], [2, 12, 2], [3, 25, 3]])('analytic gradient matches central finite differences (d = %i, n = %i)', (d, n, seed) => {
    const { x, y } = data(n, d, seed);
    const theta = packed(Array.from({ length: d }, (_, k) => 0.3 + 0.2 * k), 1.3, 0.02);
    const { gradient } = logMarginalLikelihood(x, n, d, y, theta);
    const h = 1e-5;
    for (let k = 0; k < d + 2; k++) {
      const up = [...theta]; up[k] += h;
      const down = [...theta]; down[k] -= h;
      const numeric = (logMarginalLikelihood(x, n, d, y, up, false).value - logMarginalLikelihood(x, n, d, y, down, false).value) / (2 * h);
      expect(Math.abs(gradient![k] - numeric)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    }
  });

  it('the fit raises the likelihood above its fixed start, deterministically, inside the bounds', async () => {
    const { x, y } = data(30, 2, 4);
    const start = logMarginalLikelihood(x, 30, 2, y, packed([0.5, 0.5], 1, 1e-3), false).value;
    const a = await fitHyperparameters(x, 30, 2, y, new Random(1));
    const b = await fitHyperparameters(x, 30, 2, y, new Random(1));
    expect(a.logLikelihood).toBeGreaterThan(start + 1);
    expect([...a.theta]).toEqual([...b.theta]);
    expect(logMarginalLikelihood(x, 30, 2, y, a.theta, false).value).toBeCloseTo(a.logLikelihood, 10);
    expect(Math.exp(a.theta[3])).toBeGreaterThanOrEqual(1e-6 * (1 - 1e-12));
    // The data's noise (σ 0.05 on a target of spread ~0.5) is found within a factor of a few.
    const noiseStd = Math.sqrt(Math.exp(a.theta[3]));
    expect(noiseStd).toBeGreaterThan(0.01);
    expect(noiseStd).toBeLessThan(0.5);
  });
});
