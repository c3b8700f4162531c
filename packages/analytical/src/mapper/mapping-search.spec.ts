import { describe, expect, it } from 'vitest';
import { type HardwareConfig, type Layer, Random, makeLayer, mappingViolations } from '@polaris/core';
import { type PackedMapping, unpackMapping } from '../model/packed-mapping.js';
import { FactorSpace } from './factor-space.js';
import { type PackedScorer, searchMapping } from './mapping-search.js';

/**
 * A deliberately simple stand-in cost (tests of the search only; the mapper uses the real
 * model): cycles = compute cycles; energy = MACs + 100 × DRAM traffic, where a
 * tensor's DRAM traffic is its L2 tile times the DRAM trip counts down to the innermost DRAM
 * loop indexing it. Rewards spatial unrolling, big L2 tiles and good DRAM loop orders.
 */
function standInScorer(): PackedScorer {
  const masks = [0b0110011, 0b1011111, 0b1101100]; // W, I, O over R S P Q C K N
  return {
    score(p: PackedMapping, out: Float64Array): void {
      let T = 1;
      for (let i = 0; i < 28; i++) T *= p[i];
      const macs = T * p[56] * p[57];
      let dram = 0;
      for (const mask of masks) {
        let tile = 1;
        for (let d = 0; d < 7; d++) if ((mask >> d) & 1) tile *= p[d] * p[7 + d] * p[14 + d] * (d === 4 ? p[56] : d === 5 ? p[57] : 1);
        let trips = 1;
        let innermostRelevant = -1;
        for (let pos = 0; pos < 7; pos++) if ((mask >> p[49 + pos]) & 1 && p[21 + p[49 + pos]] > 1) innermostRelevant = pos;
        for (let pos = 0; pos <= innermostRelevant; pos++) trips *= p[21 + p[49 + pos]];
        dram += tile * trips;
      }
      out[0] = T;
      out[1] = macs + 100 * dram;
    },
  };
}

const resnetLike: Layer[] = [
  makeLayer({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2 }),
  makeLayer({ R: 3, S: 3, P: 56, Q: 56, C: 64, K: 64, N: 1 }),
  makeLayer({ R: 1, S: 1, P: 14, Q: 14, C: 256, K: 1024, N: 1 }),
];
const gemmini: HardwareConfig = { peDim: 16, spKB: 128, accKB: 32 };

describe('searchMapping (with a stand-in cost)', () => {
  it('returns valid mappings, deterministically per seed', () => {
    for (const layer of resnetLike) {
      const space = new FactorSpace(layer, gemmini);
      const scorer = standInScorer();
      const budget = { samples: 100, improvementSteps: 400, starts: 2 };
      const a = searchMapping(space, scorer, new Random(5), budget);
      const b = searchMapping(space, scorer, new Random(5), budget);
      expect([...a.packed]).toEqual([...b.packed]);
      expect(a.edp).toBe(b.edp);
      expect(mappingViolations(layer, gemmini, unpackMapping(a.packed))).toEqual([]);
      expect(a.evaluations).toBeLessThanOrEqual(100 + 400 + 2);
    }
  });

  it('improves with budget and beats the median random valid mapping widely', () => {
    const layer = resnetLike[1];
    const space = new FactorSpace(layer, gemmini);
    const scorer = standInScorer();
    const small = searchMapping(space, scorer, new Random(1), { samples: 0, improvementSteps: 0, starts: 1 });
    const big = searchMapping(space, scorer, new Random(1), { samples: 300, improvementSteps: 2000, starts: 3 });
    expect(big.edp).toBeLessThanOrEqual(small.edp);
    const rng = new Random(2);
    const edps: number[] = [];
    const state = space.newState();
    const out = new Float64Array(2);
    while (edps.length < 200) {
      space.randomSlots(rng, state.slots);
      const packed = space.pack(state);
      if (!space.fits(packed)) continue;
      scorer.score(packed, out);
      edps.push(out[0] * out[1]);
    }
    edps.sort((x, y) => x - y);
    expect(big.edp).toBeLessThan(edps[100] / 10);
  });
});
