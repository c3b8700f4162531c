import { Random } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInverse, choleskySolve } from './cholesky.js';
import { defaultHyperparameters } from './fit-hyperparameters.js';
import { GaussianProcess, type Matrix, matrixFromRows } from './gaussian-process.js';
import { marginalLikelihood, packHyperparameters, unpackHyperparameters } from './marginal-likelihood.js';

/** 15 noisy samples of sin on [0, 2π], evenly spaced (seeded noise, σ = 0.05). */
function noisySine(): { x: Matrix; y: number[] } {
  const rng = new Random(7);
  const xs = Array.from({ length: 15 }, (_, i) => (2 * Math.PI * i) / 14);
  return { x: matrixFromRows(xs.map((v) => [v])), y: xs.map((v) => Math.sin(v) + rng.normal(0, 0.05)) };
}

describe('cholesky', () => {
  it('factorises, solves and inverts a symmetric positive-definite matrix', () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const l = cholesky(a, 3);
    const x = choleskySolve(l, 3, [1, 2, 3]);
    for (let i = 0; i < 3; i++) expect(a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2]).toBeCloseTo(i + 1, 12);
    const inv = choleskyInverse(l, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });
});

describe('marginal likelihood', () => {
  it('has an analytic gradient that matches finite differences', () => {
    const rng = new Random(3);
    const n = 12;
    const d = 3;
    const x = Float64Array.from({ length: n * d }, () => rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(x[i * d]) + 0.3 * x[i * d + 1] + rng.normal(0, 0.1));
    const theta = packHyperparameters({ ...defaultHyperparameters(d), logNoiseVariance: Math.log(0.05) });
    theta[1] = 0.3;
    const { gradient } = marginalLikelihood(x, y, n, d, unpackHyperparameters(theta));
    const h = 1e-5;
    for (let j = 0; j < theta.length; j++) {
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[j] += h;
      down[j] -= h;
      const numeric = (marginalLikelihood(x, y, n, d, unpackHyperparameters(up), false).value -
        marginalLikelihood(x, y, n, d, unpackHyperparameters(down), false).value) / (2 * h);
      expect(gradient![j]).toBeCloseTo(numeric, 5);
    }
  });

  it('has an input gradient (what deep kernel learning backpropagates) that matches finite differences', () => {
    const rng = new Random(4);
    const n = 10;
    const d = 3;
    const x = Float64Array.from({ length: n * d }, () => rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(x[i * d + 2]) - 0.5 * x[i * d] + rng.normal(0, 0.1));
    const h = { logLengthscales: Float64Array.from([0.2, -0.1, 0.4]), logSignalVariance: 0.1, logNoiseVariance: Math.log(0.05) };
    const { inputGradient } = marginalLikelihood(x, y, n, d, h, true, true);
    const step = 1e-5;
    for (let k = 0; k < n * d; k++) {
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[k] += step;
      down[k] -= step;
      const numeric = (marginalLikelihood(up, y, n, d, h, false).value - marginalLikelihood(down, y, n, d, h, false).value) / (2 * step);
      expect(inputGradient![k]).toBeCloseTo(numeric, 5);
    }
    expect(marginalLikelihood(x, y, n, d, h, true).inputGradient).toBeUndefined();
  });
});

describe('GaussianProcess', () => {
  it('recovers sin between 15 noisy points, with σ small near the data and growing away from it', () => {
    const { x, y } = noisySine();
    const gp = GaussianProcess.fit(x, y, { seed: 1 });
    const between = Array.from({ length: 14 }, (_, i) => (2 * Math.PI * (i + 0.5)) / 14);
    const prediction = gp.predict(matrixFromRows(between.map((v) => [v])));
    between.forEach((v, i) => expect(Math.abs(prediction.mean[i] - Math.sin(v))).toBeLessThan(0.1));

    const near = gp.predict(matrixFromRows([[0], [Math.PI]])).std;
    const far = gp.predict(matrixFromRows([[2 * Math.PI + 2], [2 * Math.PI + 6], [-8]])).std;
    for (const s of near) expect(s).toBeLessThan(0.1);
    expect(far[0]).toBeGreaterThan(3 * Math.max(...near));
    expect(far[1]).toBeGreaterThan(far[0]); // σ keeps growing with the distance
    expect(far[2]).toBeGreaterThan(0.5); // far away: about the prior σ of the targets (~0.7)
  });

  it('fitting the hyperparameters raises the marginal likelihood over the initial values', () => {
    const { x, y } = noisySine();
    const fixed = GaussianProcess.fit(x, y, { optimize: false });
    const fitted = GaussianProcess.fit(x, y, { seed: 1 });
    expect(fitted.logMarginalLikelihood()).toBeGreaterThan(fixed.logMarginalLikelihood() + 1);
  });

  it('is deterministic per seed and survives state → fromState', () => {
    const { x, y } = noisySine();
    const a = GaussianProcess.fit(x, y, { seed: 5 });
    const b = GaussianProcess.fromState(JSON.parse(JSON.stringify(GaussianProcess.fit(x, y, { seed: 5 }).state())));
    const probe = matrixFromRows([[0.3], [2.2], [9]]);
    expect(Array.from(b.predict(probe).mean)).toEqual(Array.from(a.predict(probe).mean));
    expect(Array.from(b.predict(probe).std)).toEqual(Array.from(a.predict(probe).std));
  });

  it('ignores an irrelevant feature (ARD: its lengthscale grows)', () => {
    const rng = new Random(11);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = rng.uniform(0, 6);
      rows.push([a, rng.uniform(0, 6)]);
      y.push(Math.sin(a));
    }
    const gp = GaussianProcess.fit(matrixFromRows(rows), y, { seed: 2 });
    const [relevant, irrelevant] = gp.hyperparameters.logLengthscales;
    expect(irrelevant).toBeGreaterThan(relevant + 1);
  });

  it('rejects mismatched shapes and non-finite values', () => {
    expect(() => GaussianProcess.fit(matrixFromRows([[1], [2]]), [1])).toThrow(/2 inputs but 1 targets/);
    expect(() => GaussianProcess.fit(matrixFromRows([[1], [NaN]]), [1, 2])).toThrow(/finite/);
    const gp = GaussianProcess.fit(matrixFromRows([[1], [2]]), [1, 2], { optimize: false });
    expect(() => gp.predict(matrixFromRows([[1, 2]]))).toThrow(/2 features/);
  });

  it('predicts a batch of 10,000 points quickly (n = 200 training points, d = 100 features)', () => {
    const rng = new Random(9);
    const n = 200;
    const d = 100;
    const train = matrixFromRows(Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal())));
    const y = Array.from({ length: n }, (_, i) => train.data[i * d] + rng.normal(0, 0.1));
    const gp = GaussianProcess.fit(train, y, { optimize: false });
    const batch = matrixFromRows(Array.from({ length: 10_000 }, () => Array.from({ length: d }, () => rng.normal())));
    const start = performance.now();
    const { mean, std } = gp.predict(batch);
    const seconds = (performance.now() - start) / 1000;
    console.log(`GP predict: n=${n}, d=${d}, 10,000 points in ${seconds.toFixed(3)} s = ${Math.round(10_000 / seconds)} points/s`);
    expect(mean.every(Number.isFinite) && std.every((s) => s >= 0)).toBe(true);
    expect(seconds).toBeLessThan(5);
  });
});
