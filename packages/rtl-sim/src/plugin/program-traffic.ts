import type { DramLayout } from '../program/dram-layout.js';
import type { Instruction } from '../program/isa.js';

/**
 * What a program moves, by tensor, read statically off its instructions (the machine executes
 * every instruction exactly once, so these are the counts the counters total). Used to split
 * the harness's per-level counters, which do not name tensors, into weights / inputs / outputs.
 */
export interface ProgramTraffic {
  /** Scratchpad rows read: by PRELOAD (weights) and COMPUTE (input vectors). */
  readonly spReadRows: { readonly W: number; readonly I: number };
  /** Scratchpad rows written by MVIN, by the DRAM region they come from. */
  readonly spWriteRows: { readonly W: number; readonly I: number };
  /** DRAM bytes read: MVIN by region (weights, inputs), MVIN_ACC (outputs / partial sums). */
  readonly dramReadBytes: { readonly W: number; readonly I: number; readonly O: number };
  /** DRAM bytes written by MVOUT (int8 final outputs by narrow MVOUT, int32 partial sums otherwise). */
  readonly dramWriteBytes: number;
  /** DMA requests (≤ 64 bytes each, one or more per row). */
  readonly dramRequests: number;
  /** Input vectors through the array (Σ COMPUTE n). */
  readonly computeVectors: number;
  readonly instructions: number;
}

/** Bytes per DMA request at most (docs/isa.md). */
const REQUEST_BYTES = 64;

/** Tallies {@link ProgramTraffic} of `instructions`, attributing MVINs by the DRAM region of their first row. */
export function programTraffic(instructions: Iterable<Instruction>, layout: DramLayout): ProgramTraffic {
  const spRead = { W: 0, I: 0 };
  const spWrite = { W: 0, I: 0 };
  const dramRead = { W: 0, I: 0, O: 0 };
  let dramWriteBytes = 0;
  let dramRequests = 0;
  let computeVectors = 0;
  let count = 0;
  const inWeights = (addr: number) => addr >= layout.weights.base && addr < layout.weights.base + Math.max(1, layout.weights.bytes);
  for (const ins of instructions) {
    count++;
    switch (ins.op) {
      case 'MVIN': {
        const tensor = inWeights(ins.dramAddr) ? 'W' : 'I';
        spWrite[tensor] += ins.rows;
        dramRead[tensor] += ins.rows * ins.width;
        dramRequests += ins.rows * Math.ceil(ins.width / REQUEST_BYTES);
        break;
      }
      case 'MVIN_ACC':
        dramRead.O += ins.rows * ins.width * 4;
        dramRequests += ins.rows * Math.ceil((ins.width * 4) / REQUEST_BYTES);
        break;
      case 'MVOUT': {
        const bytes = ins.width * (ins.narrow ? 1 : 4); // narrow: int8 per word, else int32
        dramWriteBytes += ins.rows * bytes;
        dramRequests += ins.rows * Math.ceil(bytes / REQUEST_BYTES);
        break;
      }
      case 'PRELOAD':
        spRead.W += ins.rows;
        break;
      case 'COMPUTE':
        spRead.I += ins.vectors;
        computeVectors += ins.vectors;
        break;
      case 'CONFIG':
        break;
    }
  }
  return {
    spReadRows: spRead, spWriteRows: spWrite, dramReadBytes: dramRead, dramWriteBytes, dramRequests, computeVectors,
    instructions: count,
  };
}

/**
 * Splits a counter total in the proportions of `parts` (exact when the program's static count
 * equals the counter, as it should); all to `fallback` when the parts sum to 0.
 */
export function splitTotal<K extends string>(total: number, parts: Readonly<Record<K, number>>, fallback: NoInfer<K>): Record<K, number> {
  const keys = Object.keys(parts) as K[];
  const sum = keys.reduce((s, k) => s + parts[k], 0);
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = sum > 0 ? (total * parts[k]) / sum : (k === fallback ? total : 0);
  return out;
}
