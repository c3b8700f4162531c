import { type HardwareConfig, type Layer, MappingSpace, Random, describeLayer, makeLayer, mappingViolations, parseMapping, rowCapacityViolations } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { generateProgram } from './generate-program.js';
import { ProgramTooLargeError, estimateProgramSize } from './program-size.js';

const LAYERS: Layer[] = [
  makeLayer({ R: 3, S: 3, P: 3, Q: 4, C: 6, K: 4, N: 1, Wstride: 2, Hstride: 2 }),
  makeLayer({ R: 1, S: 1, P: 12, Q: 1, C: 16, K: 8, N: 1 }),
  makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: 16, N: 1, Wstride: 2, Hstride: 2 }),
];
const HARDWARE: HardwareConfig = { peDim: 4, spKB: 1, accKB: 0.5 };

/** A ResNet-50 1×1 conv (C256 K256 P56 Q56, 205 M MACs) with every loop at DRAM: 205 M one-vector COMPUTEs. */
const HUGE_LAYER = makeLayer({ R: 1, S: 1, P: 56, Q: 56, C: 256, K: 256, N: 1 });
const HUGE_MAPPING = parseMapping('L3[WIO] K256 C256 P56 Q56 - L2[WI] - L1[O] - L0[W]');

describe('program size estimate', () => {
  it('counts COMPUTEs, vectors and MVOUTs exactly and bounds the instructions from below, on sampled mappings', () => {
    let checked = 0;
    for (const layer of LAYERS) {
      const space = new MappingSpace(layer);
      const rng = new Random('program-size').fork(describeLayer(layer));
      for (let draw = 0, kept = 0; draw < 3000 && kept < 15; draw++) {
        const mapping = space.sample(rng, HARDWARE.peDim);
        if (mappingViolations(layer, HARDWARE, mapping).length > 0 || rowCapacityViolations(layer, HARDWARE, mapping).length > 0) continue;
        const { estimate, stats } = generateProgram(layer, mapping, HARDWARE);
        expect(estimate.computes).toBe(stats.byOpcode.COMPUTE);
        expect(estimate.vectors).toBe(stats.vectors);
        expect(estimate.instructions).toBe(1 + stats.byOpcode.COMPUTE + stats.byOpcode.MVOUT);
        expect(estimate.instructions).toBeLessThanOrEqual(stats.instructions);
        expect(estimate.minCycles).toBe(Math.max(estimate.instructions, estimate.vectors));
        kept++;
        checked++;
      }
    }
    expect(checked).toBe(45);
  });

  it('refuses a huge program fast, naming the layer, the estimate, the limit and the fix', () => {
    const began = performance.now();
    let caught: unknown;
    try {
      generateProgram(HUGE_LAYER, HUGE_MAPPING, { peDim: 16, spKB: 64, accKB: 16 }, { maxInstructions: 4_000_000 });
    } catch (error) {
      caught = error;
    }
    expect(performance.now() - began).toBeLessThan(2000);
    expect(caught).toBeInstanceOf(ProgramTooLargeError);
    const error = caught as ProgramTooLargeError;
    expect(error.estimate.vectors).toBe(256 * 256 * 56 * 56);
    expect(error.message).toMatch(/layer R1 S1 P56 Q56 C256 K256 N1/);
    expect(error.message).toMatch(/at least 411,041,793 instructions/);
    expect(error.message).toMatch(/maxInstructions = 4,000,000/);
    expect(error.message).toMatch(/Fix: .*raise the rtl option maxInstructions/);
  });

  it('refuses a program whose cycle lower bound exceeds maxCycles', () => {
    expect(() => generateProgram(HUGE_LAYER, HUGE_MAPPING, { peDim: 16, spKB: 64, accKB: 16 }, { maxCycles: 1_000_000 }))
      .toThrow(/at least 411,041,793 cycles .* over the cycle cap maxCycles = 1,000,000/);
  });
});

describe('estimateProgramSize', () => {
  it('estimates without generating, and is undefined when the tiles do not fit the rows', () => {
    const estimate = estimateProgramSize(HUGE_LAYER, HUGE_MAPPING, { peDim: 16, spKB: 64, accKB: 16 });
    expect(estimate).toMatchObject({ computes: 205_520_896, vectors: 205_520_896, instructions: 411_041_793 });
    const layer = makeLayer({ R: 1, S: 1, P: 8, Q: 1, C: 64, K: 64, N: 1 });
    expect(estimateProgramSize(layer, parseMapping('L3[WIO] - L2[WI] K4X P8 C16 K16 - L1[O] C4X - L0[W]'), { peDim: 4, spKB: 1, accKB: 1 })).toBeUndefined();
  });
});
