import { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../backend/index.js';
import { kernelMatrix } from '../gp/ard-kernel.js';
import { LatentGp, type LatentGpState, pivotedCholeskyRows } from './latent-gp.js';

const d = 2;
const state: LatentGpState = { logLengthscales: [Math.log(0.7), Math.log(0.9)], logSignalVariance: 0, logNoiseVariance: Math.log(1e-3), residualMean: 0.2, residualStd: 0.5 };

function data(n: number, seed: number): { z: Float64Array; ys: Float64Array } {
  const rng = new Random(seed);
  const z = Float64Array.from({ length: n * d }, () => rng.uniform(-2, 2));
  const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(2 * z[i * d]) * Math.cos(z[i * d + 1]));
  return { z, ys };
}

function predict(gp: LatentGp, z: Float64Array, m: number): { mean: Float32Array; std: Float32Array } {
  return tf.tidy(() => {
    const p = gp.predict(tf.tensor2d(Float32Array.from(z), [m, d]));
    return { mean: p.mean.dataSync() as Float32Array, std: p.std.dataSync() as Float32Array };
  });
}

describe('LatentGp', () => {
  beforeAll(async () => {
    await ensureBackend();
  });

  it('the sparse (subset-of-regressors) mean equals the exact one when the inducing rows are all rows, and stays close with fewer', () => {
    const n = 150;
    const { z, ys } = data(n, 3);
    const exact = new LatentGp(z, ys, n, d, state, 64);
    const all = new LatentGp(z, ys, n, d, state, 64, n);
    const sparse = new LatentGp(z, ys, n, d, state, 64, 100);
    expect(all.meanRowIndices).toHaveLength(n);
    expect(sparse.meanRowIndices).toHaveLength(100);
    expect(sparse.varianceRowIndices.every((r) => sparse.meanRowIndices.includes(r))).toBe(true);
    const test = data(300, 4).z;
    const [a, b, c] = [predict(exact, test, 300), predict(all, test, 300), predict(sparse, test, 300)];
    let spread = 0;
    let error = 0;
    for (let i = 0; i < 300; i++) {
      expect(b.mean[i]).toBeCloseTo(a.mean[i], 5);
      spread += Math.abs(a.mean[i]) / 300;
      error += Math.abs(c.mean[i] - a.mean[i]) / 300;
    }
    // Measured: mean |sparse − exact| is a small fraction of the mean's own size.
    expect(error).toBeLessThan(0.1 * spread);
    for (const gp of [exact, all, sparse]) gp.dispose();
  });

  it('σ from a pivoted-Cholesky subset bounds the exact σ from above and stays close; the mean is unchanged', () => {
    const n = 120;
    const { z, ys } = data(n, 1);
    const exact = new LatentGp(z, ys, n, d, state, Number.POSITIVE_INFINITY);
    const subset = new LatentGp(z, ys, n, d, state, 40);
    expect(subset.varianceRowIndices).toHaveLength(40);
    const test = data(400, 2).z;
    const a = predict(exact, test, 400);
    const b = predict(subset, test, 400);
    const ratios: number[] = [];
    for (let i = 0; i < 400; i++) {
      expect(b.mean[i]).toBeCloseTo(a.mean[i], 5);
      expect(b.std[i]).toBeGreaterThanOrEqual(a.std[i] - 1e-4);
      ratios.push(b.std[i] / a.std[i]);
    }
    ratios.sort((x, y) => x - y);
    expect(ratios[200]).toBeLessThan(2);
    exact.dispose();
    subset.dispose();
  });

  it('pivoted Cholesky picks distinct rows and leaves an exact duplicate for last', () => {
    const z = Float64Array.from([0, 0, 0, 0, 3, 3, -3, 3]); // rows 0 and 1 coincide
    const k = kernelMatrix(z, 4, d, 1);
    for (let i = 0; i < 4; i++) k[i * 4 + i] += 1e-6;
    const rows = pivotedCholeskyRows(k, 4, 3);
    expect(new Set(rows).size).toBe(3);
    expect(rows).toContain(2);
    expect(rows).toContain(3);
  });
});
