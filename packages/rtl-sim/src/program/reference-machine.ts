import type { DramImage } from './dram-layout.js';
import {
  INSTRUCTION_WORDS, type Instruction, InstructionDecodeError, MAX_OUTPUT_SHIFT, accRowsMax, decodeInstruction, narrowOutput, spRowsMax,
} from './isa.js';

/**
 * A functional, untimed interpreter of the accelerator's ISA (docs/isa.md): executes the
 * instructions one after another in program order — what the pipelined machine computes,
 * since it orders every conflicting pair of instructions as the program does.
 *
 * State: scratchpad rows of DIM int8, accumulator rows of DIM int32, the array's DIM×DIM int8
 * weights, and a copy of DRAM. Before any CONFIG the limits are the physical sizes.
 */
export interface ReferenceMachineOptions {
  /** Array side DIM the program was generated for (2..64). */
  readonly dim: number;
  /** Also count, per DRAM byte, how often instructions read and wrote it (memory: 8 B per DRAM byte). */
  readonly countDramAccesses?: boolean;
}

/** Event counts with the harness's meanings (rows for sp/acc, bytes for DRAM). */
export interface MachineCounters {
  /** Σ c·k·n over COMPUTEs under a PRELOAD of c rows and k columns. */
  macs: number;
  instructions: number;
  spReads: number;
  spWrites: number;
  /** Accumulator row reads (MVOUT, and COMPUTE adds). */
  accReads: number;
  /** Accumulator row writes (MVIN_ACC, COMPUTE). */
  accWrites: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** PRELOAD instructions executed. */
  preloadWeightLoads: number;
}

/** The machine's state after the program ran. */
export interface MachineResult {
  /** DRAM after the run (a copy; the input image is not modified). */
  readonly dram: Uint8Array;
  readonly counters: MachineCounters;
  /** Per DRAM byte: reads by MVIN/MVIN_ACC and writes by MVOUT (only with `countDramAccesses`). */
  readonly dramReads?: Uint32Array;
  readonly dramWrites?: Uint32Array;
}

/** Why the machine stopped with an error. */
export type MachineErrorCode = 'bad-dim' | 'decode' | 'bad-count' | 'bad-width' | 'sp-range' | 'acc-range' | 'dram-range' | 'config-range';

/** The machine stopped: `code` says why, `instruction` is the index of the offending instruction. */
export class MachineError extends Error {
  override readonly name = 'MachineError';
  constructor(message: string, readonly code: MachineErrorCode, readonly instruction: number) {
    super(message);
  }
}

/**
 * Runs `instructions` (4 words each) on a copy of `dram`.
 * @throws MachineError on an unknown opcode, a count of 0, a width outside 1..DIM, a row beyond
 *   the sp/acc limit, a DRAM access outside the image or a CONFIG beyond the physical sizes.
 */
export function runReferenceMachine(instructions: Uint32Array, dram: DramImage | Uint8Array, options: ReferenceMachineOptions): MachineResult {
  const D = options.dim;
  if (!Number.isInteger(D) || D < 2 || D > 64 || (D & (D - 1)) !== 0) {
    throw new MachineError(`DIM = ${D} is not a power of two from 2 to 64`, 'bad-dim', -1);
  }
  const mem = (dram instanceof Uint8Array ? dram : dram.bytes).slice();
  const memView = new DataView(mem.buffer);
  const dramReads = options.countDramAccesses ? new Uint32Array(mem.length) : undefined;
  const dramWrites = options.countDramAccesses ? new Uint32Array(mem.length) : undefined;
  const sp = new Int8Array(spRowsMax(D) * D);
  const acc = new Int32Array(accRowsMax(D) * D);
  const array = new Int8Array(D * D); // array[row c · D + column k]
  let arrayRows = 0;
  let arrayCols = 0;
  let spLimit = spRowsMax(D);
  let accLimit = accRowsMax(D);
  let outputShift = 0;
  const counters: MachineCounters = {
    macs: 0, instructions: 0, spReads: 0, spWrites: 0, accReads: 0, accWrites: 0, dramReadBytes: 0, dramWriteBytes: 0, preloadWeightLoads: 0,
  };

  let pc = 0;
  const fail = (code: MachineErrorCode, message: string): never => {
    throw new MachineError(`instruction ${pc}: ${message}`, code, pc);
  };
  const checkCount = (n: number): void => {
    if (n < 1) fail('bad-count', `count n = 0; must be 1..65535`);
  };
  const checkWidth = (b: number, what: string): void => {
    if (b < 1 || b > D) fail('bad-width', `${what} = ${b} is outside 1..DIM (${D})`);
  };
  const checkRows = (first: number, n: number, stride: number, limit: number, code: 'sp-range' | 'acc-range'): void => {
    const last = first + (n - 1) * stride;
    if (last >= limit) fail(code, `${code === 'sp-range' ? 'scratchpad' : 'accumulator'} row ${last} is beyond the limit of ${limit} rows`);
  };
  const checkDram = (addr: number, bytes: number): void => {
    if (addr + bytes > mem.length) fail('dram-range', `DRAM bytes ${addr}..${addr + bytes - 1} are outside the ${mem.length}-byte image`);
  };

  for (let offset = 0; offset < instructions.length; offset += INSTRUCTION_WORDS, pc++) {
    let ins: Instruction;
    try {
      ins = decodeInstruction(instructions, offset);
    } catch (error) {
      if (error instanceof InstructionDecodeError) fail('decode', error.message);
      throw error;
    }
    counters.instructions++;
    switch (ins.op) {
      case 'CONFIG':
        if (ins.spRows > spRowsMax(D) || ins.accRows > accRowsMax(D)) {
          fail('config-range', `CONFIG limits (${ins.spRows} sp rows, ${ins.accRows} acc rows) exceed the physical ${spRowsMax(D)} and ${accRowsMax(D)}`);
        }
        if ((ins.outputShift ?? 0) > MAX_OUTPUT_SHIFT) fail('config-range', `CONFIG output shift ${ins.outputShift} is beyond ${MAX_OUTPUT_SHIFT}`);
        spLimit = ins.spRows;
        accLimit = ins.accRows;
        outputShift = ins.outputShift ?? 0;
        break;
      case 'MVIN': {
        checkCount(ins.rows);
        checkWidth(ins.width, 'MVIN width');
        checkRows(ins.spRow, ins.rows, 1, spLimit, 'sp-range');
        for (let i = 0; i < ins.rows; i++) {
          const src = ins.dramAddr + i * ins.dramStride;
          checkDram(src, ins.width);
          const dst = (ins.spRow + i) * D;
          for (let b = 0; b < D; b++) sp[dst + b] = b < ins.width ? mem[src + b] : 0;
          if (dramReads) for (let b = 0; b < ins.width; b++) dramReads[src + b]++;
        }
        counters.spWrites += ins.rows;
        counters.dramReadBytes += ins.rows * ins.width;
        break;
      }
      case 'MVIN_ACC': {
        checkCount(ins.rows);
        checkWidth(ins.width, 'MVIN_ACC width');
        checkRows(ins.accRow, ins.rows, 1, accLimit, 'acc-range');
        for (let i = 0; i < ins.rows; i++) {
          const src = ins.dramAddr + i * ins.dramStride;
          checkDram(src, 4 * ins.width);
          const dst = (ins.accRow + i) * D;
          for (let b = 0; b < D; b++) acc[dst + b] = b < ins.width ? memView.getInt32(src + 4 * b, true) : 0;
          if (dramReads) for (let b = 0; b < 4 * ins.width; b++) dramReads[src + b]++;
        }
        counters.accWrites += ins.rows;
        counters.dramReadBytes += 4 * ins.rows * ins.width;
        break;
      }
      case 'MVOUT': {
        checkCount(ins.rows);
        checkWidth(ins.width, 'MVOUT width');
        checkRows(ins.accRow, ins.rows, 1, accLimit, 'acc-range');
        const bytesPerWord = ins.narrow ? 1 : 4;
        for (let i = 0; i < ins.rows; i++) {
          const dst = ins.dramAddr + i * ins.dramStride;
          checkDram(dst, bytesPerWord * ins.width);
          const src = (ins.accRow + i) * D;
          if (ins.narrow) for (let b = 0; b < ins.width; b++) memView.setInt8(dst + b, narrowOutput(acc[src + b], outputShift));
          else for (let b = 0; b < ins.width; b++) memView.setInt32(dst + 4 * b, acc[src + b], true);
          if (dramWrites) for (let b = 0; b < bytesPerWord * ins.width; b++) dramWrites[dst + b]++;
        }
        counters.accReads += ins.rows;
        counters.dramWriteBytes += bytesPerWord * ins.rows * ins.width;
        break;
      }
      case 'PRELOAD': {
        checkCount(ins.rows);
        if (ins.rows > D) fail('bad-count', `PRELOAD rows c = ${ins.rows} exceed DIM (${D})`);
        checkWidth(ins.cols, 'PRELOAD columns k');
        checkRows(ins.spRow, ins.rows, 1, spLimit, 'sp-range');
        array.fill(0);
        for (let r = 0; r < ins.rows; r++) {
          for (let col = 0; col < ins.cols; col++) array[r * D + col] = sp[(ins.spRow + r) * D + col];
        }
        arrayRows = ins.rows;
        arrayCols = ins.cols;
        counters.spReads += ins.rows;
        counters.preloadWeightLoads++;
        break;
      }
      case 'COMPUTE': {
        checkCount(ins.vectors);
        checkRows(ins.spRow, ins.vectors, ins.spStride, spLimit, 'sp-range');
        checkRows(ins.accRow, ins.vectors, ins.accStride, accLimit, 'acc-range');
        for (let i = 0; i < ins.vectors; i++) {
          const x = (ins.spRow + i * ins.spStride) * D;
          const y = (ins.accRow + i * ins.accStride) * D;
          for (let col = 0; col < D; col++) {
            let sum = 0;
            if (col < arrayCols) for (let r = 0; r < arrayRows; r++) sum += array[r * D + col] * sp[x + r];
            acc[y + col] = ins.accumulate ? (acc[y + col] + sum) | 0 : sum | 0;
          }
        }
        counters.spReads += ins.vectors;
        counters.accWrites += ins.vectors;
        if (ins.accumulate) counters.accReads += ins.vectors;
        counters.macs += arrayRows * arrayCols * ins.vectors;
        break;
      }
    }
  }
  return { dram: mem, counters, dramReads, dramWrites };
}
