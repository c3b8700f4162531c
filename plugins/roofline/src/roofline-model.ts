import {
  type Evaluation, type LayerEvaluation, type Layer, type LevelAccesses, type Mapping, type Workload,
  cycles, layerMacs, levelFactor, networkEvaluation, picoJoules, tensorSizes,
} from '@polaris/core';
import type { RooflineOptions } from './roofline-options.js';

/**
 * An optimistic roofline model of one layer of the Gemmini template.
 *
 * - Compute: the mapping's spatial loops fan the MACs out over `C_sp × K_sp` PEs (spatial C at
 *   L1 = PE rows, spatial K at L2 = PE columns; the rest of the array idles), and every used PE
 *   does one MAC per cycle: `computeCycles = ⌈MACs / (C_sp · K_sp)⌉`.
 * - Memory: only the compulsory DRAM traffic is counted — each tensor crosses DRAM exactly once
 *   (weights C·K·R·S, inputs N·C·H·W with H and W widened by strides and dilations, outputs
 *   N·K·P·Q words, as core's `tensorSizes` gives them): `memoryCycles = ⌈words / bandwidth⌉`.
 * - Latency: `cycles = max(computeCycles, memoryCycles)` — compute and transfer fully overlap.
 * - Energy: `MACs · macPJ + words · dramPJPerWord` pJ; on-chip buffers and registers are free.
 *
 * Every simplification errs low (perfect overlap, perfect reuse on chip, no buffer energy), so
 * the result is a **lower bound** on what the real accelerator (or the analytical fidelity,
 * which counts refetches and every level's accesses) would report for the same point.
 */
export interface RooflineLayer {
  readonly macs: number;
  /** PEs the mapping uses: spatial C at L1 × spatial K at L2. */
  readonly pes: number;
  /** Compulsory DRAM traffic in words (1-byte words in the template). */
  readonly dramWords: number;
  /** ⌈MACs / PEs⌉, cycles. */
  readonly computeCycles: number;
  /** ⌈DRAM words / bandwidth⌉, cycles. */
  readonly memoryCycles: number;
  /** Which roof bounds the layer. */
  readonly bound: 'compute' | 'bandwidth';
  /** max(compute, memory) cycles. */
  readonly cycles: number;
  /** MAC energy plus DRAM energy, pJ. */
  readonly energy: number;
  /** The DRAM traffic per tensor, words: weights and inputs read once, outputs written once. */
  readonly words: { readonly W: number; readonly I: number; readonly O: number };
}

/** DRAM level (L3) of the template, where the model counts its accesses. */
const DRAM_LEVEL = 3;

/** Spatial fan-out of a mapping: C spatial at L1 times K spatial at L2 (≥ 1). */
export function spatialPes(mapping: Mapping): number {
  return levelFactor(mapping, 1, 'C', true) * levelFactor(mapping, 2, 'K', true);
}

/**
 * Roofline cycles and energy of one execution of `layer` under `mapping`. The mapping must be
 * valid (see core's `mappingViolations`); only its spatial factors are read.
 */
export function rooflineLayer(layer: Layer, mapping: Mapping, options: RooflineOptions): RooflineLayer {
  const macs = layerMacs(layer);
  const pes = spatialPes(mapping);
  const words = tensorSizes(layer);
  const dramWords = words.W + words.I + words.O;
  const computeCycles = Math.ceil(macs / pes);
  const memoryCycles = Math.ceil(dramWords / options.dramWordsPerCycle);
  return {
    macs,
    pes,
    dramWords,
    computeCycles,
    memoryCycles,
    bound: computeCycles >= memoryCycles ? 'compute' : 'bandwidth',
    cycles: Math.max(computeCycles, memoryCycles),
    energy: macs * options.macPJ + dramWords * options.dramPJPerWord,
    words,
  };
}

/** The DRAM accesses of a roofline layer in the domain's shape (the only level the model counts). */
function dramAccesses(result: RooflineLayer, options: RooflineOptions): LevelAccesses {
  const { W, I, O } = result.words;
  return {
    level: DRAM_LEVEL,
    instances: 1,
    tensors: {
      W: { reads: W, fills: 0, updates: 0 },
      I: { reads: I, fills: 0, updates: 0 },
      O: { reads: 0, fills: 0, updates: O },
    },
    energy: picoJoules(result.dramWords * options.dramPJPerWord),
    cycles: cycles(result.memoryCycles),
  };
}

/** Who produced an evaluation: written into its identity fields. */
export interface RooflineIdentity {
  readonly id: string;
  readonly version: string;
}

/**
 * Evaluates every unique layer of `workload` with its mapping (same order) and sums the
 * network: cycles and energy are Σ count·layer value, EDP = Σenergy · Σcycles (pJ·cycles).
 * @param costMs wall time spent in ms, recorded as the evaluation's cost (the caller measures it).
 */
export function rooflineNetwork(
  workload: Workload, mappings: readonly Mapping[], options: RooflineOptions, by: RooflineIdentity, costMs = 0,
): Evaluation {
  const layers: LayerEvaluation[] = workload.layers.map(({ layer }, i) => {
    const result = rooflineLayer(layer, mappings[i], options);
    return {
      cycles: cycles(result.cycles),
      energy: picoJoules(result.energy),
      macs: result.macs,
      accesses: [dramAccesses(result, options)],
    };
  });
  return networkEvaluation(workload, layers, { fidelity: 'analytical', evaluator: by.id, evaluatorVersion: by.version, costMs });
}
