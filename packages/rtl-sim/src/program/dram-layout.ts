import { type Layer, inputHeight, inputWidth } from '@polaris/core';

/**
 * Where a layer's tensors live in the accelerator's byte-addressed DRAM.
 *
 * - weights: int8, R,S,C,K order (K contiguous): byte `((r·S + s)·C + c)·K + k`;
 * - inputs: int8, N,H,W,C order (C contiguous): byte `((n·H + h)·W + w)·C + c`, with
 *   H = (Q−1)·Hstride + (S−1)·Hdilation + 1 and W = (P−1)·Wstride + (R−1)·Wdilation + 1;
 * - outputs: int8 (final values, written by narrow MVOUT after the CONFIG shift and
 *   saturation), N,P,Q,K order (K contiguous): byte `((n·P + p)·Q + q)·K + k`;
 * - partial sums: int32 little-endian, same order, word `((n·P + p)·Q + q)·K + k` — where a
 *   reduction loop outside the accumulator residency spills an output tile (int32 MVOUT) and
 *   later reloads it (MVIN_ACC). Always reserved (4 bytes per output); unused when no tile spills.
 *
 * Output pixel (p, q) reads input column w = p·Wstride + r·Wdilation and row
 * h = q·Hstride + s·Hdilation (core's convention: P pairs with R and Wstride, Q with S and Hstride).
 * Regions are disjoint and 64-byte aligned, in the order weights, inputs, outputs, partial sums.
 */
export interface DramRegion {
  /** First byte. */
  readonly base: number;
  /** Length in bytes. */
  readonly bytes: number;
}

/** The three regions of a layer's DRAM image and its total size. */
export interface DramLayout {
  readonly weights: DramRegion;
  readonly inputs: DramRegion;
  /** Final outputs, int8. */
  readonly outputs: DramRegion;
  /** Spilled partial sums, int32 (4 bytes per output). */
  readonly partialSums: DramRegion;
  /** Input tensor height H and width W (the sliding-window extents). */
  readonly inputHeight: number;
  readonly inputWidth: number;
  /** DRAM bytes the image needs (a multiple of 64). */
  readonly size: number;
}

/** A DRAM image: `bytes.length === size`; what `dram.hex` describes. */
export interface DramImage {
  readonly size: number;
  readonly bytes: Uint8Array;
}

/** Alignment of each region (one DMA request). */
export const DRAM_REGION_ALIGN = 64;
/** DRAM addresses are 32-bit. */
export const DRAM_ADDRESS_LIMIT = 2 ** 32;

const align = (v: number): number => Math.ceil(v / DRAM_REGION_ALIGN) * DRAM_REGION_ALIGN;

/**
 * The DRAM layout of `layer` (see {@link DramLayout}).
 * @throws RangeError when the image exceeds the 32-bit address space.
 */
export function dramLayout(layer: Layer): DramLayout {
  const H = inputHeight(layer);
  const W = inputWidth(layer);
  const weightBytes = layer.R * layer.S * layer.C * layer.K;
  const inputBytes = layer.N * H * W * layer.C;
  const outputCount = layer.N * layer.P * layer.Q * layer.K;
  const weights = { base: 0, bytes: weightBytes };
  const inputs = { base: align(weightBytes), bytes: inputBytes };
  const outputs = { base: align(inputs.base + inputBytes), bytes: outputCount };
  const partialSums = { base: align(outputs.base + outputCount), bytes: 4 * outputCount };
  const size = align(partialSums.base + partialSums.bytes);
  if (size > DRAM_ADDRESS_LIMIT) {
    throw new RangeError(`the layer's DRAM image needs ${size} bytes, beyond the 32-bit address space (4 GiB)`);
  }
  return { weights, inputs, outputs, partialSums, inputHeight: H, inputWidth: W, size };
}

/** Builds the DRAM image before a run: weights and inputs in place, outputs zero. */
export function buildDramImage(layout: DramLayout, weights: Int8Array, inputs: Int8Array): DramImage {
  if (weights.length !== layout.weights.bytes || inputs.length !== layout.inputs.bytes) {
    throw new RangeError(`tensor sizes (weights ${weights.length}, inputs ${inputs.length}) do not match the layout (${layout.weights.bytes}, ${layout.inputs.bytes})`);
  }
  const bytes = new Uint8Array(layout.size);
  bytes.set(new Uint8Array(weights.buffer, weights.byteOffset, weights.length), layout.weights.base);
  bytes.set(new Uint8Array(inputs.buffer, inputs.byteOffset, inputs.length), layout.inputs.base);
  return { size: layout.size, bytes };
}

/** The int8 outputs (N,P,Q,K order) read back from a DRAM image. */
export function readOutputs(layout: DramLayout, dram: Uint8Array): Int8Array {
  return Int8Array.from(new Int8Array(dram.buffer, dram.byteOffset + layout.outputs.base, layout.outputs.bytes));
}

/** The bytes of int8 outputs, as they must appear in the output region. */
export function outputBytes(outputs: Int8Array): Uint8Array {
  return new Uint8Array(outputs.buffer.slice(outputs.byteOffset, outputs.byteOffset + outputs.length));
}
