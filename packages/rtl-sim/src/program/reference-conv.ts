import { type Layer, Random, inputHeight, inputWidth } from '@polaris/core';
import { narrowOutput } from './isa.js';

/**
 * The layer's convolution in plain loops, int8 × int8 → int32 with two's-complement wrap
 * (as the accumulator adds):
 * `out[n][p][q][k] = Σ_{r,s,c} W[r][s][c][k] · in[n][q·Hstride + s·Hdilation][p·Wstride + r·Wdilation][c]`.
 *
 * @param inputs int8, N,H,W,C order (H, W the sliding-window extents of the layer).
 * @param weights int8, R,S,C,K order.
 * @returns int32, N,P,Q,K order.
 * @throws RangeError when a tensor has the wrong length.
 */
export function referenceConv(layer: Layer, inputs: Int8Array, weights: Int8Array): Int32Array {
  const { R, S, P, Q, C, K, N, Wstride, Hstride, Wdilation, Hdilation } = layer;
  const H = inputHeight(layer);
  const W = inputWidth(layer);
  if (inputs.length !== N * H * W * C) throw new RangeError(`inputs must hold N·H·W·C = ${N * H * W * C} values, got ${inputs.length}`);
  if (weights.length !== R * S * C * K) throw new RangeError(`weights must hold R·S·C·K = ${R * S * C * K} values, got ${weights.length}`);
  const out = new Int32Array(N * P * Q * K);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < P; p++) {
      for (let q = 0; q < Q; q++) {
        const o = ((n * P + p) * Q + q) * K;
        for (let r = 0; r < R; r++) {
          const w = p * Wstride + r * Wdilation;
          for (let s = 0; s < S; s++) {
            const h = q * Hstride + s * Hdilation;
            const i0 = ((n * H + h) * W + w) * C;
            const w0 = (r * S + s) * C * K;
            for (let c = 0; c < C; c++) {
              const x = inputs[i0 + c];
              if (x === 0) continue;
              const wr = w0 + c * K;
              for (let k = 0; k < K; k++) out[o + k] = (out[o + k] + x * weights[wr + k]) | 0;
            }
          }
        }
      }
    }
  }
  return out;
}

/** The int8 outputs a narrow MVOUT writes for int32 sums `sums` under CONFIG shift `shift` (see isa.ts `narrowOutput`). */
export function narrowOutputs(sums: Int32Array, shift: number): Int8Array {
  const out = new Int8Array(sums.length);
  for (let i = 0; i < sums.length; i++) out[i] = narrowOutput(sums[i], shift);
  return out;
}

/** Outputs {@link outputShiftFor} looks at, at most. */
export const SHIFT_SAMPLE_OUTPUTS = 1024;

/**
 * The right shift that brings the layer's largest |output| into int8:
 * `max(0, ceil(log2(max|acc| + 1)) − 7)`, with max|acc| taken over every output when the layer
 * has at most {@link SHIFT_SAMPLE_OUTPUTS} of them, else over that many evenly spread outputs
 * (each a plain dot product, so choosing the shift never costs a whole convolution; an output
 * beyond the sampled maximum saturates, as on the machine).
 */
export function outputShiftFor(layer: Layer, inputs: Int8Array, weights: Int8Array): number {
  const { R, S, P, Q, C, K, N, Wstride, Hstride, Wdilation, Hdilation } = layer;
  const H = inputHeight(layer);
  const W = inputWidth(layer);
  const total = N * P * Q * K;
  const samples = Math.min(total, SHIFT_SAMPLE_OUTPUTS);
  let max = 0;
  for (let j = 0; j < samples; j++) {
    let o = Math.floor((j * total) / samples);
    const k = o % K; o = (o - k) / K;
    const q = o % Q; o = (o - q) / Q;
    const p = o % P;
    const n = (o - p) / P;
    let sum = 0;
    for (let r = 0; r < R; r++) {
      const w = p * Wstride + r * Wdilation;
      for (let s = 0; s < S; s++) {
        const i0 = ((n * H + q * Hstride + s * Hdilation) * W + w) * C;
        const w0 = (r * S + s) * C * K + k;
        for (let c = 0; c < C; c++) sum = (sum + inputs[i0 + c] * weights[w0 + c * K]) | 0;
      }
    }
    max = Math.max(max, Math.abs(sum));
  }
  let bits = 0;
  while (2 ** bits <= max) bits++; // bits = ceil(log2(max + 1))
  return Math.max(0, bits - 7);
}

/** Seeded int8 values, uniform over −128..127. */
export function randomInt8(rng: Random, length: number): Int8Array {
  const out = new Int8Array(length);
  for (let i = 0; i < length; i += 4) {
    let word = rng.uint32();
    for (let j = i; j < Math.min(i + 4, length); j++) {
      out[j] = word & 0xff; // Int8Array stores the byte as two's complement
      word >>>= 8;
    }
  }
  return out;
}

/** A layer's seeded test tensors: weights (R,S,C,K) and inputs (N,H,W,C), each from its own fork of `seed`. */
export function randomLayerTensors(layer: Layer, seed: number | string): { weights: Int8Array; inputs: Int8Array } {
  const rng = new Random(seed);
  return {
    weights: randomInt8(rng.fork('weights'), layer.R * layer.S * layer.C * layer.K),
    inputs: randomInt8(rng.fork('inputs'), layer.N * inputHeight(layer) * inputWidth(layer) * layer.C),
  };
}
