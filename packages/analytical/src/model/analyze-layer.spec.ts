import { type LayerEvaluation, makeLayer, parseMapping } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { analyzeLayer } from './analyze-layer.js';

/**
 * Hand-derived cases. Hardware: 2×2 PEs, 1 KiB scratchpad, 1 KiB accumulator, so per word
 * (Timeloop table): registers 0.48746, accumulator 1.94975 + 0.1005025·(1/2) = 2.00000125,
 * scratchpad 0.48744 + 0.0251256·1 = 0.5125656 (blocks of peDim = 2 words), DRAM 100
 * (blocks of 64 words = 6400 pJ); MAC 0.5608.
 */
const HW = { peDim: 2, spKB: 1, accKB: 1 };
const E_REG = 0.48746;
const E_ACC = 2.00000125;
const E_SP_BLOCK = 2 * 0.5125656;
const E_DRAM_BLOCK = 6400;
const E_MAC = 0.5608;

/** Flattens accesses to `L<level>.<tensor>: [reads, fills, updates]` (summed over instances). */
function counts(e: LayerEvaluation): Record<string, number[]> {
  const result: Record<string, number[]> = {};
  for (const level of e.accesses ?? []) {
    for (const [tensor, a] of Object.entries(level.tensors)) result[`L${level.level}.${tensor}`] = [a.reads, a.fills, a.updates];
  }
  return result;
}

describe('analyzeLayer on hand-derived cases', () => {
  it('matmul P4·C2·K2 with weights re-fetched every cycle', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 2, K: 2, N: 1 });
    const e = analyzeLayer(layer, HW, parseMapping('L3[WIO] P2 K2 - L2[WI] N1 - L1[O] P2 C2 - L0[W] N1'));
    // T = P2·K2·P2·C2 = 16 = MACs; no spatial loops, one instance everywhere.
    // L0 W tile = 1; innermost loop above (C2 at L1) indexes W: fills = 1 · 16 = 16; reads = MACs = 16.
    // L1 O tile = P2 = 2 words; loops above: P2 K2, K innermost indexes O: fills = 2·4 = 8;
    //   updates = T = 16; reads = updates − |O| = 16 − 8 = 8 (the first update of each output reads nothing).
    // L2 W tile = C2 = 2; DRAM P2 K2, K innermost indexes W: fills = 2·4 = 8; reads = L0 fills = 16.
    // L2 I tile = P2 × C2 = 4; K innermost (inputs unchanged: no new words), then each P step a
    //   disjoint tile: fills = 4 + 4 = 8; reads = MACs / K_spatial = 16.
    // DRAM: reads W 8, I 8; O updates = accumulator fills = 8, O reads = 8 − |O| = 0.
    expect(counts(e)).toEqual({
      'L0.W': [16, 16, 0], 'L1.O': [8, 8, 16], 'L2.W': [16, 8, 0], 'L2.I': [16, 8, 0],
      'L3.W': [8, 0, 0], 'L3.I': [8, 0, 0], 'L3.O': [0, 0, 8],
    });
    expect(e.accesses?.map((l) => l.instances)).toEqual([1, 1, 1, 1]);
    expect(e.macs).toBe(16);
    // Bandwidth: accumulator (8 + 8 + 16)/16 = 2 ≤ 2, scratchpad 48/16 = 3 ≤ 4, DRAM 1.5 ≤ 8 → T.
    expect(e.cycles).toBe(16);
    // Energy: MAC 16; registers 32 words; accumulator 32 words; scratchpad ⌈16/2⌉+⌈8/2⌉+⌈16/2⌉+⌈8/2⌉ = 24
    // blocks; DRAM ⌈8/64⌉ + ⌈8/64⌉ + ⌈0/64⌉ + ⌈8/64⌉ = 3 blocks.
    const expected = 16 * E_MAC + 32 * E_REG + 32 * E_ACC + 24 * E_SP_BLOCK + 3 * E_DRAM_BLOCK;
    expect(e.energy).toBeCloseTo(expected, 6);
    expect(e.accesses?.[3].energy).toBeCloseTo(19200, 9);
  });

  it('matmul with outputs spilled to DRAM: accumulator-bound latency', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 2, K: 2, N: 1 });
    const e = analyzeLayer(layer, HW, parseMapping('L3[WIO] C2 K2 - L2[WI] N1 - L1[O] P4 - L0[W] N1'));
    // T = 16. L0 W: loops above C2 K2 (L3), P4 (L1); P4 is innermost and does not index W → reuse 4:
    //   fills = 1 · 16 / 4 = 4.
    // L1 O tile = P4 = 4; loops above C2 K2, K innermost indexes O: fills = 4·4 = 16 (C outside K:
    //   every output tile comes back once per C): reads = 16 − 8 = 8, updates 16.
    // L2 W tile = 1: fills = 1·4 = 4; reads = 4. L2 I tile = P4 = 4: K innermost reuses it,
    //   each C brings a new tile: fills = 8; reads = 16.
    // DRAM: W 4, I 8; O updates 16, reads 16 − 8 = 8.
    expect(counts(e)).toEqual({
      'L0.W': [16, 4, 0], 'L1.O': [8, 16, 16], 'L2.W': [4, 4, 0], 'L2.I': [16, 8, 0],
      'L3.W': [4, 0, 0], 'L3.I': [8, 0, 0], 'L3.O': [8, 0, 16],
    });
    // Accumulator needs (8 + 16 + 16)/16 = 2.5 words/cycle > 2 → slowdown 0.8 → ⌈16/0.8⌉ = 20.
    expect(e.accesses?.[1].cycles).toBe(20);
    expect(e.cycles).toBe(20);
    const expected = 16 * E_MAC + 20 * E_REG + 40 * E_ACC + (2 + 2 + 8 + 4) * E_SP_BLOCK + 4 * E_DRAM_BLOCK;
    expect(e.energy).toBeCloseTo(expected, 6);
  });

  it('conv R3 stride 2 with halo, spatial C2 × K2 and a sliding DRAM P loop', () => {
    const layer = makeLayer({ R: 3, S: 1, P: 4, Q: 1, C: 2, K: 4, N: 1, Wstride: 2 });
    const e = analyzeLayer(layer, HW, parseMapping('L3[WIO] K2 P2 - L2[WI] N1 K2X - L1[O] R3 P2 C2X - L0[W] N1'));
    // T = K2·P2·R3·P2 = 24; MACs = 24 · C2X · K2X = 96 = 3·4·2·4. Input width = 3·2 + 2 + 1 = 9.
    // L0 (4 PEs in use): W tile 1; above K2 P2 | R3 P2, innermost P2 does not index W → reuse 2:
    //   fills = 24/2 = 12 per PE (48 total); reads = T = 24 per PE (96 total = MACs).
    // L1 (2 columns in use, K2X): O tile = P2 = 2; above K2 P2, P indexes O: fills = 2·4 = 8 per column;
    //   updates = T = 24 per column (C2X is reduced spatially); reads = 24 − |O|/2 = 24 − 8 = 16.
    // L2 W tile = R3·C2·K2 = 12; DRAM P2 innermost does not index W → fills = 12·4/2 = 24 (every weight once).
    // L2 I tile: P2 at stride 2 and R3 → width (2−1)·2 + 2 + 1 = 5, × C2 = 10 words.
    //   DRAM walk: k0: p0 whole tile 10, p1 slides by 2·2 = 4 columns → 1 column kept, 8 new;
    //   k1: the window jumps back (translation −4 ≠ +4) → whole tile 10, then p1 8 new. Fills = 36.
    // L2 reads: W = 4 PEs · 12 = 48; I = T · C2X = 48 (multicast to both columns).
    // DRAM: W 24, I 36, O updates = 2 · 8 = 16, O reads = 16 − 16 = 0.
    expect(counts(e)).toEqual({
      'L0.W': [96, 48, 0], 'L1.O': [32, 16, 48], 'L2.W': [48, 24, 0], 'L2.I': [48, 36, 0],
      'L3.W': [24, 0, 0], 'L3.I': [36, 0, 0], 'L3.O': [0, 0, 16],
    });
    expect(e.accesses?.map((l) => l.instances)).toEqual([4, 2, 1, 1]);
    // Scratchpad: (48 + 48)/24 + (24 + 36)/24 = 6.5 words/cycle > 2·peDim = 4 → ⌈24 / (4/6.5)⌉ = 39.
    expect(e.accesses?.map((l) => l.cycles)).toEqual([24, 24, 39, 24]);
    expect(e.cycles).toBe(39);
    // Energy: registers 4·(24+12) words; accumulator 2·(16+8+24); scratchpad blocks 24+12+24+18;
    // DRAM blocks 1+1+0+1.
    const expected = 96 * E_MAC + 144 * E_REG + 96 * E_ACC + 78 * E_SP_BLOCK + 3 * E_DRAM_BLOCK;
    expect(e.energy).toBeCloseTo(expected, 6);
  });

  it("reproduces Timeloop's iteration-1 extrapolation for a sliding S loop inside Q", () => {
    const layer = makeLayer({ R: 1, S: 3, P: 1, Q: 4, C: 1, K: 1, N: 1 });
    const e = analyzeLayer(layer, HW, parseMapping('L3[WIO] Q2 S3 - L2[WI] N1 - L1[O] Q2 - L0[W] N1'));
    // L2 I tile: Q2, S1 → 2 rows. Timeloop visits iteration 0 (weight 1) and 1 (weight n−1) of each loop:
    //   q0: s0 rows 0–1 → 2; s1 rows 1–2 → 1 new, weight 2 → 2.
    //   q1 (weight 1): s0 rows 2–3, compared with the last VISITED tile (q0,s1: rows 1–2), moved by
    //   2 − 1 = 1 row = the S step → 1 new; s1 → 1 new, weight 2 → 2. Total 2 + 2 + 1 + 2 = 7
    //   (the exact count would be 6 rows).
    // W: L0 fills 12/2 = 6 (Q2 at L1 reuses); L2 W tile 1, fills 6. O: tile 2, DRAM S innermost reuses 3:
    //   fills = 2·6/3 = 4, updates 12, reads 12 − 4 = 8.
    expect(counts(e)).toEqual({
      'L0.W': [12, 6, 0], 'L1.O': [8, 4, 12], 'L2.W': [6, 6, 0], 'L2.I': [12, 7, 0],
      'L3.W': [6, 0, 0], 'L3.I': [7, 0, 0], 'L3.O': [0, 0, 4],
    });
    expect(e.cycles).toBe(12);
  });

  it('rejects a mapping that does not cover the layer or overflows the array', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 2, K: 2, N: 1 });
    expect(() => analyzeLayer(layer, HW, parseMapping('L3[WIO] P2 - L2[WI] N1 - L1[O] C2 - L0[W] N1')))
      .toThrow(/P multiply to 2, but the layer has P = 4.*K multiply to 1/);
    expect(() => analyzeLayer(makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 4, K: 1, N: 1 }), HW,
      parseMapping('L3[WIO] N1 - L2[WI] N1 - L1[O] C4X - L0[W] N1'))).toThrow(/spatial C4 at L1 exceeds the 2 PE rows/);
  });

  it('prices with DOSA coefficients (no block rounding) or a user table', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 2, K: 2, N: 1 });
    const mapping = parseMapping('L3[WIO] P2 K2 - L2[WI] N1 - L1[O] P2 C2 - L0[W] N1');
    // Same counts as the first case: registers 32, accumulator 32, scratchpad 48, DRAM 24 words.
    const dosa = analyzeLayer(layer, HW, mapping, { energy: 'dosa' });
    const eAcc = 0.1005 * (1 / 2) + 1.94;
    const eSp = 0.02513 * 1 + 0.49;
    expect(dosa.energy).toBeCloseTo(16 * E_MAC + 32 * E_REG + 32 * eAcc + 48 * eSp + 24 * 100, 6);
    const custom = analyzeLayer(layer, HW, mapping, {
      energy: { name: 'unit', mac: 1, perWord: { registers: 0, accumulator: { accKB: 2 }, scratchpad: 0, dram: 0 }, blockRounding: false },
    });
    expect(custom.energy).toBeCloseTo(16 + 32 * 2, 9);
  });
});
