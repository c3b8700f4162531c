import { describe, expect, it } from 'vitest';
import { Random } from '@polaris/core';
import { flatDesignPoint, tinyWorkload } from '@polaris/core/testing';
import {
  type GenerationLayout, type Individual, elitesBefore, fitter, generationOf, generationStart, parentPool, tournament,
} from './genetic-population.js';

const layout: GenerationLayout = { population: 6, eliteCount: 2 };
const point = flatDesignPoint({ peDim: 16, spKB: 128, accKB: 32 }, tinyWorkload());
/** Individuals 0..n-1 with EDPs drawn from `seed`; every fifth one failed. */
const individuals = (n: number, seed = 1): Individual[] => {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, index) => ({ index, point, edp: index % 5 === 4 ? Infinity : rng.uniform(1, 100) }));
};

describe('generations', () => {
  it('generation 0 is the population, each later one population − eliteCount children', () => {
    expect([0, 5, 6, 9, 10, 13, 14].map((i) => generationOf(i, layout))).toEqual([0, 0, 1, 1, 2, 2, 3]);
    expect([0, 1, 2, 3].map((g) => generationStart(g, layout))).toEqual([0, 6, 10, 14]);
    for (let i = 0; i < 50; i++) {
      const g = generationOf(i, layout);
      expect(i >= generationStart(g, layout) && i < generationStart(g + 1, layout)).toBe(true);
    }
  });
});

describe('elitism', () => {
  it('every population holds the fittest trial of all earlier generations', () => {
    const all = individuals(60);
    for (let generation = 1; generationStart(generation, layout) <= all.length; generation++) {
      const start = generationStart(generation, layout);
      const earlier = all.filter((i) => i.index < start);
      const best = earlier.reduce((a, b) => (b.edp < a.edp ? b : a));
      const pool = parentPool(all, generation, layout);
      expect(pool.map((i) => i.index)).toContain(best.index);
      expect(elitesBefore(all, start, 2).map((i) => i.index)).toEqual(
        [...earlier].sort((a, b) => a.edp - b.edp || a.index - b.index).slice(0, 2).map((i) => i.index));
      // the previous generation plus the elites, each once
      const previous = all.filter((i) => i.index >= generationStart(generation - 1, layout) && i.index < start);
      expect(pool.length).toBe(new Set([...previous, ...elitesBefore(all, start, 2)].map((i) => i.index)).size);
    }
  });

  it('leaves untold trials out of the pool', () => {
    const told = individuals(8);
    const pool = parentPool(told, 2, layout); // generation 1 is trials 6..9, only 6 and 7 told
    expect(pool.every((i) => i.index < 8)).toBe(true);
    expect(pool.filter((i) => i.index >= 6).map((i) => i.index)).toEqual([6, 7]);
  });
});

describe('tournament selection', () => {
  it('picks the fittest of its draws: size 1 is uniform, a large size almost always the best', () => {
    const pool = individuals(10).filter((i) => i.edp < Infinity);
    const best = pool.reduce((a, b) => (b.edp < a.edp ? b : a));
    const rng = new Random(3);
    const winsOf = (size: number) => Array.from({ length: 400 }, () => tournament(pool, size, rng)).filter((w) => w === best).length;
    expect(winsOf(1)).toBeLessThan(100); // ≈ 400 / 8
    expect(winsOf(32)).toBeGreaterThan(380);
  });

  it('never prefers a failed trial over a successful one; ties go to the earlier trial', () => {
    const failed: Individual = { index: 0, point, edp: Infinity };
    const ok: Individual = { index: 1, point, edp: 1e9 };
    const sameLater: Individual = { index: 2, point, edp: 1e9 };
    expect([fitter(ok, failed), fitter(failed, ok), fitter(ok, sameLater), fitter(sameLater, ok)]).toEqual([true, false, true, false]);
    const rng = new Random(4);
    const failures = Array.from({ length: 400 }, () => tournament([failed, ok], 2, rng)).filter((w) => w === failed).length;
    expect(failures).toBeGreaterThan(60); // only when both draws are the failure: ≈ 400 / 4
    expect(failures).toBeLessThan(140);
    expect(() => tournament([], 2, rng)).toThrow(RangeError);
  });
});
