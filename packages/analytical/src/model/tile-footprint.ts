import {
  ACCUMULATOR_WORD_BYTES, type HardwareConfig, type Layer, SCRATCHPAD_WORD_BYTES, inputHeight, inputWidth, rowCapacityLimits,
} from '@polaris/core';
import { PACKED_SPATIAL_C, PACKED_SPATIAL_K, type PackedMapping } from './packed-mapping.js';

/**
 * Capacity rule of the template, as Timeloop applies it (checked on DOSA's 12,000 accepted
 * mappings, where both bounds are reached but never exceeded):
 * - scratchpad (1 instance, 1-byte words): W tile + I tile at L2 ≤ spKB·1024 words, tiles being
 *   bounding boxes of all loops at L0..L2 including both spatial loops, the input with its halo;
 * - accumulator (peDim instances, 4-byte words): the O tile of ONE instance (loops at L0..L1;
 *   the spatial K at L2 spreads outputs over instances) ≤ accKB·1024 / 4 / peDim words.
 */
export interface TileFootprint {
  /** Words (= bytes) of the W + I tiles held in the scratchpad. */
  readonly scratchpadWords: number;
  /** Words (4 bytes each) of the O tile held in one accumulator instance. */
  readonly accumulatorWords: number;
}

/** Words the scratchpad holds: spKB·1024 one-byte words. */
export const scratchpadCapacityWords = (hw: HardwareConfig): number => (hw.spKB * 1024) / SCRATCHPAD_WORD_BYTES;
/** Words one accumulator instance holds: accKB·1024 bytes over peDim instances of 4-byte words. */
export const accumulatorInstanceCapacityWords = (hw: HardwareConfig): number =>
  Math.floor((hw.accKB * 1024) / ACCUMULATOR_WORD_BYTES / hw.peDim);

/** Scratchpad W + I tile words of a packed mapping (allocation-free). */
export function scratchpadTileWords(layer: Layer, p: PackedMapping): number {
  const re = p[0] * p[7] * p[14], se = p[1] * p[8] * p[15], pe = p[2] * p[9] * p[16], qe = p[3] * p[10] * p[17];
  const ce = p[4] * p[11] * p[18] * p[PACKED_SPATIAL_C], ke = p[5] * p[12] * p[19] * p[PACKED_SPATIAL_K];
  const ne = p[6] * p[13] * p[20];
  return re * se * ce * ke + ne * ce * inputWidth(layer, pe, re) * inputHeight(layer, qe, se);
}

/** Accumulator O tile words of one instance of a packed mapping (allocation-free). */
export function accumulatorTileWords(p: PackedMapping): number {
  return p[2] * p[9] * p[3] * p[10] * p[5] * p[12] * p[6] * p[13];
}

/** Both footprints of a packed mapping. */
export function tileFootprint(layer: Layer, p: PackedMapping): TileFootprint {
  return { scratchpadWords: scratchpadTileWords(layer, p), accumulatorWords: accumulatorTileWords(p) };
}

/** Whether the mapping's tiles fit the hardware's buffers (allocation-free). */
export function fitsCapacity(layer: Layer, hw: HardwareConfig, p: PackedMapping): boolean {
  return scratchpadTileWords(layer, p) <= scratchpadCapacityWords(hw)
    && accumulatorTileWords(p) <= accumulatorInstanceCapacityWords(hw);
}

/**
 * Scratchpad rows (DIM bytes each) of the L2 weight + input tiles of a packed mapping, under the
 * row-organised layout of the RTL (core's `rowGranularFootprint`, row-capacity.ts), allocation-free.
 * With c = spatial C at L1 and k = spatial K at L2, C2/c and K2/k are the temporal C and K
 * factors at L0..L2, so weightRows = R2·S2·(K2/k)·(C2/c)·c and inputRows = N2·H2·W2·(C2/c).
 */
export function scratchpadTileRows(layer: Layer, p: PackedMapping): number {
  const re = p[0] * p[7] * p[14], se = p[1] * p[8] * p[15], pe = p[2] * p[9] * p[16], qe = p[3] * p[10] * p[17];
  const cBlocks = p[4] * p[11] * p[18], kBlocks = p[5] * p[12] * p[19];
  const ne = p[6] * p[13] * p[20];
  return re * se * kBlocks * cBlocks * p[PACKED_SPATIAL_C] + ne * inputWidth(layer, pe, re) * inputHeight(layer, qe, se) * cBlocks;
}

/**
 * Accumulator rows (DIM int32 each) of the L1 output tile of a packed mapping: N1·P1·Q1·K1 with
 * K1 in k-blocks — the same number as {@link accumulatorTileWords} (one instance = one word per row).
 */
export const accumulatorTileRows = accumulatorTileWords;

/** Whether the mapping's tiles fit the row-organised buffers (core's row rule; allocation-free). */
export function fitsRowCapacity(layer: Layer, hw: HardwareConfig, p: PackedMapping): boolean {
  const { scratchpadLimitRows, accumulatorLimitRows } = rowCapacityLimits(hw);
  return scratchpadTileRows(layer, p) <= scratchpadLimitRows && accumulatorTileRows(p) <= accumulatorLimitRows;
}
