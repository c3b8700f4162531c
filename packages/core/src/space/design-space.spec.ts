import { describe, expect, it } from 'vitest';
import { Random } from '../domain/random.js';
import { DesignSpace } from './design-space.js';
import { categoricalParameter, intParameter, logIntParameter, logParameter } from './parameter.js';
import { SpaceError } from './space-error.js';

interface Point { pe: number; kb: number; bits: number; lr: number; flow: string }

const space = new DesignSpace<Point>([
  logIntParameter('pe', 2, 128),
  logParameter('kb', 1, 2048, 'integer'),
  intParameter('bits', 4, 8),
  logParameter('lr', 1e-4, 1e-1),
  categoricalParameter('flow', ['ws', 'os', 'is']),
]);

describe('DesignSpace', () => {
  it('lays out columns with one-hot categoricals', () => {
    expect(space.dimension).toBe(7);
    expect(space.columns).toEqual(['pe', 'kb', 'bits', 'lr', 'flow=ws', 'flow=os', 'flow=is']);
  });

  it('round-trips valid points and stays in the unit cube', () => {
    const rng = new Random(1);
    for (let i = 0; i < 500; i++) {
      const p = space.sample(rng);
      expect(space.contains(p)).toBe(true);
      const x = space.encode(p);
      for (const v of x) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      const back = space.decode(x);
      expect({ ...back, lr: 0 }).toEqual({ ...p, lr: 0 });
      expect(back.lr).toBeCloseTo(p.lr, 12);
    }
  });

  it('encodes discrete values at bin centres and log values on a log scale', () => {
    const x = space.encode({ pe: 2, kb: 2048, bits: 6, lr: 1e-4, flow: 'os' });
    expect([...x]).toEqual([0.5 / 7, 1, 2.5 / 5, 0, 0, 1, 0]);
    expect(space.encode({ pe: 128, kb: 1, bits: 4, lr: 0.1, flow: 'ws' })[0]).toBeCloseTo(6.5 / 7);
    expect(space.decode([0.5, Math.log(32) / Math.log(2048), 0.99, 0.5, 0.1, 0.2, 0.3])).toMatchObject({ pe: 16, kb: 32, bits: 8, flow: 'is' });
  });

  it('samples discrete values uniformly', () => {
    const rng = new Random(2);
    const counts = new Map<number, number>();
    for (let i = 0; i < 7000; i++) {
      const pe = space.sample(rng).pe;
      counts.set(pe, (counts.get(pe) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([2, 4, 8, 16, 32, 64, 128]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('clamps out-of-cube inputs when decoding and refuses out-of-space values when encoding', () => {
    expect(space.decode([-3, 7, -1, 2, 0, 0, 0])).toMatchObject({ pe: 2, kb: 2048, bits: 4, lr: 0.1 });
    expect(() => space.encode({ pe: 3, kb: 1, bits: 4, lr: 0.01, flow: 'ws' })).toThrow(/pe = 3 is not one of the allowed values 2, 4, 8, 16, 32, 64, 128/);
    expect(() => space.encode({ pe: 2, kb: 1.5, bits: 4, lr: 0.01, flow: 'ws' })).toThrow(/kb = 1.5 is not an integer/);
    expect(() => space.encode({ pe: 2, kb: 1, bits: 4, lr: 1, flow: 'ws' })).toThrow(/lr = 1 is outside/);
    expect(() => space.encode({ pe: 2, kb: 1, bits: 4, lr: 0.01, flow: 'xx' })).toThrow(/not one of ws, os, is/);
    expect(() => space.decode([0.5])).toThrow(/need 7 columns/);
  });

  it('rejects ill-defined parameters, all at once', () => {
    expect(() => new DesignSpace([logParameter('a', 0, 4), intParameter('b', 5, 2), logIntParameter('c', 5, 7), intParameter('b', 1, 2)]))
      .toThrow(SpaceError);
    try {
      new DesignSpace([logParameter('a', 0, 4), intParameter('b', 5, 2), logIntParameter('c', 5, 7)]);
    } catch (e) {
      expect((e as SpaceError).problems).toEqual([
        'a: a log-scale parameter needs min > 0, got 0',
        'b: min 5 is greater than max 2',
        'c: [5, 7] holds no power of two',
      ]);
    }
  });
});
