import { describe, expect, it } from 'vitest';
import {
  type Instruction, InstructionBuffer, InstructionDecodeError, decodeInstruction, decodeProgram, encodeInstruction, narrowOutput,
} from './isa.js';

const EXAMPLES: Instruction[] = [
  { op: 'CONFIG', spRows: 8192, accRows: 512 },
  { op: 'MVIN', rows: 65535, width: 16, dramAddr: 0xfffffff0, spRow: 131071, dramStride: 64 },
  { op: 'MVIN_ACC', rows: 3, width: 64, dramAddr: 1024, accRow: 7, dramStride: 0 },
  { op: 'MVOUT', rows: 1, width: 1, dramAddr: 4, accRow: 0, dramStride: 256 },
  { op: 'MVOUT', rows: 9, width: 16, dramAddr: 64, accRow: 3, dramStride: 16, narrow: true },
  { op: 'CONFIG', spRows: 64, accRows: 8, outputShift: 31 },
  { op: 'PRELOAD', rows: 16, cols: 9, spRow: 12345 },
  { op: 'COMPUTE', vectors: 112, accumulate: true, spRow: 40, accRow: 9, spStride: 65535, accStride: 1 },
  { op: 'COMPUTE', vectors: 1, accumulate: false, spRow: 0, accRow: 0, spStride: 0, accStride: 65535 },
];

describe('instruction encoding', () => {
  it('puts opcode, flag, width and count in word 0 as isa.md says', () => {
    expect(encodeInstruction({ op: 'MVIN', rows: 3, width: 16, dramAddr: 1, spRow: 2, dramStride: 3 })).toEqual([
      (3 << 16) | (16 << 9) | 1, 1, 2, 3,
    ]);
    const [w0, , , w3] = encodeInstruction({ op: 'COMPUTE', vectors: 2, accumulate: true, spRow: 0, accRow: 0, spStride: 5, accStride: 7 });
    expect(w0).toBe((2 << 16) | 0x100 | 5);
    expect(w3).toBe((7 << 16) | 5);
    expect(encodeInstruction({ op: 'PRELOAD', rows: 4, cols: 2, spRow: 9 })).toEqual([(4 << 16) | (2 << 9) | 4, 9, 0, 0]);
    expect(encodeInstruction({ op: 'MVOUT', rows: 2, width: 4, dramAddr: 1, accRow: 2, dramStride: 3, narrow: true })).toEqual([
      (2 << 16) | (4 << 9) | 0x100 | 3, 1, 2, 3,
    ]);
    expect(encodeInstruction({ op: 'CONFIG', spRows: 1, accRows: 2, outputShift: 7 })).toEqual([0, 1, 2, 7]);
    expect(() => encodeInstruction({ op: 'CONFIG', spRows: 1, accRows: 2, outputShift: 32 })).toThrow(/outputShift/);
  });

  it('decodes back what it encodes', () => {
    for (const ins of EXAMPLES) expect(decodeInstruction(encodeInstruction(ins))).toEqual(ins);
    const buffer = new InstructionBuffer();
    for (let i = 0; i < 600; i++) buffer.push(EXAMPLES[i % EXAMPLES.length]);
    expect(buffer.length).toBe(600);
    expect(decodeProgram(buffer.toArray())).toEqual(Array.from({ length: 600 }, (_, i) => EXAMPLES[i % EXAMPLES.length]));
  });

  it('rejects fields that do not fit and words that do not decode', () => {
    expect(() => encodeInstruction({ op: 'MVIN', rows: 0, width: 4, dramAddr: 0, spRow: 0, dramStride: 0 })).toThrow(/count/);
    expect(() => encodeInstruction({ op: 'MVIN', rows: 65536, width: 4, dramAddr: 0, spRow: 0, dramStride: 0 })).toThrow(/count/);
    expect(() => encodeInstruction({ op: 'MVOUT', rows: 1, width: 128, dramAddr: 0, accRow: 0, dramStride: 0 })).toThrow(/width/);
    expect(() => encodeInstruction({ op: 'COMPUTE', vectors: 1, accumulate: false, spRow: 0, accRow: 0, spStride: 65536, accStride: 0 })).toThrow(/spStride/);
    expect(() => encodeInstruction({ op: 'MVIN', rows: 1, width: 4, dramAddr: 2 ** 32, spRow: 0, dramStride: 0 })).toThrow(/dramAddr/);
    expect(() => decodeInstruction([6, 0, 0, 0])).toThrow(InstructionDecodeError);
    expect(() => decodeInstruction([1, 0, 0])).toThrow(/truncated/);
    expect(() => decodeProgram(new Uint32Array(5))).toThrow(/multiple of 4/);
  });

  it('narrows accumulator words to int8: arithmetic shift, round half up, saturate', () => {
    expect([0, 5, -5, 127, 128, -128, -129, 2 ** 31 - 1, -(2 ** 31)].map((v) => narrowOutput(v, 0))).toEqual([0, 5, -5, 127, 127, -128, -128, 127, -128]);
    expect([24, -24, 8, -8, 7, -9, 2031, 2032, -2048, -2049, 2 ** 31 - 1, -(2 ** 31)].map((v) => narrowOutput(v, 4)))
      .toEqual([2, -1, 1, 0, 0, -1, 127, 127, -128, -128, 127, -128]);
    expect(narrowOutput(-(2 ** 31), 31)).toBe(-1);
    expect(narrowOutput(2 ** 31 - 1, 31)).toBe(1);
  });
});
