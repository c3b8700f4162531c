import { makeLayer, parseMapping, type Workload } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { analyzeLayer } from './analyze-layer.js';
import { ANALYTICAL_MODEL_VERSION, analyticalModelVersion, analyzeNetwork } from './analyze-network.js';

const HW = { peDim: 2, spKB: 1, accKB: 1 };
const WORKLOAD: Workload = {
  name: 'tiny',
  layers: [
    { name: 'mm', layer: makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 2, K: 2, N: 1 }), count: 3 },
    { name: 'conv', layer: makeLayer({ R: 3, S: 1, P: 4, Q: 1, C: 2, K: 4, N: 1, Wstride: 2 }), count: 2 },
  ],
};
const MAPPINGS = [
  parseMapping('L3[WIO] C2 K2 - L2[WI] N1 - L1[O] P4 - L0[W] N1'),
  parseMapping('L3[WIO] K2 P2 - L2[WI] N1 K2X - L1[O] R3 P2 C2X - L0[W] N1'),
];

describe('analyzeNetwork', () => {
  it('sums count-weighted layer cycles and energy; EDP is their product', () => {
    const e = analyzeNetwork(WORKLOAD, HW, MAPPINGS);
    const [a, b] = WORKLOAD.layers.map((l, i) => analyzeLayer(l.layer, HW, MAPPINGS[i]));
    expect(e.cycles).toBe(3 * 20 + 2 * 39);
    expect(e.energy).toBeCloseTo(3 * a.energy + 2 * b.energy, 6);
    expect(e.edp).toBeCloseTo(e.energy * e.cycles, 0);
    expect(e.layers).toHaveLength(2);
    expect(e).toMatchObject({ fidelity: 'analytical', evaluator: 'analytical', evaluatorVersion: ANALYTICAL_MODEL_VERSION });
    expect(e.cost).toBeGreaterThanOrEqual(0);
  });

  it('versions results by energy table', () => {
    expect(analyticalModelVersion()).toBe(ANALYTICAL_MODEL_VERSION);
    expect(analyticalModelVersion({ energy: 'dosa' })).toBe(`${ANALYTICAL_MODEL_VERSION}+energy:dosa`);
  });

  it('names the layer whose mapping is wrong, and a missing mapping', () => {
    expect(() => analyzeNetwork(WORKLOAD, HW, [MAPPINGS[1], MAPPINGS[0]])).toThrow(/layer 0 "mm" of workload "tiny"/);
    expect(() => analyzeNetwork(WORKLOAD, HW, [MAPPINGS[0]])).toThrow(/2 layers but 1 mappings/);
  });
});
