import { describe, expect, it } from 'vitest';
import { hashDesignPoint } from '../domain/design-point.js';
import { DIMS } from '../domain/layer.js';
import { levelFactor, totalFactor } from '../domain/mapping.js';
import { Random } from '../domain/random.js';
import { builtinWorkload } from '../workloads/builtin-workloads.js';
import { DesignPointSpace } from './design-point-space.js';
import { HardwareSpace } from './hardware-space.js';

describe('DesignPointSpace', () => {
  const workload = builtinWorkload('resnet50');
  const space = new DesignPointSpace(workload, new HardwareSpace({ peDim: [4, 32] }));

  it('lays out hardware then one 58-column block per unique layer', () => {
    expect(space.segments[0]).toEqual({ name: 'hardware', offset: 0, width: 3 });
    expect(space.segments).toHaveLength(workload.layers.length + 1);
    expect(space.segments[2].offset).toBe(3 + 58);
    expect(space.dimension).toBe(3 + 58 * workload.layers.length);
  });

  it('samples deterministic, valid points that round-trip', () => {
    const a = space.sample(new Random(3));
    expect(hashDesignPoint(a)).toBe(hashDesignPoint(space.sample(new Random(3))));
    const rng = new Random(4);
    for (let i = 0; i < 10; i++) {
      const point = space.sample(rng);
      expect(point.hardware.peDim).toBeGreaterThanOrEqual(4);
      expect(point.hardware.peDim).toBeLessThanOrEqual(32);
      point.mappings.forEach((mapping, l) => {
        for (const d of DIMS) expect(totalFactor(mapping, d)).toBe(workload.layers[l].layer[d]);
        expect(levelFactor(mapping, 2, 'K', true)).toBeLessThanOrEqual(point.hardware.peDim);
      });
      expect(space.decode(space.encode(point))).toEqual(point);
    }
  });

  it('refuses a point with the wrong number of mappings', () => {
    const point = space.sample(new Random(1));
    expect(() => space.encode({ ...point, mappings: point.mappings.slice(1) })).toThrow(/mappings, the workload resnet50 has/);
    expect(() => space.decode(new Float64Array(5))).toThrow(/expected \d+ columns, got 5/);
  });
});
