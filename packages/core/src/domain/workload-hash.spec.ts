import { describe, expect, it } from 'vitest';
import { makeLayer } from './layer.js';
import type { Workload } from './workload.js';
import { workloadHash } from './workload-hash.js';

const conv = makeLayer({ R: 3, S: 3, P: 56, Q: 56, C: 64, K: 64, N: 1 });
const fc = makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 2048, K: 1000, N: 1 });
const net: Workload = { name: 'net', layers: [{ name: 'a', layer: conv, count: 3 }, { name: 'b', layer: fc, count: 1 }] };

describe('workloadHash', () => {
  it('is stable and ignores names', () => {
    expect(workloadHash(net)).toMatch(/^[0-9a-f]{20}$/);
    expect(workloadHash(net)).toBe(workloadHash({ name: 'other', layers: net.layers.map((l) => ({ ...l, name: 'x' })) }));
  });

  it('changes with counts, dimensions, strides and order', () => {
    const h = workloadHash(net);
    expect(workloadHash({ ...net, layers: [{ ...net.layers[0], count: 4 }, net.layers[1]] })).not.toBe(h);
    expect(workloadHash({ ...net, layers: [net.layers[1], net.layers[0]] })).not.toBe(h);
    const strided = makeLayer({ ...conv, Wstride: 2 });
    expect(workloadHash({ ...net, layers: [{ ...net.layers[0], layer: strided }, net.layers[1]] })).not.toBe(h);
  });
});
