import { analyzeLayer } from '@polaris/analytical';
import { type HardwareConfig, MappingSpace, Random, describeLayer, makeLayer, mappingViolations, printMapping } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { generateProgram } from './generate-program.js';
import { rowCapacityProblem } from './tile-plan.js';

/**
 * The program moves what the analytical (Timeloop-rule) model says the mapping moves at DRAM:
 * weight reads, output updates and output reads (partial sums) exactly; input reads at least
 * as many — the program reloads a whole input tile when it slides, where Timeloop keeps the
 * halo (the ISA has no scratchpad-to-scratchpad copy or circular addressing to keep it).
 */
const CASES: { layer: ReturnType<typeof makeLayer>; hw: HardwareConfig }[] = [
  { layer: makeLayer({ R: 3, S: 3, P: 6, Q: 4, C: 8, K: 8, N: 1, Wstride: 2 }), hw: { peDim: 4, spKB: 1, accKB: 0.5 } },
  { layer: makeLayer({ R: 1, S: 1, P: 16, Q: 1, C: 32, K: 16, N: 2 }), hw: { peDim: 8, spKB: 2, accKB: 1 } },
  { layer: makeLayer({ R: 3, S: 1, P: 8, Q: 2, C: 4, K: 12, N: 1, Wdilation: 2 }), hw: { peDim: 2, spKB: 0.25, accKB: 0.25 } },
];

describe('program DRAM traffic vs the analytical model', () => {
  it('matches weight reads and output updates/reads exactly, and never moves fewer input bytes', () => {
    let exactInputs = 0;
    for (const { layer, hw } of CASES) {
      const space = new MappingSpace(layer);
      const rng = new Random('traffic').fork(describeLayer(layer));
      let checked = 0;
      for (let draw = 0; draw < 3000 && checked < 25; draw++) {
        const mapping = space.sample(rng, hw.peDim);
        if (mappingViolations(layer, hw, mapping).length > 0 || rowCapacityProblem(layer, mapping, hw)) continue;
        checked++;
        const dram = analyzeLayer(layer, hw, mapping).accesses!.find((a) => a.level === 3)!.tensors;
        const { stats } = generateProgram(layer, mapping, hw);
        const where = `${describeLayer(layer)} "${printMapping(mapping)}"`;
        expect(stats.bytesIn.weights, where).toBe(dram.W!.reads);
        // final outputs leave once as int8 (one word each), spilled partial sums as int32
        expect(stats.bytesOut.outputs + stats.bytesOut.partialSums / 4, where).toBe(dram.O!.updates);
        expect(stats.bytesOut.outputs, where).toBe(layer.N * layer.P * layer.Q * layer.K);
        expect(stats.bytesIn.partialSums / 4, where).toBe(dram.O!.reads);
        expect(stats.bytesIn.inputs, where).toBeGreaterThanOrEqual(dram.I!.reads);
        const slides = mapping.levels[3].loops.some((l) => l.factor > 1 && 'PQRS'.includes(l.dim));
        if (!slides) {
          expect(stats.bytesIn.inputs, where).toBe(dram.I!.reads);
          exactInputs++;
        }
      }
      expect(checked).toBe(25);
    }
    expect(exactInputs).toBeGreaterThan(0);
  });
});
