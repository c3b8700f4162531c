import { Random, makeLayer } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { randomInt8, randomLayerTensors, referenceConv } from './reference-conv.js';

describe('referenceConv', () => {
  it('is a matmul for R=S=Q=1: out[p][k] = Σ_c in[p][c]·W[c][k]', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 2, Q: 1, C: 3, K: 2, N: 1 });
    const inputs = Int8Array.of(1, 2, 3, -1, 0, 4);
    const weights = Int8Array.of(1, 0, 0, 1, 2, -2);
    expect(Array.from(referenceConv(layer, inputs, weights))).toEqual([1 + 6, 2 - 6, -1 + 8, -8]);
  });

  it('follows core\'s convention: P with R and Wstride along W, Q with S and Hstride along H', () => {
    // one channel, 1×2 filter along W (R=2), dilation 2, stride 3: out[p] = x[3p]·w0 + x[3p+2]·w1
    const layer = makeLayer({ R: 2, S: 1, P: 2, Q: 1, C: 1, K: 1, N: 1, Wstride: 3, Wdilation: 2 });
    const x = Int8Array.of(1, 2, 3, 4, 5, 6); // W = (2−1)·3 + (2−1)·2 + 1 = 6
    expect(Array.from(referenceConv(layer, x, Int8Array.of(10, 1)))).toEqual([10 + 3, 40 + 6]);
    // the same along H: S=2, Hstride 3, Hdilation 2; input N,H,W,C with W = 1
    const tall = makeLayer({ R: 1, S: 2, P: 1, Q: 2, C: 1, K: 1, N: 1, Hstride: 3, Hdilation: 2 });
    expect(Array.from(referenceConv(tall, x, Int8Array.of(10, 1)))).toEqual([13, 46]);
  });

  it('wraps int32 sums and checks tensor lengths', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 2, K: 1, N: 1 });
    expect(() => referenceConv(layer, new Int8Array(3), new Int8Array(2))).toThrow(/inputs must hold/);
    expect(() => referenceConv(layer, new Int8Array(2), new Int8Array(3))).toThrow(/weights must hold/);
  });

  it('draws seeded int8 tensors over the whole range', () => {
    const a = randomInt8(new Random(3), 4001);
    expect(a).toEqual(randomInt8(new Random(3), 4001));
    expect(Math.min(...a)).toBe(-128);
    expect(Math.max(...a)).toBe(127);
    const layer = makeLayer({ R: 3, S: 3, P: 4, Q: 4, C: 2, K: 5, N: 1, Wstride: 2 });
    const t = randomLayerTensors(layer, 'x');
    expect(t.weights.length).toBe(3 * 3 * 2 * 5);
    expect(t.inputs.length).toBe(9 * 6 * 2);
  });
});
