import { describe, expect, it } from 'vitest';
import { fentonWilkinson, networkLogStd } from './network-uncertainty.js';

describe('fentonWilkinson (lognormal sum by moment matching)', () => {
  it('keeps σ of a single term, whatever its weight, and scales the mean by the weight', () => {
    const s = fentonWilkinson([{ weight: 3, logMean: 2, logStd: 0.4 }]);
    expect(s.logStd).toBeCloseTo(0.4, 12);
    // c·X is lognormal with μ + ln c and the same σ.
    expect(s.logMean).toBeCloseTo(2 + Math.log(3), 12);
    expect(s.mean).toBeCloseTo(3 * Math.exp(2 + 0.08), 9);
  });

  it('n identical independent terms: σ_S² = ln(1 + (e^{σ²} − 1)/n)', () => {
    const sigma = 0.7;
    for (const n of [2, 5, 40]) {
      const s = fentonWilkinson(Array.from({ length: n }, () => ({ weight: 1, logMean: 1.5, logStd: sigma })));
      const closed = Math.sqrt(Math.log(1 + Math.expm1(sigma * sigma) / n));
      expect(s.logStd).toBeCloseTo(closed, 12);
      expect(s.mean).toBeCloseTo(n * Math.exp(1.5 + (sigma * sigma) / 2), 9);
      expect(s.logStd).toBeLessThan(sigma); // averaging independent errors shrinks the relative spread
    }
  });

  it('a hand-worked mix: a certain 1 plus a lognormal of mean 1 and variance 1', () => {
    // B: σ² = ln 2, μ = −ln2/2 ⇒ E[B] = 1, Var[B] = (2 − 1)·1 = 1. S = 1 + B: E = 2, Var = 1.
    const s = fentonWilkinson([
      { weight: 1, logMean: 0, logStd: 0 },
      { weight: 1, logMean: -Math.LN2 / 2, logStd: Math.sqrt(Math.LN2) },
    ]);
    expect(s.mean).toBeCloseTo(2, 12);
    expect(s.logStd).toBeCloseTo(Math.sqrt(Math.log(1.25)), 12);
    expect(s.logMean).toBeCloseTo(Math.LN2 - Math.log(1.25) / 2, 12);
  });

  it('does not overflow for huge log-means and rejects bad input', () => {
    const s = fentonWilkinson([{ weight: 1, logMean: 800, logStd: 0.3 }, { weight: 1, logMean: 800, logStd: 0.3 }]);
    expect(s.logStd).toBeCloseTo(Math.sqrt(Math.log(1 + Math.expm1(0.09) / 2)), 12);
    expect(s.logMean).toBeGreaterThan(800);
    expect(() => fentonWilkinson([])).toThrow(/no terms/);
    expect(() => fentonWilkinson([{ weight: -1, logMean: 0, logStd: 0 }])).toThrow(/weight/);
    expect(() => fentonWilkinson([{ weight: 1, logMean: 0, logStd: Number.NaN }])).toThrow(/logStd/);
    expect(() => fentonWilkinson([{ weight: 0, logMean: 0, logStd: 0 }])).toThrow(/every weight is 0/);
  });
});

describe('networkLogStd', () => {
  it('one layer: the layer σs, and σ(ln EDP) = √(σc² + σe²)', () => {
    const n = networkLogStd([{ count: 4, logCycles: { mean: 10, std: 0.3 }, logEnergy: { mean: 20, std: 0.4 } }]);
    expect(n.logCycles).toBeCloseTo(0.3, 12);
    expect(n.logEnergy).toBeCloseTo(0.4, 12);
    expect(n.logEdp).toBeCloseTo(0.5, 12);
  });

  it('n identical layers follow the closed form in both totals', () => {
    const layer = { count: 1, logCycles: { mean: 10, std: 0.5 }, logEnergy: { mean: 20, std: 0.2 } };
    const n = networkLogStd([layer, layer, layer]);
    const closed = (s: number) => Math.sqrt(Math.log(1 + Math.expm1(s * s) / 3));
    expect(n.logCycles).toBeCloseTo(closed(0.5), 12);
    expect(n.logEnergy).toBeCloseTo(closed(0.2), 12);
    expect(n.logEdp).toBeCloseTo(Math.hypot(closed(0.5), closed(0.2)), 12);
  });

  it('a layer that dominates the total dominates its σ', () => {
    const n = networkLogStd([
      { count: 1, logCycles: { mean: 20, std: 0.1 }, logEnergy: { mean: 20, std: 0.1 } },
      { count: 1, logCycles: { mean: 5, std: 1.5 }, logEnergy: { mean: 5, std: 1.5 } },
    ]);
    expect(n.logCycles).toBeCloseTo(0.1, 4);
  });
});
