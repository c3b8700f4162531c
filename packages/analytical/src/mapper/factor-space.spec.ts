import { describe, expect, it } from 'vitest';
import { DIMS, type HardwareConfig, Random, makeLayer, mappingViolations } from '@polaris/core';
import { packedTotalFactor, unpackMapping } from '../model/packed-mapping.js';
import { fitsCapacity } from '../model/tile-footprint.js';
import { FactorSpace, SPATIAL_SLOT, primeFactors } from './factor-space.js';
import { GOOD_LOOP_ORDERS } from './loop-orders.js';

const layers = [
  makeLayer({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2 }),
  makeLayer({ R: 3, S: 3, P: 28, Q: 28, C: 128, K: 128, N: 1 }),
  makeLayer({ R: 1, S: 1, P: 512, Q: 1, C: 768, K: 3072, N: 1 }),
  makeLayer({ R: 3, S: 3, P: 14, Q: 14, C: 256, K: 256, N: 1, Wstride: 2, Hstride: 2, Wdilation: 2, Hdilation: 2 }),
];
const hardware: HardwareConfig[] = [
  { peDim: 16, spKB: 128, accKB: 32 },
  { peDim: 128, spKB: 1, accKB: 1 },
  { peDim: 4, spKB: 2048, accKB: 2048 },
  { peDim: 32, spKB: 3, accKB: 0.5 },
];

describe('primeFactors', () => {
  it('factorises into ascending primes', () => {
    expect(primeFactors(1)).toEqual([]);
    expect(primeFactors(112)).toEqual([2, 2, 2, 2, 7]);
    expect(primeFactors(3072)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3]);
    expect(primeFactors(97)).toEqual([97]);
  });
});

describe('GOOD_LOOP_ORDERS', () => {
  it('holds 54 distinct permutations of the 7 dims', () => {
    const keys = new Set(GOOD_LOOP_ORDERS.map((o) => o.join(',')));
    expect(keys.size).toBe(54);
    for (const order of GOOD_LOOP_ORDERS) expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('FactorSpace', () => {
  it('packs every prime so that dimension products match the layer', () => {
    const rng = new Random(1);
    for (const layer of layers) {
      const space = new FactorSpace(layer, hardware[0]);
      const state = space.newState();
      space.randomSlots(rng, state.slots);
      const packed = space.pack(state);
      DIMS.forEach((dim, d) => expect(packedTotalFactor(packed, d)).toBe(layer[dim]));
      expect(space.spatialFits(state.slots)).toBe(true);
    }
  });

  it('agrees with core mappingViolations and the model on capacity, and repair always yields a valid mapping', () => {
    const rng = new Random(7);
    let overflowing = 0;
    for (const layer of layers) {
      for (const hw of hardware) {
        const space = new FactorSpace(layer, hw);
        const state = space.newState();
        for (let i = 0; i < 150; i++) {
          space.randomSlots(rng, state.slots);
          if (rng.chance(0.5)) space.maximiseSpatial(state.slots, rng, 1);
          state.orders.set(rng.pick(GOOD_LOOP_ORDERS), 3 * 7);
          const packed = space.pack(state);
          const capacity = mappingViolations(layer, hw, unpackMapping(packed)).filter((v) => v.code.endsWith('capacity'));
          expect(capacity.length === 0).toBe(space.fits(packed));
          expect(fitsCapacity(layer, hw, packed)).toBe(space.fits(packed));
          if (!space.fits(packed)) overflowing++;
          expect(space.repair(state, rng, packed)).toBe(true);
          expect(mappingViolations(layer, hw, unpackMapping(space.pack(state)))).toEqual([]);
        }
      }
    }
    expect(overflowing).toBeGreaterThan(100);
  });

  it('fills the spatial slots as fully as the primes allow', () => {
    const space = new FactorSpace(makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 96, K: 3 * 7 * 5, N: 1 }), { peDim: 16, spKB: 64, accKB: 64 });
    const state = space.newState();
    space.maximiseSpatial(state.slots, new Random(3));
    expect(space.spatialProduct(state.slots, 4)).toBe(16); // C=96=2^5·3 → 16
    expect(space.spatialProduct(state.slots, 5)).toBe(15); // K=105=3·5·7 → 15
    expect([...state.slots].filter((s) => s === SPATIAL_SLOT)).toHaveLength(6);
  });

  it('knows when not even the all-DRAM mapping fits', () => {
    const layer = layers[0];
    expect(new FactorSpace(layer, { peDim: 128, spKB: 1, accKB: 1 }).anythingFits).toBe(true);
    expect(new FactorSpace(layer, { peDim: 2048, spKB: 1, accKB: 1 }).anythingFits).toBe(false);
    expect(new FactorSpace(layer, { peDim: 16, spKB: 1 / 1024, accKB: 1 }).anythingFits).toBe(false);
  });
});
