import { describe, expect, it } from 'vitest';
import { DIMS, RELAXED_SPATIAL_C, Random, builtinWorkload, encodeRelaxedFactors, relaxedTemporalIndex } from '@polaris/core';
import { flatMapping, tinyWorkload } from '@polaris/core/testing';
import { FactorParameters } from './factor-parameters.js';

describe('FactorParameters', () => {
  const workload = tinyWorkload();
  const parameters = new FactorParameters(workload);

  it('covers every layer exactly: per dim, the ln factors of x sum to ln of the dimension', () => {
    const rng = new Random(1);
    const theta = Float64Array.from({ length: parameters.size }, () => rng.uniform(-1, 2));
    const x = new Float64Array(parameters.length);
    parameters.expand(theta, x);
    workload.layers.forEach(({ layer }, l) => {
      for (const dim of DIMS) {
        let sum = 0;
        for (let level = 0; level < 4; level++) sum += x[l * 30 + relaxedTemporalIndex(level, dim)];
        if (dim === 'C') sum += x[l * 30 + RELAXED_SPATIAL_C];
        if (dim === 'K') sum += x[l * 30 + 29];
        expect(sum).toBeCloseTo(Math.log(layer[dim]), 12);
      }
      // The template's structure: no R, S, C or K loop at L0 (one weight per PE register).
      for (const dim of ['R', 'S', 'C', 'K'] as const) expect(x[l * 30 + relaxedTemporalIndex(0, dim)]).toBe(0);
    });
  });

  it('restricts an encoding to θ and expands it back unchanged', () => {
    const x = encodeRelaxedFactors(workload.layers.map(({ layer }) => flatMapping(layer)));
    const back = new Float64Array(x.length);
    parameters.expand(parameters.restrict(x), back);
    for (let i = 0; i < x.length; i++) expect(back[i]).toBeCloseTo(x[i], 12);
  });

  it('chains the gradient through the DRAM remainder, and the penalty is differentiated exactly', () => {
    const rng = new Random(2);
    const weights = Float64Array.from({ length: parameters.length }, () => rng.uniform(-1, 1));
    // f(θ) = Σ w·x(θ) + penalty(x(θ)): compare the chained gradient with central differences.
    const f = (theta: Float64Array, g?: Float64Array) => {
      const x = new Float64Array(parameters.length);
      parameters.expand(theta, x);
      const gx = Float64Array.from(weights);
      const value = weights.reduce((s, w, i) => s + w * x[i], 0) + parameters.penalty(x, gx, 3, 8);
      if (g) parameters.chain(gx, g);
      return value;
    };
    const theta = Float64Array.from({ length: parameters.size }, () => rng.uniform(-1, 3));
    const g = new Float64Array(parameters.size);
    f(theta, g);
    for (let i = 0; i < parameters.size; i++) {
      const h = 1e-6;
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[i] += h;
      down[i] -= h;
      expect(g[i]).toBeCloseTo((f(up) - f(down)) / (2 * h), 5);
    }
  });

  it('has no variables for dimensions of size 1 (BERT: R = S = Q = N = 1)', () => {
    const bert = builtinWorkload('bert');
    // P: L0, L1, L2; C and K: spatial, L1, L2 → 9 variables per layer.
    expect(new FactorParameters(bert).size).toBe(9 * bert.layers.length);
  });
});
