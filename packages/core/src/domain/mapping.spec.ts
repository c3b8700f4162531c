import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MappingSyntaxError, levelFactor, parseMapping, printMapping, totalFactor } from './mapping.js';
import { SHARED_DATA } from '../testing/shared-data.js';

/** Minimal CSV reader for the DOSA files (no quoted commas in them). */
function mappingColumn(path: string): string[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const column = header.split(',').indexOf('mapping.mapping');
  return rows.map((row) => row.split(',')[column]);
}

describe('mapping text form', () => {
  it('parses the DESIGN.md example into levels inner→outer', () => {
    const m = parseMapping('L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16');
    expect(m.levels[3].keeps).toEqual(['W', 'I', 'O']);
    expect(m.levels[2].loops).toEqual([{ dim: 'N', factor: 1, spatial: false }, { dim: 'K', factor: 4, spatial: true }]);
    expect(levelFactor(m, 1, 'C', true)).toBe(3);
    expect(totalFactor(m, 'K')).toBe(64);
    expect(totalFactor(m, 'P')).toBe(112);
  });

  it('round-trips every mapping string of the FireSim measurements', () => {
    const strings = mappingColumn(`${SHARED_DATA}/dosa/firesim/firesim_results.csv`);
    expect(strings).toHaveLength(1567);
    for (const s of strings) expect(printMapping(parseMapping(s))).toBe(s);
  });

  it('names the bad token in a syntax error', () => {
    expect(() => parseMapping('L3[WIO] K8 - L2[WI] Z4 - L1[O] - L0[W]')).toThrow(/loop "Z4" in L2/);
    expect(() => parseMapping('L3[WIO] K8 - L2[WI]')).toThrow(MappingSyntaxError);
    expect(() => parseMapping('L2[WIO] K8 - L3[WI] - L1[O] - L0[W]')).toThrow(/should be L3/);
  });
});
