import { type HardwareConfig, type Layer, type Mapping, inputHeight, inputWidth, layerMacs } from '@polaris/core';
import { expect } from 'vitest';
import { readOutputs } from './dram-layout.js';
import { type GeneratedProgram, generateProgram } from './generate-program.js';
import { OPCODE_NAMES, decodeProgram, encodeInstruction } from './isa.js';
import { runReferenceMachine } from './reference-machine.js';

/**
 * Test support (used by the specs only): generates a program, runs it on the reference machine
 * and asserts everything a correct program must satisfy.
 */

/** Per input byte (N,H,W,C order), whether some output reads it. */
export function usedInputMask(layer: Layer): Uint8Array {
  const H = inputHeight(layer);
  const W = inputWidth(layer);
  const used = new Uint8Array(layer.N * H * W * layer.C);
  for (let n = 0; n < layer.N; n++) {
    for (let p = 0; p < layer.P; p++) {
      for (let q = 0; q < layer.Q; q++) {
        for (let r = 0; r < layer.R; r++) {
          for (let s = 0; s < layer.S; s++) {
            const h = q * layer.Hstride + s * layer.Hdilation;
            const w = p * layer.Wstride + r * layer.Wdilation;
            used.fill(1, ((n * H + h) * W + w) * layer.C, ((n * H + h) * W + w + 1) * layer.C);
          }
        }
      }
    }
  }
  return used;
}

/**
 * Times each output must be written, read off the mapping text directly: the product of the
 * R/S/C loops of L3 and L2 that sit outside the innermost N/P/Q/K loop of L3 and L2.
 */
export function expectedOutputVisits(mapping: Mapping): number {
  const outer = [...mapping.levels[3].loops, ...mapping.levels[2].loops].filter((l) => !l.spatial && l.factor > 1);
  const last = outer.map((l) => 'NPQK'.includes(l.dim)).lastIndexOf(true);
  return outer.slice(0, Math.max(0, last)).filter((l) => 'RSC'.includes(l.dim)).reduce((p, l) => p * l.factor, 1);
}

/**
 * Every MVIN_ACC reading DRAM bytes that an MVOUT wrote must be ordered after that MVOUT by the
 * machine's row-range rule (the DMA does not track DRAM): some MVOUT from that one up to the
 * MVIN_ACC (the store queue is in order) must read acc rows the MVIN_ACC writes.
 */
export function expectPartialSumsOrdered(instructions: Uint32Array): void {
  const decoded = decodeProgram(instructions);
  const lastWriter = new Map<number, number>();
  decoded.forEach((ins, t) => {
    if (ins.op === 'MVOUT') {
      for (let i = 0; i < ins.rows; i++) lastWriter.set(ins.dramAddr + i * ins.dramStride, t);
    } else if (ins.op === 'MVIN_ACC') {
      let oldest = t;
      for (let i = 0; i < ins.rows; i++) oldest = Math.min(oldest, lastWriter.get(ins.dramAddr + i * ins.dramStride) ?? t);
      if (oldest === t) return;
      const ordered = decoded.slice(oldest, t).some((o) => o.op === 'MVOUT' && o.accRow < ins.accRow + ins.rows && ins.accRow < o.accRow + o.rows);
      expect(ordered, `MVIN_ACC ${t} may overtake MVOUT ${oldest}`).toBe(true);
    }
  });
}

/** Generates, runs and checks one program; returns it. */
export function checkProgram(layer: Layer, mapping: Mapping, hardware: HardwareConfig, seed = 1): GeneratedProgram {
  const program = generateProgram(layer, mapping, hardware, { seed });
  const run = runReferenceMachine(program.instructions, program.dram, { dim: hardware.peDim, countDramAccesses: true });
  const { dram } = program.layout;

  const got = readOutputs(dram, run.dram);
  const want = program.expected;
  let mismatch = -1;
  for (let i = 0; i < want.length && mismatch < 0; i++) if (got[i] !== want[i]) mismatch = i;
  expect(mismatch, mismatch >= 0 ? `output ${mismatch}: got ${got[mismatch]}, want ${want[mismatch]}` : '').toBe(-1);

  expect(program.stats.macs).toBe(layerMacs(layer));
  expect(run.counters.macs).toBe(layerMacs(layer));
  expect(run.counters.dramReadBytes).toBe(program.stats.bytesIn.total);
  expect(run.counters.dramWriteBytes).toBe(program.stats.bytesOut.total);

  const reads = run.dramReads!;
  const writes = run.dramWrites!;
  const used = usedInputMask(layer);
  for (let i = 0; i < used.length; i++) {
    if (used[i] && reads[dram.inputs.base + i] === 0) expect.fail(`input byte ${i} is used but never moved in`);
  }
  for (let i = 0; i < dram.weights.bytes; i++) {
    if (reads[dram.weights.base + i] === 0) expect.fail(`weight byte ${i} is never moved in`);
  }
  const visits = expectedOutputVisits(mapping);
  expect(program.stats.outputVisits).toBe(visits);
  // each int8 output is written once (its last visit); each earlier visit spills int32 partial sums
  for (let i = 0; i < dram.outputs.bytes; i++) {
    if (writes[dram.outputs.base + i] !== 1) expect.fail(`output byte ${i} written ${writes[dram.outputs.base + i]} times, want 1`);
  }
  for (let i = 0; i < dram.partialSums.bytes; i++) {
    const w = writes[dram.partialSums.base + i];
    if (w !== visits - 1) expect.fail(`partial-sum byte ${i} written ${w} times, want ${visits - 1}`);
  }
  expect(program.stats.bytesOut.outputs).toBe(dram.outputs.bytes);
  expect(program.stats.bytesOut.partialSums).toBe((visits - 1) * dram.partialSums.bytes);
  // the shift keeps the outputs informative: not all saturated, and the largest reaches the top half of int8
  const sums = program.expectedSums;
  let maxAbs = 0;
  for (const v of sums) maxAbs = Math.max(maxAbs, Math.abs(v));
  let maxOut = 0;
  for (const v of want) maxOut = Math.max(maxOut, Math.abs(v));
  if (maxAbs > 0) expect(maxOut, `shift ${program.outputShift}, max |sum| ${maxAbs}`).toBeGreaterThanOrEqual(64);
  if (sums.length <= 1024) expect(want.some((v) => v > -128 && v < 127)).toBe(true);
  if (visits === 1) expect(program.stats.byOpcode.MVIN_ACC).toBe(0);
  expectPartialSumsOrdered(program.instructions);

  const decoded = decodeProgram(program.instructions);
  expect(decoded.length).toBe(program.stats.instructions);
  // narrow MVOUTs go to the int8 output region; int32 MVOUTs and MVIN_ACCs to the partial-sum region
  const inRegion = (addr: number, region: { base: number; bytes: number }): boolean => addr >= region.base && addr < region.base + region.bytes;
  for (const ins of decoded) {
    if (ins.op === 'MVOUT') expect(inRegion(ins.dramAddr, ins.narrow ? dram.outputs : dram.partialSums)).toBe(true);
    if (ins.op === 'MVIN_ACC') expect(inRegion(ins.dramAddr, dram.partialSums)).toBe(true);
  }
  expect(decoded[0]).toMatchObject({ op: 'CONFIG' });
  expect((decoded[0] as { outputShift?: number }).outputShift ?? 0).toBe(program.outputShift);
  for (const name of OPCODE_NAMES) expect(decoded.filter((d) => d.op === name).length).toBe(program.stats.byOpcode[name]);
  const reencoded = new Uint32Array(decoded.flatMap((d) => encodeInstruction(d)));
  expect(reencoded).toEqual(program.instructions);
  return program;
}
