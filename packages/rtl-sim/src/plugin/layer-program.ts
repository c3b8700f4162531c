import { type HardwareConfig, type Layer, type Mapping, layerMacs } from '@polaris/core';
import { decodeProgram, formatDram, formatExpect, formatProgram, generateProgram } from '../program/index.js';
import { type ProgramTraffic, programTraffic } from './program-traffic.js';

/** One layer ready to simulate: the harness's input files plus what the evaluator checks against. */
export interface LayerRun {
  /** `program.hex` text. */
  readonly program: string;
  /** `dram.hex` text. */
  readonly dram: string;
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
}

/**
 * Lowers one layer with its mapping through the program generator (src/program) into the
 * harness's files. Pure apart from CPU time.
 * @throws the generator's errors (unsupported DIM, invalid mapping, tiles that do not fit).
 */
export function prepareLayerRun(layer: Layer, mapping: Mapping, hardware: HardwareConfig, options: LayerRunOptions): LayerRun {
  const generated = generateProgram(layer, mapping, hardware, options.seed === undefined ? {} : { seed: options.seed });
  const traffic = programTraffic(decodeProgram(generated.instructions), generated.layout.dram);
  return {
    program: formatProgram(generated.instructions),
    dram: formatDram(generated.dram),
    expect: options.check ? formatExpect(generated) : undefined,
    macs: layerMacs(layer),
    traffic,
  };
}
