import { describe, expect, it } from 'vitest';
import { averageRanks, meanAbsolutePercentageError, spearman } from './metrics.js';

describe('averageRanks', () => {
  it('ranks from 1, ties sharing the mean of their ranks', () => {
    expect(Array.from(averageRanks([30, 10, 20]))).toEqual([3, 1, 2]);
    // 10 → 1; the two 20s span ranks 2 and 3 → 2.5; the three 40s span 4, 5, 6 → 5.
    expect(Array.from(averageRanks([40, 20, 10, 40, 20, 40]))).toEqual([5, 2.5, 1, 5, 2.5, 5]);
  });
});

describe('spearman', () => {
  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    const x = [1, 2, 3, 4, 5];
    expect(spearman(x, [2, 4, 8, 16, 32])).toBe(1);
    expect(spearman(x, x.map((v) => Math.exp(v)))).toBe(1);
    expect(spearman(x, [9, 7, 5, 3, 1])).toBe(-1);
  });

  it('matches a hand-computed value without ties', () => {
    // ranks of b: [1, 3, 2, 4]; d = [0, -1, 1, 0]; ρ = 1 − 6·2 / (4·15) = 0.8
    expect(spearman([1, 2, 3, 4], [10, 30, 20, 40])).toBeCloseTo(0.8, 12);
  });

  it('uses average ranks for ties', () => {
    // a ranks [1, 2, 3, 4]; b = [1, 2, 2, 3] ranks [1, 2.5, 2.5, 4].
    // Centred (mean 2.5): a [-1.5, -0.5, 0.5, 1.5], b [-1.5, 0, 0, 1.5];
    // Σab = 4.5, Σa² = 5, Σb² = 4.5 → ρ = 4.5 / √(22.5) = 0.9486832980505138.
    expect(spearman([1, 2, 3, 4], [1, 2, 2, 3])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    expect(spearman([1, 2, 3, 4], [1, 2, 2, 3])).not.toBe(1);
  });

  it('is NaN without a ranking and rejects bad input', () => {
    expect(spearman([1], [2])).toBeNaN();
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(/different lengths \(2 and 1\)/);
    expect(() => spearman([1, Number.NaN], [1, 2])).toThrow(/entry 1 is not finite/);
  });
});

describe('meanAbsolutePercentageError', () => {
  it('averages |p − t| / |t| in percent on linear values', () => {
    // errors 10/100 = 10 %, 50/200 = 25 %, 0 % → mean 35/3 %
    expect(meanAbsolutePercentageError([110, 150, 5], [100, 200, 5])).toBeCloseTo(35 / 3, 12);
    expect(meanAbsolutePercentageError(new Float64Array([2e9]), new Float64Array([1e9]))).toBe(100);
    expect(meanAbsolutePercentageError([1, 2], [1, 2])).toBe(0);
  });

  it('is NaN when empty and rejects a zero truth or mismatched lengths', () => {
    expect(meanAbsolutePercentageError([], [])).toBeNaN();
    expect(() => meanAbsolutePercentageError([1], [0])).toThrow(/truth entry 0 is 0/);
    expect(() => meanAbsolutePercentageError([1, 2], [1])).toThrow(/different lengths/);
  });
});
