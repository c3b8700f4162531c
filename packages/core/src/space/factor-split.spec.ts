import { describe, expect, it } from 'vitest';
import { Random } from '../domain/random.js';
import { divisors, factorWeights, splitIntoFactors } from './factor-split.js';

const product = (xs: number[]) => xs.reduce((p, x) => p * x, 1);

describe('splitIntoFactors', () => {
  it('lists divisors', () => {
    expect(divisors(1)).toEqual([1]);
    expect(divisors(12)).toEqual([1, 2, 3, 4, 6, 12]);
    expect(divisors(49)).toEqual([1, 7, 49]);
  });

  it('reproduces an exact factorisation from its weights', () => {
    for (const factors of [[3, 4], [4, 3], [1, 7, 16, 1, 1], [2, 2, 2, 2, 7], [1, 1, 1, 1], [112, 1, 1, 1], [5, 1, 3, 1, 11]]) {
      expect(splitIntoFactors(product(factors), factorWeights(factors))).toEqual(factors);
    }
  });

  it('always multiplies to n, respects caps, and puts zero weight in the last slot', () => {
    const rng = new Random(8);
    for (let i = 0; i < 2000; i++) {
      const n = rng.int(1, 5000);
      const weights = Array.from({ length: 5 }, () => rng.next());
      const cap = rng.pick([1, 2, 16, 128]);
      const factors = splitIntoFactors(n, weights, [cap, undefined, undefined, undefined, undefined]);
      expect(product(factors)).toBe(n);
      expect(factors[0]).toBeLessThanOrEqual(cap);
      expect(factors.every((f) => Number.isInteger(f) && f >= 1)).toBe(true);
    }
    expect(splitIntoFactors(64, [0, 0, 0])).toEqual([1, 1, 64]);
    expect(splitIntoFactors(64, [1, 0, 0], [8])).toEqual([8, 1, 8]);
    expect(splitIntoFactors(64, [1, 1, 1])).toEqual([4, 4, 4]);
    expect(() => splitIntoFactors(4, [1, 1], [undefined, 2])).toThrow(/cannot be capped/);
  });
});
