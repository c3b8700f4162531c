import { Random } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { kernelMatrix, scaleByLengthscales } from '../gp/ard-kernel.js';
import { marginalLikelihood } from '../gp/marginal-likelihood.js';
import { pivotedCholeskyOrder, subsetOfRegressors } from './sparse-gp.js';

const d = 3;
const noise = 0.05;
function problem(n: number, seed: number) {
  const rng = new Random(seed);
  const x = Float64Array.from({ length: n * d }, () => rng.uniform(-2, 2));
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(x[i * d]) + 0.5 * x[i * d + 1] + rng.normal(0, 0.1));
  const h = { logLengthscales: new Float64Array(d).fill(0), logSignalVariance: 0, logNoiseVariance: Math.log(noise) };
  const k = kernelMatrix(scaleByLengthscales(x, n, d, h.logLengthscales), n, d, 1);
  for (let i = 0; i < n; i++) k[i * n + i] += noise;
  return { x, y, h, k };
}

describe('subset of regressors', () => {
  it('with every row inducing, has the exact GP\'s weights and log marginal likelihood', () => {
    const n = 40;
    const { x, y, h, k } = problem(n, 1);
    const rows = Array.from({ length: n }, (_, i) => i);
    const sor = subsetOfRegressors(k, n, rows, y, noise);
    const exact = marginalLikelihood(x, y, n, d, h, false).value;
    expect(sor.logMarginalLikelihood).toBeCloseTo(exact, 6);
    // (K + σ²I) w = y
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += k[i * n + j] * sor.weights[j];
      expect(sum).toBeCloseTo(y[i], 6);
    }
  });

  it('with fewer inducing rows, its likelihood approaches the exact one as rows are added', () => {
    const n = 120;
    const { x, y, h, k } = problem(n, 2);
    const exact = marginalLikelihood(x, y, n, d, h, false).value;
    const gap = (m: number) => Math.abs(subsetOfRegressors(k, n, pivotedCholeskyOrder(k, n, m), y, noise).logMarginalLikelihood - exact) / n;
    const [coarse, fine] = [gap(20), gap(100)];
    expect(fine).toBeLessThan(coarse);
    expect(fine).toBeLessThan(0.01);
  });

  it('picks distinct rows, the largest-variance first', () => {
    const n = 50;
    const { k } = problem(n, 3);
    const order = pivotedCholeskyOrder(k, n, 20);
    expect(new Set(order).size).toBe(20);
    let first = 0;
    for (let i = 1; i < n; i++) if (k[i * n + i] > k[first * n + first]) first = i;
    expect(order[0]).toBe(first);
  });
});
