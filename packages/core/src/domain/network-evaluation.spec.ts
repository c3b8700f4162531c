import { describe, expect, it } from 'vitest';
import { makeLayer } from './layer.js';
import { networkEvaluation } from './network-evaluation.js';
import { cycles, picoJoules } from './units.js';
import type { Workload } from './workload.js';

const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 2, K: 2, N: 1 });
const workload: Workload = { name: 'two', layers: [{ name: 'a', layer, count: 3 }, { name: 'b', layer, count: 1 }] };
const origin = { fidelity: 'analytical' as const, evaluator: 'test', evaluatorVersion: '1', costMs: 2 };

describe('networkEvaluation', () => {
  it('sums count·layer and multiplies the sums for EDP', () => {
    const e = networkEvaluation(workload, [
      { cycles: cycles(10), energy: picoJoules(5), macs: 16 },
      { cycles: cycles(7), energy: picoJoules(2), macs: 16 },
    ], origin);
    // cycles 3·10 + 7 = 37; energy 3·5 + 2 = 17 pJ; EDP = 17 · 37 = 629 pJ·cycles (not Σ per-layer EDPs).
    expect(e.cycles).toBe(37);
    expect(e.energy).toBe(17);
    expect(e.edp).toBe(629);
    expect(e).toMatchObject({ fidelity: 'analytical', evaluator: 'test', evaluatorVersion: '1', cost: 2 });
  });

  it('refuses a layer count that does not match the workload', () => {
    expect(() => networkEvaluation(workload, [], origin)).toThrow(/0 layer results for the 2 unique layers of workload "two"/);
  });
});
