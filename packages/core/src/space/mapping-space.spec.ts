import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIMS, type Layer, makeLayer } from '../domain/layer.js';
import { LEVEL_COUNT, levelFactor, type Mapping, parseMapping, printMapping, totalFactor } from '../domain/mapping.js';
import { Random } from '../domain/random.js';
import { SHARED_DATA } from '../testing/shared-data.js';
import { MappingSpace } from './mapping-space.js';

/** Rows of the FireSim measurements: layer dims and the mapping string. */
function firesimRows(): { layer: Layer; mapping: string }[] {
  const [header, ...rows] = readFileSync(`${SHARED_DATA}/dosa/firesim/firesim_results.csv`, 'utf8').trim().split('\n');
  const columns = header.split(',');
  const at = (row: string[], name: string) => row[columns.indexOf(name)];
  return rows.map((line) => {
    const row = line.split(',');
    const n = (name: string) => Number(at(row, `prob.${name}`));
    return {
      layer: makeLayer({ R: n('R'), S: n('S'), P: n('P'), Q: n('Q'), C: n('C'), K: n('K'), N: n('N'), Wstride: n('Wstride'), Hstride: n('Hstride') }),
      mapping: at(row, 'mapping.mapping'),
    };
  });
}

/** The mapping without factor-1 loops: what decoding produces. */
function withoutUnitLoops(mapping: Mapping): Mapping {
  return { levels: mapping.levels.map((l) => ({ keeps: l.keeps, loops: l.loops.filter((loop) => loop.factor > 1) })) as unknown as Mapping['levels'] };
}

const conv1 = makeLayer({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2 });

describe('MappingSpace', () => {
  it('has 30 tiling and 28 order columns', () => {
    const space = new MappingSpace(conv1);
    expect(space.dimension).toBe(58);
    expect(space.columns.slice(0, 4)).toEqual(['R@L0', 'R@L1', 'R@L2', 'R@L3']);
    expect(space.columns).toContain('C@L1X');
    expect(space.columns).toContain('K@L2X');
    expect(space.columns[30]).toBe('order@L0.R');
  });

  it('round-trips the DESIGN.md example exactly', () => {
    const text = 'L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16';
    const space = new MappingSpace(conv1);
    const x = space.encode(parseMapping(text));
    expect(printMapping(space.decode(x, 0, 16))).toBe('L3[WIO] K8 Q28 - L2[WI] K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16');
    for (const v of x) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('round-trips every FireSim mapping (factor-1 loops aside)', () => {
    for (const { layer, mapping } of firesimRows()) {
      const original = parseMapping(mapping);
      const space = new MappingSpace(layer);
      expect(space.decode(space.encode(original), 0, 128)).toEqual(withoutUnitLoops(original));
    }
  });

  it('decodes any point of the cube into factors whose product is the layer, spatial ≤ peDim', () => {
    const rng = new Random(12);
    const layers = [conv1, ...firesimRows().slice(0, 40).map((r) => r.layer), makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 4096, K: 1000, N: 7 })];
    for (const layer of layers) {
      const space = new MappingSpace(layer);
      for (let i = 0; i < 20; i++) {
        const peDim = rng.pick([2, 16, 128]);
        const mapping = space.sample(rng, peDim);
        for (const d of DIMS) expect(totalFactor(mapping, d)).toBe(layer[d]);
        expect(levelFactor(mapping, 1, 'C', true)).toBeLessThanOrEqual(peDim);
        expect(levelFactor(mapping, 2, 'K', true)).toBeLessThanOrEqual(peDim);
        for (let level = 0; level < LEVEL_COUNT; level++) {
          const loops = mapping.levels[level].loops;
          expect(loops.every((l) => !l.spatial || (level === 1 && l.dim === 'C') || (level === 2 && l.dim === 'K'))).toBe(true);
          const firstSpatial = loops.findIndex((l) => l.spatial);
          if (firstSpatial >= 0) expect(loops.slice(firstSpatial).every((l) => l.spatial)).toBe(true);
        }
        expect(printMapping(parseMapping(printMapping(mapping)))).toBe(printMapping(mapping));
        const again = space.decode(space.encode(mapping), 0, peDim);
        expect(again).toEqual(mapping);
      }
    }
  });

  it('orders loops by random key, spatial innermost', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 8, K: 2, N: 1 });
    const space = new MappingSpace(layer);
    const x = new Float64Array(space.dimension);
    const col = (name: string) => space.columns.indexOf(name);
    x[col('P@L3')] = 1;
    x[col('K@L3')] = 1;
    x[col('C@L1X')] = 1;
    x[col('order@L3.P')] = 0.9;
    x[col('order@L3.K')] = 0.1;
    expect(printMapping(space.decode(x, 0, 16))).toBe('L3[WIO] K2 P4 - L2[WI] - L1[O] C8X - L0[W]');
    // with a 2-wide array the rest of C goes to DRAM, whose key 0 puts it outermost
    expect(printMapping(space.decode(x, 0, 2))).toBe('L3[WIO] C4 K2 P4 - L2[WI] - L1[O] C2X - L0[W]');
  });

  it('refuses mappings that do not belong to the layer or template', () => {
    const space = new MappingSpace(conv1);
    expect(() => space.encode(parseMapping('L3[WIO] K8 Q28 - L2[WI] K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P8')))
      .toThrow(/P factors multiply to 56, but the layer has P=112/);
    expect(() => space.encode(parseMapping('L3[WIO] K8 Q28 - L2[WI] K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16X')))
      .toThrow(/spatial P at L0/);
  });
});
