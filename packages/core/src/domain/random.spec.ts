import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

const draw = (rng: Random, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('Random', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draw(new Random(42), 100)).toEqual(draw(new Random(42), 100));
    expect(draw(new Random('run-a'), 10)).toEqual(draw(new Random('run-a'), 10));
  });

  it('gives different sequences for different seeds', () => {
    expect(draw(new Random(1), 10)).not.toEqual(draw(new Random(2), 10));
    expect(draw(new Random(0), 10)).not.toEqual(draw(new Random(2 ** 40), 10));
    expect(draw(new Random(0.5), 10)).not.toEqual(draw(new Random(0), 10));
  });

  it('is roughly uniform on [0,1) (chi-square over 10 bins)', () => {
    const rng = new Random(7);
    const bins = new Array<number>(10).fill(0);
    const n = 100_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      if (x < 0 || x >= 1) outside++;
      else bins[Math.floor(x * 10)]++;
    }
    expect(outside).toBe(0);
    const expected = n / 10;
    const chi2 = bins.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(30); // 9 degrees of freedom; p ≈ 0.0004
  });

  it('draws inclusive, unbiased integers', () => {
    const rng = new Random(3);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60_000; i++) {
      const v = rng.int(-2, 3);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(rng.int(5, 5)).toBe(5);
    expect(() => rng.int(3, 2)).toThrow(RangeError);
    expect(() => rng.int(0.5, 2)).toThrow(/integers/);
  });

  it('picks and shuffles without losing elements', () => {
    const rng = new Random(11);
    const items = ['a', 'b', 'c', 'd', 'e'];
    const shuffled = rng.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(items).toContain(rng.pick(items));
    expect(() => rng.pick([])).toThrow(/empty/);
  });

  it('draws normals with the requested moments', () => {
    const rng = new Random(5);
    const xs = Array.from({ length: 50_000 }, () => rng.normal(3, 2));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
  });

  it('forks deterministic children independent of parent usage', () => {
    const a = new Random(9);
    const b = new Random(9);
    draw(b, 17); // using the parent must not change its forks
    expect(draw(a.fork('layer-0'), 20)).toEqual(draw(b.fork('layer-0'), 20));
    expect(draw(a.fork('layer-0'), 5)).not.toEqual(draw(a.fork('layer-1'), 5));
    expect(draw(a.fork('x').fork('y'), 5)).toEqual(draw(new Random(9).fork('x').fork('y'), 5));
    expect(draw(a.fork('x'), 5)).not.toEqual(draw(a, 5));
    expect(draw(new Random(1).fork(0), 5)).not.toEqual(draw(new Random(2).fork(0), 5));
  });
});
