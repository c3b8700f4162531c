/**
 * The rtl-sim accelerator's instruction set (packages/rtl-sim/docs/isa.md): opcodes, the
 * decoded form of an instruction, and its four-word encoding.
 *
 * Word 0 holds bits [7:0] opcode, bit [8] flag (COMPUTE: accumulate; MVOUT: narrow), bits [15:9] width
 * `b` and bits [31:16] count `n`. Row addresses are row indices; DRAM addresses are bytes.
 */

/** Opcode numbers, by mnemonic. */
export const OPCODES = { CONFIG: 0, MVIN: 1, MVIN_ACC: 2, MVOUT: 3, PRELOAD: 4, COMPUTE: 5 } as const;
/** An instruction mnemonic. */
export type OpcodeName = keyof typeof OPCODES;
/** Mnemonics indexed by opcode number. */
export const OPCODE_NAMES: readonly OpcodeName[] = ['CONFIG', 'MVIN', 'MVIN_ACC', 'MVOUT', 'PRELOAD', 'COMPUTE'];

/** Words per instruction. */
export const INSTRUCTION_WORDS = 4;
/** Largest count `n` (16 bits). */
export const MAX_COUNT = 0xffff;
/** Largest width `b` the 7-bit field holds (the machine accepts only 1..DIM). */
export const MAX_WIDTH_FIELD = 0x7f;
/** Largest COMPUTE scratchpad or accumulator stride (16 bits each). */
export const MAX_COMPUTE_STRIDE = 0xffff;
/** Scratchpad banks (row r lives in bank r mod 4). */
export const SP_BANKS = 4;
/** Physical scratchpad and accumulator size in bytes (2 MiB each). */
export const PHYSICAL_BUFFER_BYTES = 2 * 1024 * 1024;
/** Array sizes the RTL builds: powers of two 2..64. */
export const SUPPORTED_DIMS: readonly number[] = [2, 4, 8, 16, 32, 64];

/** Physical scratchpad rows of a build with array side `dim` (2 MiB / DIM). */
export const spRowsMax = (dim: number): number => PHYSICAL_BUFFER_BYTES / dim;
/** Physical accumulator rows of a build with array side `dim` (2 MiB / (4·DIM)). */
export const accRowsMax = (dim: number): number => PHYSICAL_BUFFER_BYTES / (4 * dim);

/** Largest CONFIG output shift (w3, 0..31). */
export const MAX_OUTPUT_SHIFT = 31;

/**
 * CONFIG: sets the run-time row limits and the right shift of narrow MVOUTs (`outputShift`,
 * 0..31, default 0; decoded only when non-zero); waits for every older instruction.
 */
export interface ConfigInstruction {
  readonly op: 'CONFIG'; readonly spRows: number; readonly accRows: number; readonly outputShift?: number;
}
/** MVIN: `rows` rows of `width` bytes from DRAM `dramAddr + i·dramStride` into sp rows `spRow + i`. */
export interface MvinInstruction {
  readonly op: 'MVIN'; readonly rows: number; readonly width: number;
  readonly dramAddr: number; readonly spRow: number; readonly dramStride: number;
}
/** MVIN_ACC: `rows` rows of `width` int32 (little-endian) words from DRAM into acc rows `accRow + i` (overwrite). */
export interface MvinAccInstruction {
  readonly op: 'MVIN_ACC'; readonly rows: number; readonly width: number;
  readonly dramAddr: number; readonly accRow: number; readonly dramStride: number;
}
/**
 * MVOUT: `rows` acc rows from `accRow`, `width` words each, to DRAM `dramAddr + i·dramStride`:
 * as int32 little-endian (4 bytes per word), or when `narrow` (w0 bit 8; decoded only when set)
 * as int8, one byte per word, `saturateInt8(acc >>> shift)` rounded half up (see {@link narrowOutput}).
 */
export interface MvoutInstruction {
  readonly op: 'MVOUT'; readonly rows: number; readonly width: number;
  readonly dramAddr: number; readonly accRow: number; readonly dramStride: number; readonly narrow?: boolean;
}
/** PRELOAD: array weights W[i][j] = sp row `spRow + i`, byte j, for i < `rows` (c), j < `cols` (k); the rest 0. */
export interface PreloadInstruction { readonly op: 'PRELOAD'; readonly rows: number; readonly cols: number; readonly spRow: number }
/** COMPUTE: `vectors` input vectors sp row `spRow + i·spStride` → acc row `accRow + i·accStride`, added when `accumulate`. */
export interface ComputeInstruction {
  readonly op: 'COMPUTE'; readonly vectors: number; readonly accumulate: boolean;
  readonly spRow: number; readonly accRow: number; readonly spStride: number; readonly accStride: number;
}

/** One decoded instruction. */
export type Instruction =
  | ConfigInstruction | MvinInstruction | MvinAccInstruction | MvoutInstruction | PreloadInstruction | ComputeInstruction;

/** An instruction word stream that does not decode (unknown opcode, truncated stream). */
export class InstructionDecodeError extends Error {
  override readonly name = 'InstructionDecodeError';
}

function field(value: number, bits: number, name: string, min = 0): number {
  if (!Number.isInteger(value) || value < min || value >= 2 ** bits) {
    throw new RangeError(`instruction field ${name} = ${value} does not fit: need an integer in ${min}..${2 ** bits - 1}`);
  }
  return value;
}

/**
 * The int8 a narrow MVOUT writes for accumulator word `acc` under CONFIG shift `shift`:
 * `clamp(floor((acc + 2^(shift−1)) / 2^shift), −128, 127)` (arithmetic shift right, rounding
 * half up; no rounding term when shift = 0).
 */
export function narrowOutput(acc: number, shift: number): number {
  const y = Math.floor((acc + (shift > 0 ? 2 ** (shift - 1) : 0)) / 2 ** shift);
  return y > 127 ? 127 : y < -128 ? -128 : y;
}

const word0 = (op: number, count: number, width: number, accumulate = false): number =>
  (op | (accumulate ? 0x100 : 0) | (field(width, 7, 'width') << 9) | (field(count, 16, 'count', 1) << 16)) >>> 0;

/**
 * The four words `[w0, w1, w2, w3]` of an instruction.
 * @throws RangeError when a field does not fit its bits (count 1..65535, width 0..127, 32-bit addresses, 16-bit COMPUTE strides).
 */
export function encodeInstruction(instruction: Instruction): [number, number, number, number] {
  const i = instruction;
  const u32 = (v: number, name: string): number => field(v, 32, name);
  switch (i.op) {
    case 'CONFIG':
      return [OPCODES.CONFIG, u32(i.spRows, 'spRows'), u32(i.accRows, 'accRows'), field(i.outputShift ?? 0, 5, 'outputShift')];
    case 'MVIN':
      return [word0(OPCODES.MVIN, i.rows, i.width), u32(i.dramAddr, 'dramAddr'), u32(i.spRow, 'spRow'), u32(i.dramStride, 'dramStride')];
    case 'MVIN_ACC':
      return [word0(OPCODES.MVIN_ACC, i.rows, i.width), u32(i.dramAddr, 'dramAddr'), u32(i.accRow, 'accRow'), u32(i.dramStride, 'dramStride')];
    case 'MVOUT':
      return [word0(OPCODES.MVOUT, i.rows, i.width, i.narrow ?? false), u32(i.dramAddr, 'dramAddr'), u32(i.accRow, 'accRow'), u32(i.dramStride, 'dramStride')];
    case 'PRELOAD':
      return [word0(OPCODES.PRELOAD, i.rows, i.cols), u32(i.spRow, 'spRow'), 0, 0];
    case 'COMPUTE':
      return [
        word0(OPCODES.COMPUTE, i.vectors, 0, i.accumulate), u32(i.spRow, 'spRow'), u32(i.accRow, 'accRow'),
        (field(i.spStride, 16, 'spStride') | (field(i.accStride, 16, 'accStride') << 16)) >>> 0,
      ];
  }
}

/**
 * Decodes the instruction at word `offset` (a multiple of 4) of `words`.
 * @throws InstructionDecodeError on an unknown opcode or fewer than four words left.
 */
export function decodeInstruction(words: ArrayLike<number>, offset = 0): Instruction {
  if (offset + INSTRUCTION_WORDS > words.length) {
    throw new InstructionDecodeError(`instruction at word ${offset} is truncated: ${words.length - offset} of 4 words present`);
  }
  const w0 = words[offset] >>> 0;
  const w1 = words[offset + 1] >>> 0;
  const w2 = words[offset + 2] >>> 0;
  const w3 = words[offset + 3] >>> 0;
  const op = w0 & 0xff;
  const accumulate = (w0 & 0x100) !== 0;
  const width = (w0 >>> 9) & 0x7f;
  const count = w0 >>> 16;
  switch (op) {
    case OPCODES.CONFIG: return { op: 'CONFIG', spRows: w1, accRows: w2, ...(w3 !== 0 ? { outputShift: w3 } : {}) };
    case OPCODES.MVIN: return { op: 'MVIN', rows: count, width, dramAddr: w1, spRow: w2, dramStride: w3 };
    case OPCODES.MVIN_ACC: return { op: 'MVIN_ACC', rows: count, width, dramAddr: w1, accRow: w2, dramStride: w3 };
    case OPCODES.MVOUT:
      return { op: 'MVOUT', rows: count, width, dramAddr: w1, accRow: w2, dramStride: w3, ...(accumulate ? { narrow: true } : {}) };
    case OPCODES.PRELOAD: return { op: 'PRELOAD', rows: count, cols: width, spRow: w1 };
    case OPCODES.COMPUTE:
      return { op: 'COMPUTE', vectors: count, accumulate, spRow: w1, accRow: w2, spStride: w3 & 0xffff, accStride: w3 >>> 16 };
    default:
      throw new InstructionDecodeError(`instruction ${offset / INSTRUCTION_WORDS} (word ${offset}) has unknown opcode ${op}`);
  }
}

/** Every instruction of a word stream, decoded in order. */
export function decodeProgram(words: ArrayLike<number>): Instruction[] {
  if (words.length % INSTRUCTION_WORDS !== 0) {
    throw new InstructionDecodeError(`a program has a multiple of 4 words, got ${words.length}`);
  }
  const out: Instruction[] = [];
  for (let offset = 0; offset < words.length; offset += INSTRUCTION_WORDS) out.push(decodeInstruction(words, offset));
  return out;
}

/** A growable instruction word stream (4 words per instruction). */
export class InstructionBuffer {
  private words = new Uint32Array(1024);
  private used = 0;

  /** Instructions appended so far. */
  get length(): number {
    return this.used / INSTRUCTION_WORDS;
  }

  /** Appends one instruction (see {@link encodeInstruction}). */
  push(instruction: Instruction): void {
    if (this.used + INSTRUCTION_WORDS > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    this.words.set(encodeInstruction(instruction), this.used);
    this.used += INSTRUCTION_WORDS;
  }

  /** A copy of the words written, exactly `4 · length` long. */
  toArray(): Uint32Array {
    return this.words.slice(0, this.used);
  }
}
