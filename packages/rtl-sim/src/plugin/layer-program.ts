import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HardwareConfig, type Layer, type Mapping, layerMacs } from '@polaris/core';
import {
  type DramImage, type Instruction, INSTRUCTION_WORDS, decodeInstruction, formatExpect, generateProgram, writeDramFile, writeProgramFile,
} from '../program/index.js';
import { type ProgramTraffic, programTraffic } from './program-traffic.js';

/** One layer ready to simulate: the program and DRAM image, plus what the evaluator checks against. */
export interface LayerRun {
  /** Instruction words (4 per instruction); written as `program.hex` by {@link writeLayerRunFiles}. */
  readonly instructions: Uint32Array;
  /** DRAM before the run; written as `dram.hex`. */
  readonly dramImage: DramImage;
  /** `expect.hex` text, only when asked for (computing the reference outputs costs a convolution). */
  readonly expect?: string;
  /** The layer's MACs (the harness's `macs` counter must equal it). */
  readonly macs: number;
  /** The program's static traffic: splits counters by tensor and bounds the cycle cap. */
  readonly traffic: ProgramTraffic;
}

export interface LayerRunOptions {
  /** Also produce `expect.hex`. */
  readonly check: boolean;
  /** Seed of the random int8 tensors (default the generator's). */
  readonly seed?: number;
  /** Refuse, before generating, a program estimated to exceed this many instructions (ProgramTooLargeError). */
  readonly maxInstructions?: number;
  /** Refuse, before generating, a program estimated to need more cycles than this (ProgramTooLargeError). */
  readonly maxCycles?: number;
}

/** The instructions of a word stream decoded one at a time (no array of decoded objects). */
function* decodeEach(words: Uint32Array): Generator<Instruction> {
  for (let offset = 0; offset < words.length; offset += INSTRUCTION_WORDS) yield decodeInstruction(words, offset);
}

/**
 * Lowers one layer with its mapping through the program generator (src/program). Pure apart
 * from CPU time; the size limits are checked before anything is allocated.
 * @throws the generator's errors (unsupported DIM, invalid mapping, tiles that do not fit,
 *   ProgramTooLargeError past `maxInstructions` / `maxCycles`).
 */
export function prepareLayerRun(layer: Layer, mapping: Mapping, hardware: HardwareConfig, options: LayerRunOptions): LayerRun {
  const generated = generateProgram(layer, mapping, hardware, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.maxInstructions === undefined ? {} : { maxInstructions: options.maxInstructions }),
    ...(options.maxCycles === undefined ? {} : { maxCycles: options.maxCycles }),
  });
  const traffic = programTraffic(decodeEach(generated.instructions), generated.layout.dram);
  return {
    instructions: generated.instructions,
    dramImage: generated.dram,
    expect: options.check ? formatExpect(generated) : undefined,
    macs: layerMacs(layer),
    traffic,
  };
}

/** Writes the harness's input files into `dir`: `program.hex` and `dram.hex` (both through a fixed buffer) and, if present, `expect.hex`. */
export function writeLayerRunFiles(run: LayerRun, dir: string): void {
  writeProgramFile(join(dir, 'program.hex'), run.instructions);
  writeDramFile(join(dir, 'dram.hex'), run.dramImage);
  if (run.expect !== undefined) writeFileSync(join(dir, 'expect.hex'), run.expect);
}
