import { describe, expect, it } from 'vitest';
import { type Instruction, InstructionBuffer, OPCODES } from './isa.js';
import { MachineError, runReferenceMachine } from './reference-machine.js';

const program = (...instructions: Instruction[]): Uint32Array => {
  const buffer = new InstructionBuffer();
  for (const i of instructions) buffer.push(i);
  return buffer.toArray();
};

/** DRAM: weights W[c][k] (2×2) at 0, inputs x (3 vectors of 2) at 8, outputs at 64. */
function tinyDram(): Uint8Array {
  const dram = new Uint8Array(128);
  dram.set([1, 2, 3, 0xff], 0); // W = [[1, 2], [3, −1]]
  dram.set([1, 1, 2, 0xfe, 0x80, 1], 8); // x0 = (1, 1), x1 = (2, −2), x2 = (−128, 1)
  return dram;
}
const int32At = (dram: Uint8Array, addr: number): number => new DataView(dram.buffer).getInt32(addr, true);

describe('reference machine', () => {
  it('computes y[k] = Σ_c W[c][k]·x[c] with overwrite, add, strides and partial blocks', () => {
    const run = runReferenceMachine(program(
      { op: 'CONFIG', spRows: 16, accRows: 8 },
      { op: 'MVIN', rows: 2, width: 2, dramAddr: 0, spRow: 0, dramStride: 2 },
      { op: 'MVIN', rows: 3, width: 2, dramAddr: 8, spRow: 4, dramStride: 2 },
      { op: 'PRELOAD', rows: 2, cols: 2, spRow: 0 },
      { op: 'COMPUTE', vectors: 3, accumulate: false, spRow: 4, accRow: 0, spStride: 1, accStride: 2 },
      { op: 'COMPUTE', vectors: 1, accumulate: true, spRow: 4, accRow: 0, spStride: 0, accStride: 0 },
      { op: 'PRELOAD', rows: 1, cols: 1, spRow: 0 }, // W = [[1, 0], [0, 0]]
      { op: 'COMPUTE', vectors: 1, accumulate: false, spRow: 5, accRow: 6, spStride: 0, accStride: 0 },
      { op: 'MVOUT', rows: 4, width: 2, dramAddr: 64, accRow: 0, dramStride: 8 },
    ), tinyDram(), { dim: 2, countDramAccesses: true });
    const out = (row: number, col: number): number => int32At(run.dram, 64 + 8 * row + 4 * col);
    // x0·W = (1+3, 2−1) = (4, 1), added twice
    expect([out(0, 0), out(0, 1)]).toEqual([8, 2]);
    // acc row 1 untouched (0); x1·W = (2−6, 4+2) = (−4, 6) in row 2
    expect([out(1, 0), out(1, 1), out(2, 0), out(2, 1)]).toEqual([0, 0, -4, 6]);
    // MVOUT row 3 = acc row 3 (0); x2 went to acc row 4, not moved out
    expect([out(3, 0), out(3, 1)]).toEqual([0, 0]);
    expect(run.counters).toMatchObject({
      instructions: 9, macs: 4 * 3 + 4 + 1, preloadWeightLoads: 2, spWrites: 5, spReads: 2 + 3 + 1 + 1 + 1,
      accWrites: 5, accReads: 1 + 4, dramReadBytes: 10, dramWriteBytes: 32,
    });
    expect(run.dramWrites![64]).toBe(1);
    expect(run.dramReads![8]).toBe(1);
    // the image passed in is not modified
    expect(int32At(tinyDram(), 64)).toBe(0);
  });

  it('loads partial sums back with MVIN_ACC and zero-fills the rest of a row', () => {
    const dram = tinyDram();
    new DataView(dram.buffer).setInt32(96, -5, true);
    const run = runReferenceMachine(program(
      { op: 'CONFIG', spRows: 16, accRows: 8 },
      { op: 'MVIN_ACC', rows: 1, width: 1, dramAddr: 96, accRow: 1, dramStride: 0 },
      { op: 'MVIN', rows: 2, width: 2, dramAddr: 0, spRow: 0, dramStride: 2 },
      { op: 'MVIN', rows: 1, width: 2, dramAddr: 8, spRow: 2, dramStride: 0 },
      { op: 'PRELOAD', rows: 2, cols: 2, spRow: 0 },
      { op: 'COMPUTE', vectors: 1, accumulate: true, spRow: 2, accRow: 1, spStride: 0, accStride: 0 },
      { op: 'MVOUT', rows: 1, width: 2, dramAddr: 64, accRow: 1, dramStride: 0 },
    ), dram, { dim: 2 });
    expect([int32At(run.dram, 64), int32At(run.dram, 68)]).toEqual([-5 + 4, 1]);
  });

  it('writes narrow MVOUTs as int8: shifted, rounded half up and saturated on both sides', () => {
    const dram = tinyDram();
    const view = new DataView(dram.buffer);
    [5000, -5000, 24, -24, 8, -8, 2032, -2049].forEach((v, i) => view.setInt32(96 + 4 * i, v, true));
    const run = runReferenceMachine(program(
      { op: 'CONFIG', spRows: 16, accRows: 8, outputShift: 4 },
      { op: 'MVIN_ACC', rows: 4, width: 2, dramAddr: 96, accRow: 0, dramStride: 8 },
      { op: 'MVOUT', rows: 4, width: 2, dramAddr: 64, accRow: 0, dramStride: 3, narrow: true },
      { op: 'CONFIG', spRows: 16, accRows: 8 },
      { op: 'MVOUT', rows: 1, width: 2, dramAddr: 80, accRow: 2, dramStride: 0, narrow: true },
    ), dram, { dim: 2, countDramAccesses: true });
    const int8At = (addr: number): number => (run.dram[addr] << 24) >> 24;
    const rows = [0, 1, 2, 3].map((i) => [int8At(64 + 3 * i), int8At(65 + 3 * i)]);
    // 5000/16 and −5000/16 saturate; ±24/16 = ±1.5 → 2, −1; ±8/16 = ±0.5 → 1, 0; 127.0, −128.06 → −128
    expect(rows).toEqual([[127, -128], [2, -1], [1, 0], [127, -128]]);
    expect(run.dramWrites![66]).toBe(0); // stride 3: byte 2 of each row is not written
    // shift 0: ±8 pass through unchanged
    expect([int8At(80), int8At(81)]).toEqual([8, -8]);
    expect(run.counters.dramWriteBytes).toBe(4 * 2 + 2);
  });

  it('stops with a named error on bad widths, rows beyond the limits, DRAM overruns and unknown opcodes', () => {
    const run = (...ins: Instruction[]): void => {
      runReferenceMachine(program({ op: 'CONFIG', spRows: 4, accRows: 2 }, ...ins), tinyDram(), { dim: 2 });
    };
    const code = (f: () => void): string => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(MachineError);
        return (error as MachineError).code;
      }
      return 'none';
    };
    expect(code(() => run({ op: 'MVIN', rows: 1, width: 3, dramAddr: 0, spRow: 0, dramStride: 0 }))).toBe('bad-width');
    expect(code(() => run({ op: 'MVIN', rows: 2, width: 2, dramAddr: 0, spRow: 3, dramStride: 0 }))).toBe('sp-range');
    expect(code(() => run({ op: 'MVOUT', rows: 1, width: 2, dramAddr: 0, accRow: 2, dramStride: 0 }))).toBe('acc-range');
    expect(code(() => run({ op: 'COMPUTE', vectors: 2, accumulate: false, spRow: 0, accRow: 0, spStride: 3, accStride: 1 }))).toBe('none');
    expect(code(() => run({ op: 'COMPUTE', vectors: 2, accumulate: false, spRow: 0, accRow: 0, spStride: 4, accStride: 1 }))).toBe('sp-range');
    expect(code(() => run({ op: 'MVOUT', rows: 1, width: 2, dramAddr: 124, accRow: 0, dramStride: 0 }))).toBe('dram-range');
    expect(code(() => run({ op: 'PRELOAD', rows: 3, cols: 2, spRow: 0 }))).toBe('bad-count');
    expect(code(() => run({ op: 'CONFIG', spRows: 2 ** 20 + 1, accRows: 1 }))).toBe('config-range');
    expect(code(() => runReferenceMachine(Uint32Array.of(OPCODES.CONFIG, 4, 2, 32), tinyDram(), { dim: 2 }))).toBe('config-range');
    expect(code(() => run({ op: 'MVOUT', rows: 1, width: 2, dramAddr: 127, accRow: 0, dramStride: 0, narrow: true }))).toBe('dram-range');
    expect(code(() => run({ op: 'MVOUT', rows: 1, width: 2, dramAddr: 126, accRow: 0, dramStride: 0, narrow: true }))).toBe('none');
    expect(code(() => runReferenceMachine(Uint32Array.of(OPCODES.COMPUTE + 2, 0, 0, 0), tinyDram(), { dim: 2 }))).toBe('decode');
    expect(code(() => runReferenceMachine(Uint32Array.of(OPCODES.MVIN | (1 << 9), 0, 0, 0), tinyDram(), { dim: 2 }))).toBe('bad-count');
    expect(code(() => runReferenceMachine(new Uint32Array(0), tinyDram(), { dim: 3 }))).toBe('bad-dim');
  });
});
