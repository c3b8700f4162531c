import type { HardwareConfig, Layer, Mapping } from '@polaris/core';
import { boxRunCount } from './box.js';
import { computeRunCount } from './compute-stream.js';
import { dramLayout } from './dram-layout.js';
import { type LoopNest, OUTPUT_DIMS, buildLoopNest } from './loop-nest.js';
import { ProgramCapacityError, type TilePlan, planTiles } from './tile-plan.js';

/**
 * The size of a layer's program, known before a single instruction is generated: read off the
 * loop nest and tile plan in closed form (time independent of the program's length).
 */
export interface ProgramSizeEstimate {
  /**
   * A lower bound of the program's instructions: CONFIG + every COMPUTE (exact) + every MVOUT
   * of the accumulator tiles (exact); MVIN, MVIN_ACC and PRELOAD are not counted.
   */
  readonly instructions: number;
  /** COMPUTE instructions (exact). */
  readonly computes: number;
  /** Input vectors streamed through the array, MACs / (c·k) (exact). */
  readonly vectors: number;
  /**
   * A lower bound of the simulated cycles: the machine issues at most one instruction and
   * streams at most one vector per cycle.
   */
  readonly minCycles: number;
}

/** A program would exceed the generator's `maxInstructions` or `maxCycles`: refused before any allocation. */
export class ProgramTooLargeError extends Error {
  override readonly name = 'ProgramTooLargeError';
  constructor(message: string, readonly estimate: ProgramSizeEstimate) {
    super(message);
  }
}

/** {@link ProgramSizeEstimate} of a nest and its tile plan (see generate-program.ts for the walk it counts). */
export function programSizeOf(nest: LoopNest, plan: TilePlan): ProgramSizeEstimate {
  const loops = nest.loops;
  const { streamStart, streamOrder, strides, accBox } = plan;
  let streams = 1;
  for (let i = 0; i < streamStart; i++) streams *= loops[i].factor;
  const runs = computeRunCount(streamOrder.map((i) => ({ count: loops[i].factor, spStride: strides.inputRow[i], accStride: strides.accRow[i] })));
  let innermostOutput = -1;
  for (let i = 0; i < streamStart; i++) if (loops[i].level >= 2 && OUTPUT_DIMS.has(loops[i].dim)) innermostOutput = i;
  let accTiles = 1;
  for (let i = 0; i <= innermostOutput; i++) accTiles *= loops[i].factor;
  const computes = streams * runs;
  let vectors = streams;
  for (let i = streamStart; i < loops.length; i++) vectors *= loops[i].factor;
  const instructions = 1 + computes + accTiles * boxRunCount(accBox);
  return { instructions, computes, vectors, minCycles: Math.max(instructions, vectors) };
}

/**
 * The size estimate of a layer's program with a (valid) mapping, or undefined when its tiles do
 * not fit the buffers row by row (the generator would throw ProgramCapacityError). Closed form:
 * microseconds whatever the program's length.
 */
export function estimateProgramSize(layer: Layer, mapping: Mapping, hardware: HardwareConfig): ProgramSizeEstimate | undefined {
  const nest = buildLoopNest(mapping);
  try {
    return programSizeOf(nest, planTiles(layer, hardware, nest, dramLayout(layer)));
  } catch (error) {
    if (error instanceof ProgramCapacityError) return undefined;
    throw error;
  }
}

/** Limits {@link checkProgramSize} enforces; absent = unlimited. */
export interface ProgramSizeLimits {
  readonly maxInstructions?: number;
  readonly maxCycles?: number;
}

/**
 * Throws {@link ProgramTooLargeError} when the estimate exceeds a limit; the message names the
 * layer shape, the estimate, the limit and what to change.
 */
export function checkProgramSize(layer: Layer, mapping: Mapping, hardware: HardwareConfig, estimate: ProgramSizeEstimate, limits: ProgramSizeLimits): void {
  const shape = `R${layer.R} S${layer.S} P${layer.P} Q${layer.Q} C${layer.C} K${layer.K} N${layer.N}`;
  const advice = `use a mapping with fewer temporal steps (larger spatial C/K, up to peDim = ${hardware.peDim}, and larger L1/L2 tiles) or a larger peDim`;
  if (limits.maxInstructions !== undefined && estimate.instructions > limits.maxInstructions) {
    throw new ProgramTooLargeError(
      `the program of layer ${shape} would have at least ${estimate.instructions.toLocaleString('en-US')} instructions `
      + `(${estimate.computes.toLocaleString('en-US')} COMPUTEs streaming ${estimate.vectors.toLocaleString('en-US')} vectors), over the limit `
      + `maxInstructions = ${limits.maxInstructions.toLocaleString('en-US')}; it was not generated. Fix: ${advice}, or raise the rtl option maxInstructions `
      + `(memory ≈ 100 bytes per instruction, at least a cycle each)`,
      estimate,
    );
  }
  if (limits.maxCycles !== undefined && estimate.minCycles > limits.maxCycles) {
    throw new ProgramTooLargeError(
      `the program of layer ${shape} needs at least ${estimate.minCycles.toLocaleString('en-US')} cycles `
      + `(${estimate.instructions.toLocaleString('en-US')} instructions, ${estimate.vectors.toLocaleString('en-US')} vectors), over the cycle cap `
      + `maxCycles = ${limits.maxCycles.toLocaleString('en-US')}; it was not generated. Fix: ${advice}, or raise the rtl option maxCycles`,
      estimate,
    );
  }
}
