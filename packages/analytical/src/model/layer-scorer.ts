import type { HardwareConfig, Layer } from '@polaris/core';
import type { AnalyticalOptions } from './analytical-options.js';
import { type LayerKernel, SCORE, SCORE_LENGTH, createLayerKernel } from './layer-kernel.js';
import type { PackedMapping } from './packed-mapping.js';
import { accumulatorInstanceCapacityWords, scratchpadCapacityWords } from './tile-footprint.js';

/**
 * The analytical model compiled for one layer on one hardware configuration, for search loops:
 * `score` allocates nothing, so a mapper can evaluate millions of packed mappings per second.
 */
export interface LayerScorer {
  readonly layer: Layer;
  readonly hardware: HardwareConfig;
  /** Scratchpad capacity in words (1 byte each). */
  readonly scratchpadCapacityWords: number;
  /** Capacity of one accumulator instance in words (4 bytes each). */
  readonly accumulatorCapacityWords: number;
  /**
   * Scores a packed mapping into `out` (length ≥ {@link SCORE_LENGTH}), indexed by {@link SCORE}:
   * [cycles, energy pJ, MACs, compute cycles, scratchpad tile words, accumulator tile words per instance].
   * The mapping is assumed to cover the layer exactly (factors multiply to its dimensions).
   */
  score(packed: PackedMapping, out: Float64Array): void;
  /** Whether the tiles of the last mapping scored into `out` fit the buffers. */
  fits(out: Float64Array): boolean;
}

/** Compiles a {@link LayerScorer}. Options as for `analyzeLayer`. */
export function createLayerScorer(layer: Layer, hardware: HardwareConfig, options?: AnalyticalOptions): LayerScorer {
  const kernel: LayerKernel = createLayerKernel(layer, hardware, options);
  const spWords = scratchpadCapacityWords(hardware);
  const accWords = accumulatorInstanceCapacityWords(hardware);
  return {
    layer,
    hardware,
    scratchpadCapacityWords: spWords,
    accumulatorCapacityWords: accWords,
    score(packed: PackedMapping, out: Float64Array): void {
      kernel(packed, out, null);
    },
    fits(out: Float64Array): boolean {
      return out[SCORE.scratchpadWords] <= spWords && out[SCORE.accumulatorWords] <= accWords;
    },
  };
}

export { SCORE, SCORE_LENGTH };
