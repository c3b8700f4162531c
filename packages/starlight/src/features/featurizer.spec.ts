import { createHash } from 'node:crypto';
import { analyzeLayer } from '@polaris/analytical';
import { DEFAULT_GEMMINI, type LayerEvaluation, cycles, makeLayer, parseMapping, picoJoules } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import {
  ANALYTICAL_LOG2_CYCLES_INDEX, ANALYTICAL_LOG2_ENERGY_INDEX, FEATURE_LENGTH, FEATURIZER_VERSION, type FeatureInput,
  featureIndex, featureNames, featurize, featurizeBatch,
} from './featurizer.js';

const layer = makeLayer({ R: 3, S: 3, P: 8, Q: 8, C: 4, K: 16, N: 1, Wstride: 2, Hstride: 2 });
const mapping = parseMapping('L3[WIO] K2 Q8 - L2[WI] K8X P4 - L1[O] C4X P2 - L0[W] S3 R3');
/** A hand-written analytical answer, so the golden vector does not move with the analytical model. */
const analytical: LayerEvaluation = {
  cycles: cycles(4096),
  energy: picoJoules(2 ** 20),
  macs: 36864,
  accesses: [
    { level: 0, instances: 128, tensors: { W: { reads: 36863, fills: 575, updates: 0 } }, energy: picoJoules(255), cycles: cycles(288) },
    { level: 1, instances: 16, tensors: { O: { reads: 2047, fills: 0, updates: 2047 } }, energy: picoJoules(1023), cycles: cycles(64) },
    { level: 2, instances: 1, tensors: { W: { reads: 575, fills: 575, updates: 0 }, I: { reads: 3, fills: 7, updates: 0 } }, energy: picoJoules(3), cycles: cycles(1) },
    { level: 3, instances: 1, tensors: { W: { reads: 1023, fills: 0, updates: 0 }, I: { reads: 0, fills: 0, updates: 0 }, O: { reads: 0, fills: 0, updates: 1023 } }, energy: picoJoules(2 ** 16 - 1), cycles: cycles(4095) },
  ],
};
const input: FeatureInput = { hardware: DEFAULT_GEMMINI, layer, mapping, analytical };
const at = (v: Float32Array, name: string): number => v[featureIndex(name)];

describe('featurize', () => {
  it('has a fixed, documented length and unique names', () => {
    expect(FEATURE_LENGTH).toBe(119);
    expect(featureNames()).toHaveLength(FEATURE_LENGTH);
    expect(new Set(featureNames()).size).toBe(FEATURE_LENGTH);
    expect(featurize(input)).toHaveLength(FEATURE_LENGTH);
    expect(featurizeBatch([input, input])).toHaveLength(2 * FEATURE_LENGTH);
  });

  it('hand-checked entries of a known point', () => {
    const v = featurize(input);
    expect(at(v, 'layer.K')).toBe(4);
    expect(at(v, 'layer.Wstride')).toBe(1);
    expect(at(v, 'layer.Hdilation')).toBe(0);
    expect(at(v, 'tile.L3.Q')).toBe(3);
    expect(at(v, 'tile.L3.K')).toBe(1);
    expect(at(v, 'tile.L2.K')).toBe(0); // K8 at L2 is spatial, not temporal
    expect(at(v, 'tile.L0.R')).toBeCloseTo(Math.log2(3), 6);
    expect(at(v, 'spatial.L1.C')).toBe(2);
    expect(at(v, 'spatial.L2.K')).toBe(3);
    expect(at(v, 'order.L3.K')).toBe(0.5); // K2 Q8: K outer of two
    expect(at(v, 'order.L3.Q')).toBe(1);
    expect(at(v, 'order.L3.C')).toBe(0);
    expect(at(v, 'order.L2.P')).toBe(1); // the spatial K8X does not count
    expect(at(v, 'order.L0.S')).toBe(0.5);
    expect(at(v, 'hw.peDim')).toBe(4);
    expect(at(v, 'hw.spKB')).toBe(7);
    expect(at(v, 'hw.accKB')).toBe(5);
    expect(at(v, 'acc.L3.W.reads')).toBe(10);
    expect(at(v, 'acc.L1.O.updates')).toBe(11);
    expect(at(v, 'acc.L2.I.fills')).toBe(3);
    expect(at(v, 'acc.L0.O.reads')).toBe(0); // registers do not keep outputs
    expect(at(v, 'lvl.L3.energy')).toBe(16);
    expect(at(v, 'lvl.L3.cycles')).toBe(12);
    expect(v[ANALYTICAL_LOG2_CYCLES_INDEX]).toBe(12);
    expect(v[ANALYTICAL_LOG2_ENERGY_INDEX]).toBe(20);
    expect(at(v, 'ana.macs')).toBeCloseTo(Math.log2(36864), 5);
  });

  it('golden vector of the known point', () => {
    const v = Array.from(featurize(input), (x) => Math.round(x * 1e5) / 1e5);
    expect(v).toMatchInlineSnapshot(`
      [
        1.58496,
        1.58496,
        3,
        3,
        2,
        4,
        0,
        1,
        1,
        0,
        0,
        1.58496,
        1.58496,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        2,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        3,
        0,
        1,
        0,
        2,
        3,
        1,
        0.5,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0.5,
        0,
        4,
        7,
        5,
        15.16992,
        9.16992,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        11,
        0,
        11,
        9.16992,
        9.16992,
        0,
        2,
        3,
        0,
        0,
        0,
        0,
        10,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        10,
        8.17493,
        8,
        6.02237,
        10,
        1,
        2,
        12,
        16,
        12,
        20,
        15.16992,
      ]
    `);
  });

  it('the layout is pinned to the version: changing names, length or values needs a new FEATURIZER_VERSION', () => {
    const digest = createHash('sha256').update(JSON.stringify([featureNames(), Array.from(featurize(input))])).digest('hex').slice(0, 16);
    // If this fails you changed the featurizer: bump FEATURIZER_VERSION and update both values together.
    expect({ version: FEATURIZER_VERSION, length: FEATURE_LENGTH, digest }).toEqual({ version: 'starlight-features/1', length: 119, digest: '57d2457641103d28' });
  });

  it('is deterministic and writes into a provided row', () => {
    const row = new Float32Array(FEATURE_LENGTH + 3).fill(9);
    featurize(input, row.subarray(0, FEATURE_LENGTH));
    expect(Array.from(row.subarray(0, FEATURE_LENGTH))).toEqual(Array.from(featurize(input)));
    expect(row[FEATURE_LENGTH]).toBe(9);
  });

  it('featurizes a real analytical evaluation to finite values matching its cycles and energy', () => {
    const real = analyzeLayer(layer, DEFAULT_GEMMINI, mapping);
    const v = featurize({ ...input, analytical: real });
    expect(v.every(Number.isFinite)).toBe(true);
    expect(v[ANALYTICAL_LOG2_CYCLES_INDEX]).toBeCloseTo(Math.log2(real.cycles), 4);
    expect(v[ANALYTICAL_LOG2_ENERGY_INDEX]).toBeCloseTo(Math.log2(real.energy), 4);
    expect(at(v, 'acc.L3.W.reads')).toBeGreaterThan(0);
  });

  it('rejects an evaluation without accesses with a clear error', () => {
    const { accesses: _dropped, ...bare } = analytical;
    expect(() => featurize({ ...input, analytical: bare })).toThrow(/no per-level accesses/);
    expect(() => featureIndex('nope')).toThrow(/unknown feature "nope"/);
  });
});
