import { type DesignPoint, type Workload, makeLayer, parseMapping } from '@polaris/core';

/**
 * Small DIM-4 fixtures for the rtl plugin's tests (no vitest here, so specs and scripts share
 * it). Every layer simulates in well under a second once the DIM-4 simulator is built.
 */

/** A 3×3 conv and a 1×1 conv run twice: 1,152 + 1,024 MACs. */
export function rtlTinyWorkload(): Workload {
  return {
    name: 'rtl-tiny',
    layers: [
      { name: 'conv3x3', layer: makeLayer({ R: 3, S: 3, P: 4, Q: 4, C: 4, K: 8, N: 1 }), count: 1 },
      { name: 'conv1x1', layer: makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: 8, N: 1 }), count: 2 },
    ],
  };
}

/** Two valid DIM-4 points using the whole 4×4 array (hundreds of cycles per layer). */
export function rtlTinyPoints(): DesignPoint[] {
  return [
    {
      hardware: { peDim: 4, spKB: 16, accKB: 16 },
      mappings: [
        parseMapping('L3[WIO] K2 - L2[WI] K4X - L1[O] C4X R3 S3 P4 Q4 - L0[W]'),
        parseMapping('L3[WIO] K2 C2 - L2[WI] K4X - L1[O] C4X P4 Q4 - L0[W]'),
      ],
    },
    {
      hardware: { peDim: 4, spKB: 32, accKB: 8 },
      mappings: [
        parseMapping('L3[WIO] K2 S3 - L2[WI] K4X - L1[O] C4X R3 Q4 P4 - L0[W]'),
        parseMapping('L3[WIO] C2 K2 - L2[WI] K4X - L1[O] C4X Q4 P4 - L0[W]'),
      ],
    },
  ];
}

/** A valid DIM-4 point with every loop at DRAM (one PE in use): ~500,000 cycles, for cycle caps and kills. */
export function rtlSlowPoint(): DesignPoint {
  return {
    hardware: { peDim: 4, spKB: 16, accKB: 16 },
    mappings: [
      parseMapping('L3[WIO] K8 C4 R3 S3 P4 Q4 - L2[WI] - L1[O] - L0[W]'),
      parseMapping('L3[WIO] K8 C8 P4 Q4 - L2[WI] - L1[O] - L0[W]'),
    ],
  };
}

/** Points the evaluator must reject: peDim 128 (valid for core, beyond the RTL's 64) and peDim 3. */
export function rtlInvalidPoints(): DesignPoint[] {
  const [valid] = rtlTinyPoints();
  return [
    { ...valid, hardware: { peDim: 128, spKB: 16, accKB: 16 } },
    { ...valid, hardware: { peDim: 3, spKB: 16, accKB: 16 } },
  ];
}

/** One 1×1 conv of 65,536 MACs with every loop at DRAM: several seconds of simulation, for kill tests. */
export function rtlLongRun(): { workload: Workload; point: DesignPoint } {
  return {
    workload: { name: 'rtl-long', layers: [{ name: 'conv1x1', layer: makeLayer({ R: 1, S: 1, P: 8, Q: 8, C: 32, K: 32, N: 1 }), count: 1 }] },
    point: { hardware: { peDim: 4, spKB: 16, accKB: 16 }, mappings: [parseMapping('L3[WIO] K32 C32 P8 Q8 - L2[WI] - L1[O] - L0[W]')] },
  };
}
