import { describe, expect, it } from 'vitest';
import type { HardwareConfig } from './hardware.js';
import { makeLayer } from './layer.js';
import { parseMapping } from './mapping.js';
import { mappingViolations } from './mapping-validity.js';
import { MappingSpace } from '../space/mapping-space.js';
import { Random } from './random.js';
import { rowCapacityLimits, rowCapacityViolations, rowGranularFootprint, rowTileShape } from './row-capacity.js';

// A 3×3 conv, 4 → 6 channels on 4×4 outputs, on an 8×8 array using only c = 2 PE rows and k = 2 columns.
const layer = makeLayer({ R: 3, S: 3, P: 4, Q: 4, C: 4, K: 6, N: 1 });
const mapping = parseMapping('L3[WIO] K3 - L2[WI] R3 S3 C2 Q2 K2X - L1[O] P4 Q2 C2X - L0[W] N1');
//   c = 2 (spatial C at L1), k = 2 (spatial K at L2).
//   L2 tile: R3 S3 P4 Q4 C4 K2 N1  →  C2/c = 2 channel blocks, K2/k = 1 k-block.
//   weights: R2·S2·(K2/k)·(C2/c)·c = 3·3·1·2·2 = 36 rows (each holds k = 2 of 8 bytes);
//   inputs:  H2 = (Q2−1)·1 + (S2−1)·1 + 1 = 3 + 2 + 1 = 6, W2 = (4−1) + (3−1) + 1 = 6,
//            N2·H2·W2·(C2/c) = 1·6·6·2 = 72 rows (each holds c = 2 of 8 bytes);
//   scratchpad: 36 + 72 = 108 rows = 864 bytes, where Timeloop counts 72 + 144 = 216 bytes.
//   L1 output tile: N1 P4 Q2, K1 = 1 k-block → 1·4·2·1 = 8 accumulator rows.
const hw = (spKB: number, accKB: number): HardwareConfig => ({ peDim: 8, spKB, accKB });

describe('row-granular capacity (RTL / Gemmini row layout)', () => {
  it('computes the rows of a small conv with c, k < DIM by hand', () => {
    expect(rowTileShape(mapping)).toEqual({
      l1: { R: 1, S: 1, P: 4, Q: 2, C: 2, K: 1, N: 1 }, l2: { R: 3, S: 3, P: 4, Q: 4, C: 4, K: 2, N: 1 }, c: 2, k: 2,
    });
    // 1 KiB of 8-byte rows = 128 rows; 1 KiB of rows of 8 int32 = 32 rows.
    expect(rowGranularFootprint(layer, hw(1, 1), mapping)).toEqual({
      weightRows: 36, inputRows: 72, scratchpadRows: 108, scratchpadLimitRows: 128, accumulatorRows: 8, accumulatorLimitRows: 32,
    });
    expect(rowCapacityViolations(layer, hw(1, 1), mapping)).toEqual([]);
  });

  it('counts L1 temporal K in k-blocks and L2 temporal K in weight rows', () => {
    // K3 moved from L3 to L1: K2 = 6 → K2/k = 3 k-blocks: weights 3·3·3·2·2 = 108 rows; inputs unchanged 72;
    // L1 tile N1 P4 Q2 K3 (k-blocks) → 24 accumulator rows.
    const m = parseMapping('L3[WIO] - L2[WI] R3 S3 C2 Q2 K2X - L1[O] K3 P4 Q2 C2X - L0[W] N1');
    const f = rowGranularFootprint(layer, hw(2, 1), m);
    expect([f.weightRows, f.inputRows, f.scratchpadRows, f.accumulatorRows]).toEqual([108, 72, 180, 24]);
  });

  it('is stricter than Timeloop\'s word count: 216 bytes fit 512, 108 rows do not fit 64', () => {
    const small = hw(0.5, 1);
    expect(mappingViolations(layer, small, mapping)).toEqual([]);
    const violations = rowCapacityViolations(layer, small, mapping);
    expect(violations.map((v) => v.code)).toEqual(['scratchpad-rows']);
    expect(violations[0].message).toMatch(/L2 tile \(R3 S3 P4 Q4 C4 K2 N1\) needs 108 rows of 8 bytes/);
    expect(violations[0].message).toMatch(/weights 36: 18 blocks of c=2 rows.*inputs 72.*gives 64 rows/);
    expect(violations[0].message).toMatch(/spKB ≥ 0\.84375/); // 108 · 8 / 1024
    // Exactly enough rows fits: 108 rows · 8 bytes.
    expect(rowCapacityViolations(layer, hw((108 * 8) / 1024, 1), mapping)).toEqual([]);
    expect(rowCapacityViolations(layer, hw((107 * 8) / 1024, 1), mapping).map((v) => v.code)).toEqual(['scratchpad-rows']);
  });

  it('reports accumulator rows past floor(accKB·1024 / (4·DIM))', () => {
    // 8 rows of 8 int32 = 256 bytes = 0.25 KiB fits exactly; 0.2 KiB = 204.8 B → 6 rows.
    expect(rowCapacityLimits(hw(1, 0.25)).accumulatorLimitRows).toBe(8);
    expect(rowCapacityViolations(layer, hw(1, 0.25), mapping)).toEqual([]);
    const [v] = rowCapacityViolations(layer, hw(1, 0.2), mapping);
    expect(v.code).toBe('accumulator-rows');
    expect(v.message).toMatch(/L1 output tile \(N1 P4 Q2 K1×2\) needs 8 rows of 8 int32 but accKB=0.2 gives 6 rows.*accKB ≥ 0.25/);
  });

  it('equals the word count when the array is full (c = k = DIM) and never admits what Timeloop rejects', () => {
    const full = parseMapping('L3[WIO] K3 - L2[WI] R3 S3 Q2 K2X - L1[O] P4 Q2 C4X - L0[W] N1');
    const f = rowGranularFootprint(makeLayer({ R: 3, S: 3, P: 4, Q: 4, C: 4, K: 6, N: 1 }), { peDim: 4, spKB: 1, accKB: 1 }, full);
    // weights 3·3·1·1·4 = 36 rows · 4 bytes = 144 = R·S·C·K2 words; inputs 6·6·1 rows · 4 = 144 = 6·6·4 words.
    expect([f.weightRows, f.inputRows]).toEqual([36, 36]);
    // Random valid mappings: rows·DIM ≥ words, so fitting the rows implies fitting Timeloop's rule.
    const rng = new Random('rows vs words');
    let rowFits = 0;
    for (const [l, h] of [[layer, hw(1, 0.25)], [makeLayer({ R: 1, S: 1, P: 8, Q: 2, C: 12, K: 8, N: 2, Wstride: 2 }), { peDim: 4, spKB: 0.25, accKB: 0.125 }]] as const) {
      const space = new MappingSpace(l);
      for (let i = 0; i < 2000; i++) {
        const m = space.sample(rng, h.peDim);
        const structural = mappingViolations(l, { ...h, spKB: 1e6, accKB: 1e6 }, m);
        if (structural.length > 0) continue;
        if (rowCapacityViolations(l, h, m).length === 0) {
          rowFits++;
          expect(mappingViolations(l, h, m)).toEqual([]);
        }
      }
    }
    expect(rowFits).toBeGreaterThan(50);
  });
});
