import { join } from 'node:path';
import { parseMapping, printMapping, readDosaCsv } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../../core/src/testing/shared-data.js';
import {
  PACKED_MAPPING_LENGTH, PACKED_ORDER_OFFSET, PACKED_SPATIAL_C, PACKED_SPATIAL_K, emptyPackedMapping, packMapping, unpackMapping,
} from './packed-mapping.js';

/** The text with factor-1 loops dropped (what unpacking prints), `N1` for a level left empty. */
function withoutTrivialLoops(text: string): string {
  return text.split(' - ').map((level) => {
    const [head, ...loops] = level.split(' ');
    const kept = loops.filter((loop) => !/^[RSPQCKN]1X?$/.test(loop));
    return [head, ...(kept.length > 0 ? kept : ['N1'])].join(' ');
  }).join(' - ');
}

describe('packed mappings', () => {
  it('packs the DESIGN.md example into the fixed layout', () => {
    const p = packMapping(parseMapping('L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16'));
    expect(p).toHaveLength(PACKED_MAPPING_LENGTH);
    // DIMS order R S P Q C K N; level*7 + d.
    expect([...p.slice(0, 7)]).toEqual([1, 1, 16, 1, 1, 1, 1]);
    expect([...p.slice(7, 14)]).toEqual([7, 7, 7, 4, 1, 2, 1]);
    expect([...p.slice(14, 21)]).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect([...p.slice(21, 28)]).toEqual([1, 1, 1, 28, 1, 8, 1]);
    // L1 order K S R Q P, then the unmentioned C N; L3 order K Q then R S P C N.
    expect([...p.slice(PACKED_ORDER_OFFSET + 7, PACKED_ORDER_OFFSET + 14)]).toEqual([5, 1, 0, 3, 2, 4, 6]);
    expect([...p.slice(PACKED_ORDER_OFFSET + 21, PACKED_ORDER_OFFSET + 28)]).toEqual([5, 3, 0, 1, 2, 4, 6]);
    expect([p[PACKED_SPATIAL_C], p[PACKED_SPATIAL_K]]).toEqual([3, 4]);
  });

  it('unpacks with the spatial loop last in its level and N1 for empty levels', () => {
    const text = 'L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16';
    expect(printMapping(unpackMapping(packMapping(parseMapping(text))))).toBe('L3[WIO] K8 Q28 - L2[WI] K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16');
    expect(printMapping(unpackMapping(emptyPackedMapping()))).toBe('L3[WIO] N1 - L2[WI] N1 - L1[O] N1 - L0[W] N1');
  });

  it('round-trips every mapping of both DOSA files', () => {
    const rows = [
      ...readDosaCsv(join(SHARED_DATA, 'dosa/timeloop/timeloop_dataset_sample.csv')),
      ...readDosaCsv(join(SHARED_DATA, 'dosa/firesim/firesim_results.csv')),
    ];
    let textMismatches = 0;
    let packMismatches = 0;
    for (const row of rows) {
      const packed = packMapping(parseMapping(row.mapping));
      const unpacked = unpackMapping(packed);
      if (printMapping(unpacked) !== withoutTrivialLoops(row.mapping)) textMismatches++;
      if (packMapping(unpacked).some((v, i) => v !== packed[i])) packMismatches++;
    }
    expect(textMismatches).toBe(0);
    expect(packMismatches).toBe(0);
  });

  it('keeps each level a permutation and reuses a target array', () => {
    const into = new Int32Array(PACKED_MAPPING_LENGTH).fill(9);
    const p = packMapping(parseMapping('L3[WIO] C2 - L2[WI] K2X - L1[O] N1 - L0[W] R3'), into);
    expect(p).toBe(into);
    for (let level = 0; level < 4; level++) {
      const order = [...p.slice(PACKED_ORDER_OFFSET + level * 7, PACKED_ORDER_OFFSET + level * 7 + 7)];
      expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
  });

  it('rejects what the template cannot express', () => {
    expect(() => packMapping(parseMapping('L3[WIO] C2X - L2[WI] N1 - L1[O] N1 - L0[W] N1'))).toThrow(/spatial loop C2X at L3/);
    expect(() => packMapping(parseMapping('L3[WIO] C2 K2 C2 - L2[WI] N1 - L1[O] N1 - L0[W] N1'))).toThrow(/C appears twice/);
  });
});
