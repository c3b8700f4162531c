import { describe, expect, it } from 'vitest';
import { AnalyticalMapper } from '@polaris/analytical';
import {
  DIMS, HardwareSpace, type Layer, MappingSpace, RELAXED_FACTORS_PER_LAYER, RELAXED_SPATIAL_C, RELAXED_SPATIAL_K, Random, builtinWorkload, encodeRelaxedFactors,
  hardwareViolations, loopOrdersOf, mappingViolations, printMapping, relaxedTemporalIndex,
} from '@polaris/core';
import { designOf, mappingOf, roundDesign, roundLayer, tileLimits } from './round-design.js';

const resnet = builtinWorkload('resnet50');
const mapper = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1 });

/** Sets each dimension's DRAM entry of x to the remainder (as the optimizer's parameters do). */
function cover(layer: Layer, x: Float64Array, base = 0): void {
  for (const dim of DIMS) {
    let inner = dim === 'C' ? x[base + RELAXED_SPATIAL_C] : dim === 'K' ? x[base + RELAXED_SPATIAL_K] : 0;
    for (let level = 0; level < 3; level++) inner += x[base + relaxedTemporalIndex(level, dim)];
    x[base + relaxedTemporalIndex(3, dim)] = Math.log(layer[dim]) - inner;
  }
}

describe('rounding relaxed factors to a valid design', () => {
  it('reproduces integer mappings exactly (their ln factors are their own nearest divisors)', () => {
    for (const hardware of [{ peDim: 16, spKB: 128, accKB: 32 }, { peDim: 64, spKB: 1024, accKB: 256 }]) {
      for (const { layer } of resnet.layers) {
        const mapping = mapper.map(layer, hardware, 1).mapping;
        const factors = roundLayer(layer, encodeRelaxedFactors([mapping]), 0, 64);
        expect(printMapping(mappingOf(factors, loopOrdersOf(mapping)))).toBe(printMapping(mapping));
      }
    }
  });

  it('takes the divisor nearest in ln, caps spatial factors, and leaves the rest to DRAM', () => {
    const layer = resnet.layers[3].layer; // 1×1, C64 K256, 56×56
    const x = new Float64Array(RELAXED_FACTORS_PER_LAYER);
    x[RELAXED_SPATIAL_K] = Math.log(200); // capped at 16
    x[relaxedTemporalIndex(1, 'P')] = Math.log(5.5); // 56's divisors: 4, 7, 8 → 7 is nearest in ln (ln 5.5 − ln 4 > ln 7 − ln 5.5)
    x[relaxedTemporalIndex(2, 'C')] = -0.4; // below 1: counts as 1
    cover(layer, x);
    const f = roundLayer(layer, x, 0, 16);
    expect(f[RELAXED_SPATIAL_K]).toBe(16);
    expect(f[relaxedTemporalIndex(1, 'P')]).toBe(7);
    expect(f[relaxedTemporalIndex(2, 'C')]).toBe(1);
    expect(f[relaxedTemporalIndex(3, 'K')]).toBe(16);
    expect(f[relaxedTemporalIndex(3, 'P')]).toBe(8);
    expect(f[relaxedTemporalIndex(3, 'C')]).toBe(64);
  });

  it('keeps every design inside a narrowed space: tiles moved to DRAM until the largest buffers hold them', () => {
    const space = new HardwareSpace({ peDim: [8, 16], spKB: [4, 8], accKB: [2, 4] });
    const limits = tileLimits(space);
    const rng = new Random(4);
    // Huge on-chip tiles: every factor wants to sit at L1/L2.
    const x = Float64Array.from({ length: resnet.layers.length * RELAXED_FACTORS_PER_LAYER }, () => rng.uniform(0, 3));
    resnet.layers.forEach(({ layer }, l) => cover(layer, x, l * RELAXED_FACTORS_PER_LAYER));
    const factors = roundDesign(resnet, x, limits);
    const orders = resnet.layers.map(({ layer }) => loopOrdersOf(new MappingSpace(layer).sample(rng)));
    const point = designOf(resnet, factors, orders, space);
    expect(hardwareViolations(point.hardware)).toEqual([]);
    expect(space.contains(point.hardware)).toBe(true);
    resnet.layers.forEach(({ layer }, i) => expect(mappingViolations(layer, point.hardware, point.mappings[i])).toEqual([]));
  });
});
