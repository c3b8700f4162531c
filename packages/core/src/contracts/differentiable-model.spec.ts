import { describe, expect, it } from 'vitest';
import { builtinWorkload } from '../workloads/index.js';
import { hardwareViolations } from '../domain/hardware.js';
import { parseMapping } from '../domain/mapping.js';
import { mappingViolations } from '../domain/mapping-validity.js';
import {
  RELAXED_FACTORS_PER_LAYER, RELAXED_SPATIAL_C, RELAXED_SPATIAL_K, encodeRelaxedFactors, loopOrdersOf, minimalHardware,
  relaxedTemporalIndex,
} from './differentiable-model.js';

const text = 'L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16';

describe('relaxed design vector', () => {
  it('holds ln of every factor in the documented layout', () => {
    const x = encodeRelaxedFactors([parseMapping(text), parseMapping(text)]);
    expect(x.length).toBe(2 * RELAXED_FACTORS_PER_LAYER);
    const at = (i: number) => Math.exp(x[RELAXED_FACTORS_PER_LAYER + i]);
    expect(at(relaxedTemporalIndex(3, 'K'))).toBeCloseTo(8, 12);
    expect(at(relaxedTemporalIndex(3, 'Q'))).toBeCloseTo(28, 12);
    expect(at(relaxedTemporalIndex(1, 'S'))).toBeCloseTo(7, 12);
    expect(at(relaxedTemporalIndex(0, 'P'))).toBeCloseTo(16, 12);
    expect(at(relaxedTemporalIndex(2, 'K'))).toBe(1); // K4X is spatial, not temporal
    expect(at(RELAXED_SPATIAL_C)).toBeCloseTo(3, 12);
    expect(at(RELAXED_SPATIAL_K)).toBeCloseTo(4, 12);
  });

  it('gives canonical loop orders: non-trivial loops in text order, then the rest in DIMS order', () => {
    const orders = loopOrdersOf(parseMapping(text));
    expect(orders[3]).toEqual(['K', 'Q', 'R', 'S', 'P', 'C', 'N']);
    expect(orders[1]).toEqual(['K', 'S', 'R', 'Q', 'P', 'C', 'N']);
    expect(orders[2]).toEqual(['R', 'S', 'P', 'Q', 'C', 'K', 'N']);
    for (const order of orders) expect([...order].sort()).toEqual(['C', 'K', 'N', 'P', 'Q', 'R', 'S']);
  });
});

describe('minimalHardware', () => {
  it('is the smallest template hardware every mapping fits (DOSA min_hw, peDim rounded to a power of two)', () => {
    const workload = { name: 'one', layers: [builtinWorkload('resnet50').layers[0]] };
    const mapping = parseMapping('L3[WIO] Q14 P8 K8 - L2[WI] S7 K8X - L1[O] R7 P14 Q8 C3X - L0[W] N1');
    const hw = minimalHardware(workload, [mapping]);
    // Spatial 8 → peDim 8; L1 O tile = P14·Q8 = 112 words.
    expect(hw.peDim).toBe(8);
    expect(hw.accKB).toBe(Math.ceil((8 * 112 * 4) / 1024));
    expect(hardwareViolations(hw)).toEqual([]);
    expect(mappingViolations(workload.layers[0].layer, hw, mapping)).toEqual([]);
    // One KiB less of either buffer breaks the capacity rule.
    expect(mappingViolations(workload.layers[0].layer, { ...hw, spKB: hw.spKB - 1 }, mapping).map((v) => v.code)).toContain('scratchpad-capacity');
    expect(mappingViolations(workload.layers[0].layer, { ...hw, accKB: hw.accKB - 1 }, mapping).map((v) => v.code)).toContain('accumulator-capacity');
  });
});
