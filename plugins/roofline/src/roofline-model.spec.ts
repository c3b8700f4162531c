import { describe, expect, it } from 'vitest';
import {
  type HardwareConfig, type Layer, type Mapping, type Workload, makeLayer, mappingViolations, parseMapping,
} from '@polaris/core';
import { rooflineLayer, rooflineNetwork } from './roofline-model.js';
import { DEFAULT_ROOFLINE_OPTIONS, rooflineVersion } from './roofline-options.js';

/**
 * Golden cases derived by hand with the default options: 0.5608 pJ/MAC, 100 pJ per DRAM word,
 * 8 DRAM words/cycle. Each case first checks that its mapping is valid on its hardware, so the
 * numbers are for points the evaluator would actually score.
 */

const GEMMINI_16: HardwareConfig = { peDim: 16, spKB: 128, accKB: 32 };
const GEMMINI_64: HardwareConfig = { peDim: 64, spKB: 128, accKB: 32 };

interface Golden {
  readonly layer: Layer;
  readonly hardware: HardwareConfig;
  readonly mapping: Mapping;
  readonly pes: number;
  readonly dramWords: number;
  readonly computeCycles: number;
  readonly memoryCycles: number;
  readonly bound: 'compute' | 'bandwidth';
  readonly energy: number;
}

/**
 * 3×3 conv, 64→64 channels, 16×16 outputs, stride 1.
 *   MACs        = R·S·P·Q·C·K·N = 3·3·16·16·64·64·1 = 9 437 184
 *   weights     = C·K·R·S = 64·64·9                 = 36 864 words
 *   inputs      = N·C·H·W, W = (16−1)·1 + (3−1)·1 + 1 = 18 = H → 64·18·18 = 20 736 words
 *   outputs     = N·K·P·Q = 64·16·16                = 16 384 words
 *   DRAM words  = 36 864 + 20 736 + 16 384          = 73 984 → memory ⌈73 984 / 8⌉ = 9 248 cycles
 *   energy      = 9 437 184 · 0.5608 + 73 984 · 100 = 5 292 372.7872 + 7 398 400 = 12 690 772.7872 pJ
 */
const conv = makeLayer({ R: 3, S: 3, P: 16, Q: 16, C: 64, K: 64, N: 1 });
const CONV_ENERGY = 12_690_772.7872;

/**
 * Compute-bound: C16 spatial at L1 × K16 spatial at L2 on a 16×16 array = 256 PEs;
 * compute 9 437 184 / 256 = 36 864 cycles > memory 9 248 → 36 864 cycles.
 */
const convComputeBound: Golden = {
  layer: conv,
  hardware: GEMMINI_16,
  mapping: parseMapping('L3[WIO] R3 S3 P16 Q16 C4 K4 N1 - L2[WI] K16X - L1[O] C16X - L0[W]'),
  pes: 256, dramWords: 73_984, computeCycles: 36_864, memoryCycles: 9_248, bound: 'compute', energy: CONV_ENERGY,
};

/**
 * Bandwidth-bound: the same conv on a 64×64 array with C64 × K64 spatial = 4 096 PEs;
 * compute 9 437 184 / 4 096 = 2 304 cycles < memory 9 248 → 9 248 cycles. Energy unchanged:
 * the model's energy depends on the layer only, not on the mapping.
 */
const convBandwidthBound: Golden = {
  layer: conv,
  hardware: GEMMINI_64,
  mapping: parseMapping('L3[WIO] R3 S3 P16 Q16 - L2[WI] K64X - L1[O] C64X - L0[W]'),
  pes: 4_096, dramWords: 73_984, computeCycles: 2_304, memoryCycles: 9_248, bound: 'bandwidth', energy: CONV_ENERGY,
};

/**
 * Strided 3×3 conv, 16→32 channels, 8×8 outputs, stride 2 (inputs widen with the stride).
 *   MACs    = 3·3·8·8·16·32 = 294 912; 256 PEs → compute 1 152 cycles
 *   W = (8−1)·2 + (3−1)·1 + 1 = 17 = H → inputs 16·17·17 = 4 624 words
 *   weights 16·32·9 = 4 608, outputs 32·8·8 = 2 048 → 11 280 words → memory 1 410 cycles
 *   → bandwidth-bound, 1 410 cycles; energy 294 912 · 0.5608 + 1 128 000 = 165 386.6496 + 1 128 000
 */
const stridedConv: Golden = {
  layer: makeLayer({ R: 3, S: 3, P: 8, Q: 8, C: 16, K: 32, N: 1, Wstride: 2, Hstride: 2 }),
  hardware: GEMMINI_16,
  mapping: parseMapping('L3[WIO] R3 S3 P8 Q8 K2 - L2[WI] K16X - L1[O] C16X - L0[W]'),
  pes: 256, dramWords: 11_280, computeCycles: 1_152, memoryCycles: 1_410, bound: 'bandwidth', energy: 1_293_386.6496,
};

/**
 * Matmul 128×128×128 (P = 128 rows, C = 128 inner, K = 128 columns; R = S = Q = N = 1).
 *   MACs = 128·128·128 = 2 097 152
 *   weights C·K = 16 384, inputs C·P = 16 384, outputs K·P = 16 384 → 49 152 words → memory 6 144 cycles
 *   energy = 2 097 152 · 0.5608 + 49 152 · 100 = 1 176 082.8416 + 4 915 200 = 6 091 282.8416 pJ
 * Full array (C16 × K16 = 256 PEs): compute 8 192 cycles > 6 144 → compute-bound.
 */
const matmul = makeLayer({ R: 1, S: 1, P: 128, Q: 1, C: 128, K: 128, N: 1 });
const matmulComputeBound: Golden = {
  layer: matmul,
  hardware: GEMMINI_16,
  mapping: parseMapping('L3[WIO] P128 C8 K8 - L2[WI] K16X - L1[O] C16X - L0[W]'),
  pes: 256, dramWords: 49_152, computeCycles: 8_192, memoryCycles: 6_144, bound: 'compute', energy: 6_091_282.8416,
};

/**
 * The same matmul using only half the PE rows (C8 × K16 = 128 PEs): the model counts the PEs
 * the mapping uses, not peDim², so compute doubles to 2 097 152 / 128 = 16 384 cycles.
 */
const matmulHalfArray: Golden = {
  ...matmulComputeBound,
  mapping: parseMapping('L3[WIO] P128 C16 K8 - L2[WI] K16X - L1[O] C8X - L0[W]'),
  pes: 128, computeCycles: 16_384,
};

/**
 * Matrix-vector product (one token): P = 1, C = 256, K = 256.
 *   MACs = 65 536; 256 PEs → compute 256 cycles
 *   weights 65 536 + inputs 256 + outputs 256 = 66 048 words → memory 8 256 cycles → bandwidth-bound
 *   energy = 65 536 · 0.5608 + 66 048 · 100 = 36 752.5888 + 6 604 800 = 6 641 552.5888 pJ
 */
const gemv: Golden = {
  layer: makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 256, K: 256, N: 1 }),
  hardware: GEMMINI_16,
  mapping: parseMapping('L3[WIO] C16 K16 - L2[WI] K16X - L1[O] C16X - L0[W]'),
  pes: 256, dramWords: 66_048, computeCycles: 256, memoryCycles: 8_256, bound: 'bandwidth', energy: 6_641_552.5888,
};

const GOLDEN: Record<string, Golden> = {
  'conv 3x3 64→64, compute-bound on 16×16': convComputeBound,
  'conv 3x3 64→64, bandwidth-bound on 64×64': convBandwidthBound,
  'conv 3x3 stride 2, bandwidth-bound': stridedConv,
  'matmul 128³, compute-bound': matmulComputeBound,
  'matmul 128³ on half the array': matmulHalfArray,
  'gemv 256×256, bandwidth-bound': gemv,
};

describe('rooflineLayer (hand-derived golden cases)', () => {
  for (const [name, g] of Object.entries(GOLDEN)) {
    it(name, () => {
      expect(mappingViolations(g.layer, g.hardware, g.mapping), 'the golden mapping is valid').toEqual([]);
      const r = rooflineLayer(g.layer, g.mapping, DEFAULT_ROOFLINE_OPTIONS);
      expect(r.pes).toBe(g.pes);
      expect(r.dramWords).toBe(g.dramWords);
      expect(r.computeCycles).toBe(g.computeCycles);
      expect(r.memoryCycles).toBe(g.memoryCycles);
      expect(r.bound).toBe(g.bound);
      expect(r.cycles).toBe(Math.max(g.computeCycles, g.memoryCycles));
      expect(r.energy).toBeCloseTo(g.energy, 6);
    });
  }

  it('rounds a fractional transfer up to whole cycles', () => {
    // 1×1 conv, C = K = 3, 1 output pixel: 9 + 3 + 3 = 15 words → ⌈15 / 8⌉ = 2 cycles; 9 MACs on 1 PE = 9 cycles.
    const layer = makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 3, K: 3, N: 1 });
    const r = rooflineLayer(layer, parseMapping('L3[WIO] C3 K3 - L2[WI] - L1[O] - L0[W]'), DEFAULT_ROOFLINE_OPTIONS);
    expect([r.computeCycles, r.memoryCycles, r.cycles]).toEqual([9, 2, 9]);
  });

  it('uses the overridden energies and bandwidth', () => {
    // gemv with 1 pJ/MAC, 50 pJ/word, 16 words/cycle: memory ⌈66 048 / 16⌉ = 4 128 cycles;
    // energy 65 536 · 1 + 66 048 · 50 = 65 536 + 3 302 400 = 3 367 936 pJ.
    const r = rooflineLayer(gemv.layer, gemv.mapping, { macPJ: 1, dramPJPerWord: 50, dramWordsPerCycle: 16 });
    expect(r.cycles).toBe(4_128);
    expect(r.energy).toBeCloseTo(3_367_936, 6);
  });
});

describe('rooflineNetwork', () => {
  it('sums Σ count·layer and multiplies the totals for EDP', () => {
    // conv (count 1, compute-bound: 36 864 cycles) + gemv (count 3, bandwidth-bound: 8 256 cycles), both on 16×16:
    //   cycles = 36 864 + 3 · 8 256 = 61 632
    //   energy = 12 690 772.7872 + 3 · 6 641 552.5888 = 32 615 430.5536 pJ
    //   EDP    = 32 615 430.5536 · 61 632 ≈ 2.0101 · 10¹² pJ·cycles
    const workload: Workload = {
      name: 'golden',
      layers: [{ name: 'conv', layer: conv, count: 1 }, { name: 'gemv', layer: gemv.layer, count: 3 }],
    };
    const by = { id: 'roofline', version: rooflineVersion(DEFAULT_ROOFLINE_OPTIONS) };
    const evaluation = rooflineNetwork(workload, [convComputeBound.mapping, gemv.mapping], DEFAULT_ROOFLINE_OPTIONS, by);
    expect(evaluation.cycles).toBe(61_632);
    expect(evaluation.energy).toBeCloseTo(32_615_430.5536, 6);
    expect(evaluation.edp / (32_615_430.5536 * 61_632)).toBeCloseTo(1, 12);
    expect(evaluation.layers.map((l) => l.cycles)).toEqual([36_864, 8_256]);
    expect(evaluation.layers[1].accesses?.[0]).toMatchObject({
      level: 3, tensors: { W: { reads: 65_536 }, I: { reads: 256 }, O: { updates: 256 } }, cycles: 8_256,
    });
    expect(evaluation).toMatchObject({ fidelity: 'analytical', evaluator: 'roofline', evaluatorVersion: by.version });
  });
});
