import { type HardwareConfig, type Loop, type Mapping, InvalidMappingError, makeLayer, parseMapping, printMapping } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { checkProgram } from './check-program.testing.js';
import { decodeProgram } from './isa.js';
import { UnsupportedHardwareError, generateProgram } from './generate-program.js';
import { ProgramCapacityError, rowCapacityProblem } from './tile-plan.js';

const hw = (peDim: number, spKB = 4, accKB = 4): HardwareConfig => ({ peDim, spKB, accKB });

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** The mapping with one level's loops reordered (spatial loops stay last). */
function withLevelOrder(mapping: Mapping, level: number, loops: readonly Loop[]): Mapping {
  const levels = mapping.levels.map((l, i) => (i === level ? { ...l, loops } : l));
  return { levels: levels as unknown as Mapping['levels'] };
}

describe('generateProgram on hand-written mappings', () => {
  const cases: { name: string; layer: Parameters<typeof makeLayer>[0]; mapping: string; hw: HardwareConfig }[] = [
    { name: 'matmul, everything at L2/L1', layer: { R: 1, S: 1, P: 8, Q: 1, C: 8, K: 8, N: 1 },
      mapping: 'L3[WIO] - L2[WI] K2 C2 K4X - L1[O] P2 C4X - L0[W] P4', hw: hw(4) },
    { name: 'matmul, L3 tiling over K, C, P', layer: { R: 1, S: 1, P: 8, Q: 1, C: 8, K: 8, N: 1 },
      mapping: 'L3[WIO] K2 C2 P2 - L2[WI] K4X - L1[O] P2 C4X - L0[W] P2', hw: hw(4) },
    { name: 'matmul with batch, no spatial', layer: { R: 1, S: 1, P: 3, Q: 1, C: 5, K: 6, N: 2 },
      mapping: 'L3[WIO] N2 K3 - L2[WI] C5 K2 - L1[O] P3 - L0[W]', hw: hw(2, 1, 1) },
    { name: 'conv 3x3 stride 2', layer: { R: 3, S: 3, P: 4, Q: 3, C: 4, K: 8, N: 1, Wstride: 2, Hstride: 2 },
      mapping: 'L3[WIO] Q3 K2 - L2[WI] S3 K4X - L1[O] R3 C4X - L0[W] P4', hw: hw(4) },
    { name: 'conv 3x3 dilation 2, partial blocks c=3 < DIM, k=2 < DIM', layer: { R: 3, S: 3, P: 4, Q: 4, C: 6, K: 4, N: 1, Wdilation: 2, Hdilation: 2 },
      mapping: 'L3[WIO] C2 P2 - L2[WI] K2 S3 K2X - L1[O] R3 Q4 C3X - L0[W] P2', hw: hw(4) },
    { name: 'reduction outside the output loops: partial sums spill', layer: { R: 2, S: 2, P: 4, Q: 2, C: 8, K: 4, N: 2 },
      mapping: 'L3[WIO] C2 R2 N2 - L2[WI] S2 Q2 K4X - L1[O] C4X - L0[W] P4', hw: hw(4) },
    { name: 'DIM 8, DOSA-style nest', layer: { R: 3, S: 3, P: 8, Q: 4, C: 16, K: 16, N: 1 },
      mapping: 'L3[WIO] K2 Q2 - L2[WI] C2 K8X - L1[O] S3 R3 Q2 C8X - L0[W] P8', hw: hw(8, 16, 4) },
    { name: 'asymmetric strides and dilations', layer: { R: 2, S: 3, P: 3, Q: 2, C: 4, K: 4, N: 1, Wstride: 2, Hstride: 1, Wdilation: 1, Hdilation: 2 },
      mapping: 'L3[WIO] S3 P3 - L2[WI] R2 K2X - L1[O] Q2 K2 C4X - L0[W]', hw: hw(4, 1, 1) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      checkProgram(makeLayer(c.layer), parseMapping(c.mapping), c.hw);
    });
  }

  it('is correct for every order of each level\'s loops', () => {
    const layer = makeLayer({ R: 3, S: 3, P: 4, Q: 4, C: 8, K: 8, N: 2, Wstride: 2, Hdilation: 2 });
    const base = parseMapping('L3[WIO] K2 Q2 C2 N2 - L2[WI] R3 P2 K2X - L1[O] S3 C2 K2 C2X - L0[W] P2 Q2');
    const seen = new Set<string>();
    for (let level = 0; level < 4; level++) {
      const temporal = base.levels[level].loops.filter((l) => !l.spatial);
      const spatial = base.levels[level].loops.filter((l) => l.spatial);
      for (const order of permutations(temporal)) {
        const mapping = withLevelOrder(base, level, [...order, ...spatial]);
        seen.add(printMapping(mapping));
        checkProgram(layer, mapping, hw(2, 2, 1));
      }
    }
    expect(seen.size).toBe(24 + 2 + 6 + 2 - 3);
  });

  it('streams L1 and L0 output loops in few COMPUTEs and reuses unchanged tiles', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 64, Q: 1, C: 4, K: 4, N: 1 });
    const program = checkProgram(layer, parseMapping('L3[WIO] P2 - L2[WI] K4X - L1[O] P4 C4X - L0[W] P8'), hw(4));
    // one weight tile (loaded once), two input tiles, one PRELOAD, one COMPUTE of 32 vectors per tile
    expect(program.stats.byOpcode.PRELOAD).toBe(1);
    expect(program.stats.byOpcode.COMPUTE).toBe(2);
    expect(program.stats.bytesIn.weights).toBe(16);
    expect(program.stats.doubleBuffered).toEqual({ weights: false, inputs: true, accumulator: true });
    // the second input tile is prefetched into the other copy before the first tile computes
    const ops = decodeProgram(program.instructions).map((i) => (i.op === 'MVIN' ? `MVIN@${i.spRow}` : i.op));
    expect(ops).toEqual(['CONFIG', 'MVIN@0', 'MVIN@4', 'MVIN@36', 'PRELOAD', 'COMPUTE', 'MVOUT', 'COMPUTE', 'MVOUT']);
  });

  it('single-buffers when two copies do not fit', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 32, Q: 1, C: 4, K: 4, N: 1 });
    // inputs tile 16 rows + weights 4 rows; 20 of 24 rows used, a second input copy does not fit
    const program = checkProgram(layer, parseMapping('L3[WIO] P2 - L2[WI] K4X - L1[O] P16 C4X - L0[W]'), { peDim: 4, spKB: (24 * 4) / 1024, accKB: 1 });
    expect(program.stats.doubleBuffered.inputs).toBe(false);
    expect(program.stats.spRowsUsed).toBe(20);
  });

  it('rejects DIM > 64, invalid mappings and tiles that do not fit row by row', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 4, K: 4, N: 1 });
    const mapping = parseMapping('L3[WIO] P4 C4 K4 - L2[WI] - L1[O] - L0[W]');
    expect(() => generateProgram(layer, mapping, hw(128))).toThrow(UnsupportedHardwareError);
    expect(() => generateProgram(layer, mapping, hw(64))).not.toThrow();
    expect(() => generateProgram(layer, parseMapping('L3[WIO] P4 C4 - L2[WI] - L1[O] - L0[W]'), hw(4))).toThrow(InvalidMappingError);
    // Timeloop counts 16 weight + 16 input bytes (fits 32 B); rows of DIM=8 bytes need 4 + 4·… rows
    const rowBound = parseMapping('L3[WIO] - L2[WI] P4 C4 K4 - L1[O] - L0[W]');
    expect(() => generateProgram(layer, rowBound, { peDim: 8, spKB: 32 / 1024, accKB: 1 })).toThrow(ProgramCapacityError);
    expect(() => generateProgram(layer, rowBound, { peDim: 8, spKB: 32 / 1024, accKB: 1 })).toThrow(/scratchpad: the L2 tile .* needs 32 rows of 8 bytes/);
    expect(rowCapacityProblem(layer, rowBound, { peDim: 8, spKB: 32 / 1024, accKB: 1 })).toMatch(/needs 32 rows/);
    expect(rowCapacityProblem(layer, rowBound, { peDim: 8, spKB: 256 / 1024, accKB: 1 })).toBeUndefined();
  });

  it('is deterministic in the seed and honours given tensors', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 2, Q: 1, C: 2, K: 2, N: 1 });
    const mapping = parseMapping('L3[WIO] - L2[WI] K2X - L1[O] C2X - L0[W] P2');
    const a = generateProgram(layer, mapping, hw(2), { seed: 7 });
    const b = generateProgram(layer, mapping, hw(2), { seed: 7 });
    expect(a.dram.bytes).toEqual(b.dram.bytes);
    const given = generateProgram(layer, mapping, hw(2), { weights: Int8Array.of(1, 2, 3, 4), inputs: Int8Array.of(1, 1, 2, -1) });
    // out[p][k] = Σ_c in[p][c]·W[c][k]: p0 = (1+3, 2+4), p1 = (2−3, 4−4)
    expect(Array.from(given.expected)).toEqual([4, 6, -1, 0]);
    expect(given.outputShift).toBe(0);
  });

  it('writes final outputs as int8 after the per-layer shift and spills partial sums as int32', () => {
    const layer = makeLayer({ R: 2, S: 2, P: 4, Q: 2, C: 8, K: 4, N: 2 });
    const program = checkProgram(layer, parseMapping('L3[WIO] C2 R2 N2 - L2[WI] S2 Q2 K4X - L1[O] C4X - L0[W] P4'), hw(4));
    const { dram } = program.layout;
    // random int8 sums of 32 products reach far beyond int8: shift = bit length of max|sum| − 7
    let max = 0;
    for (const v of program.expectedSums) max = Math.max(max, Math.abs(v));
    expect(program.outputShift).toBe(Math.max(0, Math.ceil(Math.log2(max + 1)) - 7));
    expect(program.outputShift).toBeGreaterThan(0);
    const config = decodeProgram(program.instructions)[0];
    expect(config).toMatchObject({ op: 'CONFIG', outputShift: program.outputShift });
    // 8 visits per output (C2 R2 at L3, S2 at L2 outside Q2): 7 int32 spills, then one int8 write
    expect(program.stats.outputVisits).toBe(8);
    expect(program.stats.bytesOut).toEqual({ outputs: dram.outputs.bytes, partialSums: 7 * dram.partialSums.bytes, total: dram.outputs.bytes + 7 * dram.partialSums.bytes });
    expect(dram.partialSums.bytes).toBe(4 * dram.outputs.bytes);
    // a given shift is used as is
    const shifted = generateProgram(layer, program.mapping, hw(4), { outputShift: 31 });
    expect(decodeProgram(shifted.instructions)[0]).toMatchObject({ outputShift: 31 });
    expect(shifted.expected.every((v) => v === 0 || v === -1)).toBe(true);
  });
});
