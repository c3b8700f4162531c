import { type HardwareConfig, type Layer, type Mapping, assertValidMapping, layerMacs } from '@polaris/core';
import { forEachRun } from './box.js';
import { planComputeRuns } from './compute-stream.js';
import { type DramImage, buildDramImage, dramLayout } from './dram-layout.js';
import { InstructionBuffer, type OpcodeName, SUPPORTED_DIMS } from './isa.js';
import { OUTPUT_DIMS, REDUCTION_DIMS, buildLoopNest } from './loop-nest.js';
import { narrowOutputs, outputShiftFor, randomLayerTensors, referenceConv } from './reference-conv.js';
import { type ProgramSizeEstimate, checkProgramSize, programSizeOf } from './program-size.js';
import { type ProgramLayout, planTiles } from './tile-plan.js';

/** Options of {@link generateProgram}. */
export interface GenerateProgramOptions {
  /** Seed of the random int8 tensors (default 1); ignored for tensors given below. */
  readonly seed?: number | string;
  /** Weights to use, int8 R,S,C,K (default: seeded random). */
  readonly weights?: Int8Array;
  /** Inputs to use, int8 N,H,W,C (default: seeded random). */
  readonly inputs?: Int8Array;
  /** CONFIG output shift of the int8 outputs, 0..31 (default: {@link outputShiftFor} of the tensors). */
  readonly outputShift?: number;
  /**
   * Refuse (ProgramTooLargeError, before generating anything) a program whose instruction
   * count lower bound ({@link ProgramSizeEstimate}) exceeds this; default unlimited.
   */
  readonly maxInstructions?: number;
  /** Refuse likewise a program whose cycle lower bound exceeds this; default unlimited. */
  readonly maxCycles?: number;
}

/** What a program does, counted while generating it. */
export interface ProgramStats {
  /** Instructions in the program, CONFIG included. */
  readonly instructions: number;
  readonly byOpcode: Readonly<Record<OpcodeName, number>>;
  /** Σ c·k·n over COMPUTEs; equals the layer's MACs. */
  readonly macs: number;
  /** Input vectors streamed (Σ n over COMPUTEs). */
  readonly vectors: number;
  /** DRAM bytes read: weights and inputs by MVIN, partial sums (4 B per word) by MVIN_ACC. */
  readonly bytesIn: { readonly weights: number; readonly inputs: number; readonly partialSums: number; readonly total: number };
  /**
   * DRAM bytes written by MVOUT: final outputs by narrow MVOUT (1 B per word, int8) and
   * spilled partial sums by int32 MVOUT (4 B per word).
   */
  readonly bytesOut: { readonly outputs: number; readonly partialSums: number; readonly total: number };
  /** Times each output element is moved out (1 unless reduction loops sit outside its accumulator residency). */
  readonly outputVisits: number;
  /** Which tiles alternate between two copies (see tile-plan.ts for the policy). */
  readonly doubleBuffered: { readonly weights: boolean; readonly inputs: boolean; readonly accumulator: boolean };
  /** Scratchpad and accumulator rows the program uses, copies included. */
  readonly spRowsUsed: number;
  readonly accRowsUsed: number;
}

/** One layer lowered to the accelerator: the three files' contents plus bookkeeping. */
export interface GeneratedProgram {
  readonly layer: Layer;
  readonly mapping: Mapping;
  readonly hardware: HardwareConfig;
  /** Instruction words, 4 per instruction (see isa.ts). */
  readonly instructions: Uint32Array;
  /** DRAM before the run: weights and inputs in place, outputs and partial sums zero. */
  readonly dram: DramImage;
  readonly weights: Int8Array;
  readonly inputs: Int8Array;
  /** CONFIG shift of the narrow MVOUTs that write the final outputs. */
  readonly outputShift: number;
  /** Reference sums, int32 N,P,Q,K (computed on first access: large layers take a while). */
  readonly expectedSums: Int32Array;
  /** Reference outputs as the output region must hold them: int8 N,P,Q,K, `narrowOutput(sum, outputShift)` (computed on first access). */
  readonly expected: Int8Array;
  readonly layout: ProgramLayout;
  readonly stats: ProgramStats;
  /** The size estimate checked before generating (its counts are lower bounds of `stats`). */
  readonly estimate: ProgramSizeEstimate;
}

/** The array side is not one the RTL builds. */
export class UnsupportedHardwareError extends Error {
  override readonly name = 'UnsupportedHardwareError';
}

/**
 * Lowers one layer with one (valid) mapping to the accelerator's ISA, tile by tile, in the
 * mapping's loop order. Walks the flattened nest (loop-nest.ts) down to the stream loops; at
 * each step, in this order:
 * 1. the accumulator tile leaves (an L3/L2 output loop moved): MVOUT it — narrow (int8, after
 *    the CONFIG shift) into the output region on its last visit, when all reduction is done;
 *    int32 into the partial-sum region otherwise;
 * 2. an L3 loop moved: MVIN the weight and/or input tile whose DRAM origin changed (an
 *    unchanged tile stays); a double-buffered tile was already loaded into its other copy at the
 *    start of the previous L3 step (prefetch), so only the following step's tile is loaded now;
 * 3. a new accumulator tile visit that is not the first (a reduction loop outside its residency
 *    moved): MVIN_ACC its partial sums (int32, from the partial-sum region);
 * 4. PRELOAD the c×k weight block unless the array already holds it;
 * 5. COMPUTE the stream (overwrite while every reduction index is 0, else accumulate): the
 *    innermost P/Q/N loops of L1/L0, reordered by decreasing scratchpad stride and merged into as
 *    few COMPUTEs as their strides allow (the outer L0 loops otherwise become several COMPUTEs).
 * The last tile is moved out at the end.
 * @throws UnsupportedHardwareError when peDim is not a power of two 2..64.
 * @throws InvalidMappingError (core) when the mapping is not valid for the layer and hardware.
 * @throws ProgramCapacityError when the tiles do not fit the buffers row by row.
 * @throws ProgramTooLargeError when the program's size estimate exceeds `maxInstructions` or
 *   `maxCycles` (checked before any tensor or instruction is allocated).
 */
export function generateProgram(layer: Layer, mapping: Mapping, hardware: HardwareConfig, options: GenerateProgramOptions = {}): GeneratedProgram {
  if (!SUPPORTED_DIMS.includes(hardware.peDim)) {
    throw new UnsupportedHardwareError(`peDim = ${hardware.peDim} is not supported by the RTL: DIM must be a power of two from 2 to 64 (${SUPPORTED_DIMS.join(', ')})`);
  }
  assertValidMapping(layer, hardware, mapping);
  const nest = buildLoopNest(mapping);
  const dram = dramLayout(layer);
  const plan = planTiles(layer, hardware, nest, dram);
  const estimate = programSizeOf(nest, plan);
  checkProgramSize(layer, mapping, hardware, estimate, options);
  const { layout, strides } = plan;
  const { c, k } = layout;
  const random = options.weights && options.inputs ? undefined : randomLayerTensors(layer, options.seed ?? 1);
  const weights = options.weights ?? random!.weights;
  const inputs = options.inputs ?? random!.inputs;
  const image = buildDramImage(dram, weights, inputs);
  const outputShift = options.outputShift ?? outputShiftFor(layer, inputs, weights);

  const buffer = new InstructionBuffer();
  const byOpcode: Record<OpcodeName, number> = { CONFIG: 0, MVIN: 0, MVIN_ACC: 0, MVOUT: 0, PRELOAD: 0, COMPUTE: 0 };
  const bytesIn = { weights: 0, inputs: 0, partialSums: 0, total: 0 };
  const bytesOut = { outputs: 0, partialSums: 0, total: 0 };
  let macs = 0;
  let vectors = 0;

  buffer.push({ op: 'CONFIG', spRows: layout.spLimitRows, accRows: layout.accLimitRows, outputShift });
  byOpcode.CONFIG++;

  const loops = nest.loops;
  const { streamStart } = plan;
  const runs = planComputeRuns(plan.streamOrder.map((i) => ({
    count: loops[i].factor, spStride: strides.inputRow[i], accStride: strides.accRow[i],
  })));
  const l3Count = loops.filter((l) => l.level === 3).length;
  let innermostOutput = -1;
  for (let i = 0; i < streamStart; i++) if (loops[i].level >= 2 && OUTPUT_DIMS.has(loops[i].dim)) innermostOutput = i;
  const reductionsOutside: number[] = [];
  const reductions: number[] = [];
  for (let i = 0; i < streamStart; i++) {
    if (!REDUCTION_DIMS.has(loops[i].dim)) continue;
    reductions.push(i);
    if (i < innermostOutput) reductionsOutside.push(i);
  }

  let weightSlot = 0;
  let inputSlot = 0;
  let accSlot = 0;
  let weightOrigin = -1;
  let inputOrigin = -1;
  let accOrigin = -1; // int32 bytes from the region base (int8 outputs: accOrigin / 4)
  let accFinal = false; // the current accumulator tile visit is its last: every reduction is done
  let loadedBlock = -1;

  // The accumulator box in int8 DRAM bytes: every output DRAM stride is a multiple of 4.
  const narrowBox = plan.accBox.map((d) => ({ ...d, dramStride: d.dramStride / 4 }));
  const moveOut = (): void => {
    if (accFinal) {
      forEachRun(narrowBox, layout.accumulator.slots[accSlot], dram.outputs.base + accOrigin / 4, (row, addr, n, stride) => {
        buffer.push({ op: 'MVOUT', rows: n, width: k, dramAddr: addr, accRow: row, dramStride: stride, narrow: true });
        byOpcode.MVOUT++;
        bytesOut.outputs += n * k;
      });
    } else {
      forEachRun(plan.accBox, layout.accumulator.slots[accSlot], dram.partialSums.base + accOrigin, (row, addr, n, stride) => {
        buffer.push({ op: 'MVOUT', rows: n, width: k, dramAddr: addr, accRow: row, dramStride: stride });
        byOpcode.MVOUT++;
        bytesOut.partialSums += 4 * n * k;
      });
    }
  };

  const loadWeights = (origin: number, slot: number): void => {
    forEachRun(plan.weightBox, layout.weights.slots[slot], dram.weights.base + origin, (row, addr, n, stride) => {
      buffer.push({ op: 'MVIN', rows: n, width: k, dramAddr: addr, spRow: row, dramStride: stride });
      byOpcode.MVIN++;
      bytesIn.weights += n * k;
    });
  };
  const loadInputs = (origin: number, slot: number): void => {
    forEachRun(plan.inputBox, layout.inputs.slots[slot], dram.inputs.base + origin, (row, addr, n, stride) => {
      buffer.push({ op: 'MVIN', rows: n, width: c, dramAddr: addr, spRow: row, dramStride: stride });
      byOpcode.MVIN++;
      bytesIn.inputs += n * c;
    });
  };
  /** DRAM origins (relative to their regions) of the weight and input tiles at the L3 indices of `at`. */
  const l3Origins = (at: readonly number[]): { weights: number; inputs: number } => {
    let w = 0;
    let i = 0;
    for (let l = 0; l < l3Count; l++) {
      w += at[l] * strides.weightDram[l];
      i += at[l] * strides.inputDram[l];
    }
    return { weights: w, inputs: i };
  };
  /** The L3 indices of the next L3 step, or undefined after the last. */
  const nextL3Step = (at: readonly number[]): number[] | undefined => {
    const next = at.slice(0, l3Count);
    let l = l3Count - 1;
    while (l >= 0 && ++next[l] === loops[l].factor) next[l--] = 0;
    return l < 0 ? undefined : next;
  };
  /** Tile origins already loaded into the other copy by the previous L3 step (−1: none). */
  let prefetched = { weights: -1, inputs: -1 };

  const idx = new Array<number>(streamStart).fill(0);
  let changed = -1; // outermost loop whose index changed; −1 on the first step
  for (;;) {
    const leaving = changed >= 0 && changed <= innermostOutput;
    if (leaving) {
      moveOut();
      if (layout.accumulator.doubleBuffered) accSlot ^= 1;
    }
    if (changed < l3Count) {
      const here = l3Origins(idx);
      if (here.weights !== weightOrigin) {
        if (weightOrigin >= 0 && layout.weights.doubleBuffered) weightSlot ^= 1;
        weightOrigin = here.weights;
        if (here.weights !== prefetched.weights) loadWeights(here.weights, weightSlot);
      }
      if (here.inputs !== inputOrigin) {
        if (inputOrigin >= 0 && layout.inputs.doubleBuffered) inputSlot ^= 1;
        inputOrigin = here.inputs;
        if (here.inputs !== prefetched.inputs) loadInputs(here.inputs, inputSlot);
      }
      // Prefetch the next L3 step's changed tiles into the other copy now, so the load queue
      // fills it while this step computes (the machine orders it after the reads of the copy).
      const nextIdx = nextL3Step(idx);
      const next = nextIdx ? l3Origins(nextIdx) : { weights: -1, inputs: -1 };
      prefetched = { weights: -1, inputs: -1 };
      if (nextIdx && layout.weights.doubleBuffered && next.weights !== weightOrigin) {
        loadWeights(next.weights, weightSlot ^ 1);
        prefetched.weights = next.weights;
      }
      if (nextIdx && layout.inputs.doubleBuffered && next.inputs !== inputOrigin) {
        loadInputs(next.inputs, inputSlot ^ 1);
        prefetched.inputs = next.inputs;
      }
    }
    if (changed < 0 || leaving) {
      accOrigin = 0;
      for (let i = 0; i < streamStart; i++) if (loops[i].level >= 2) accOrigin += idx[i] * strides.outputDram[i];
      accFinal = reductionsOutside.every((i) => idx[i] === loops[i].factor - 1);
      if (reductionsOutside.some((i) => idx[i] > 0)) {
        forEachRun(plan.accBox, layout.accumulator.slots[accSlot], dram.partialSums.base + accOrigin, (row, addr, n, stride) => {
          buffer.push({ op: 'MVIN_ACC', rows: n, width: k, dramAddr: addr, accRow: row, dramStride: stride });
          byOpcode.MVIN_ACC++;
          bytesIn.partialSums += 4 * n * k;
        });
      }
    }
    let block = 0;
    let weightRow = layout.weights.slots[weightSlot];
    let inputRow = layout.inputs.slots[inputSlot];
    let accRow = layout.accumulator.slots[accSlot];
    for (let i = 0; i < streamStart; i++) {
      const x = idx[i];
      if (x === 0) continue;
      block += x * strides.weightDram[i];
      if (loops[i].level <= 2) {
        weightRow += x * strides.weightRow[i];
        inputRow += x * strides.inputRow[i];
        accRow += x * strides.accRow[i];
      }
    }
    if (block !== loadedBlock) {
      buffer.push({ op: 'PRELOAD', rows: c, cols: k, spRow: weightRow });
      byOpcode.PRELOAD++;
      loadedBlock = block;
    }
    const accumulate = reductions.some((i) => idx[i] > 0);
    for (const run of runs) {
      buffer.push({
        op: 'COMPUTE', vectors: run.vectors, accumulate, spRow: inputRow + run.spOffset, accRow: accRow + run.accOffset,
        spStride: run.spStride, accStride: run.accStride,
      });
      byOpcode.COMPUTE++;
      vectors += run.vectors;
      macs += c * k * run.vectors;
    }
    let j = streamStart - 1;
    while (j >= 0 && ++idx[j] === loops[j].factor) idx[j--] = 0;
    if (j < 0) break;
    changed = j;
  }
  moveOut();

  if (macs !== layerMacs(layer)) {
    throw new Error(`internal: the program performs ${macs} MACs but the layer has ${layerMacs(layer)}`);
  }
  bytesIn.total = bytesIn.weights + bytesIn.inputs + bytesIn.partialSums;
  bytesOut.total = bytesOut.outputs + bytesOut.partialSums;
  let expectedSums: Int32Array | undefined;
  let expected: Int8Array | undefined;
  const sums = (): Int32Array => (expectedSums ??= referenceConv(layer, inputs, weights));
  const stats: ProgramStats = {
    instructions: buffer.length, byOpcode, macs, vectors, bytesIn, bytesOut, outputVisits: plan.outputVisits,
    doubleBuffered: { weights: layout.weights.doubleBuffered, inputs: layout.inputs.doubleBuffered, accumulator: layout.accumulator.doubleBuffered },
    spRowsUsed: layout.weights.rows * layout.weights.slots.length + layout.inputs.rows * layout.inputs.slots.length,
    accRowsUsed: layout.accumulator.rows * layout.accumulator.slots.length,
  };
  return {
    layer, mapping, hardware, instructions: buffer.toArray(), dram: image, weights, inputs, layout, stats, estimate, outputShift,
    get expectedSums(): Int32Array {
      return sums();
    },
    get expected(): Int8Array {
      expected ??= narrowOutputs(sums(), outputShift);
      return expected;
    },
  };
}
