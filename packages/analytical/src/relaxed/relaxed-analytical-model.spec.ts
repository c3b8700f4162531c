import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GEMMINI, type HardwareConfig, MappingSpace, type Mapping, RELAXED_FACTORS_PER_LAYER, Random, type Workload,
  builtinWorkload, encodeRelaxedFactors, loopOrdersOf, minimalHardware,
} from '@polaris/core';
import { tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from '../mapper/analytical-mapper.js';
import { RelaxedAnalyticalModel } from './relaxed-analytical-model.js';
import type { RelaxedAnalyticalOptions } from './relaxed-layer.js';

const mapper = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1 });
const mapped = (workload: Workload, hw: HardwareConfig = DEFAULT_GEMMINI): Mapping[] =>
  workload.layers.map(({ layer }) => mapper.map(layer, hw, 1).mapping);

/**
 * Worst relative disagreement between the gradient and central differences (step h in ln
 * factor) over `coordinates` of x: |g − fd| / (|fd| + 1e-3), the floor for near-zero slopes.
 */
function gradientError(objective: ReturnType<RelaxedAnalyticalModel['relax']>, x: Float64Array, coordinates: readonly number[], h = 1e-5): number {
  const g = new Float64Array(x.length);
  objective.evaluate(x, g);
  let worst = 0;
  for (const i of coordinates) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] += h;
    xm[i] -= h;
    const fd = (objective.evaluate(xp).lnEdp - objective.evaluate(xm).lnEdp) / (2 * h);
    worst = Math.max(worst, Math.abs(g[i] - fd) / (Math.abs(fd) + 1e-3));
  }
  return worst;
}

/** x0 jittered uniformly by ±spread in every ln factor: fractional trips, some below 1. */
const jitter = (x0: Float64Array, rng: Random, spread: number) => x0.map((v) => v + rng.uniform(-spread, spread));
const allCoordinates = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('RelaxedAnalyticalModel gradient (reverse mode) against central finite differences', () => {
  const cases: [string, Workload, RelaxedAnalyticalOptions][] = [
    ['tiny, Timeloop energy', tinyWorkload(), {}],
    ['tiny, DOSA energy, wide band', tinyWorkload(), { energy: 'dosa', maxBand: 0.3 }],
    ['tiny, separate read/write bandwidths', tinyWorkload(), { bandwidth: { scratchpad: { read: 16, write: 8 }, accumulator: { read: 2, write: 1 }, dram: { shared: 4 } } }],
    ['bert', builtinWorkload('bert'), {}],
  ];
  for (const [name, workload, options] of cases) {
    it(`${name}: 12 seeded points around mapper mappings, every coordinate`, () => {
      const mappings = mapped(workload);
      const objective = new RelaxedAnalyticalModel(options).relax(workload, mappings.map(loopOrdersOf));
      const x0 = encodeRelaxedFactors(mappings);
      const rng = new Random(`gradient-${name}`);
      let worst = 0;
      for (let point = 0; point < 12; point++) {
        const x = jitter(x0, rng, point < 4 ? 0.3 : 1);
        worst = Math.max(worst, gradientError(objective, x, allCoordinates(x.length)));
      }
      console.info(`gradient check ${name}: worst relative error ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('resnet50: random mappings of every layer and random loop orders, 150 coordinates per point', () => {
    const workload = builtinWorkload('resnet50');
    const rng = new Random('gradient-resnet50');
    let worst = 0;
    for (let point = 0; point < 4; point++) {
      const mappings = workload.layers.map(({ layer }) => new MappingSpace(layer).sample(rng, 64));
      const objective = new RelaxedAnalyticalModel().relax(workload, mappings.map(loopOrdersOf));
      const x = jitter(encodeRelaxedFactors(mappings), rng, 0.5);
      const coordinates = Array.from({ length: 150 }, () => rng.int(0, x.length - 1));
      worst = Math.max(worst, gradientError(objective, x, coordinates));
    }
    console.info(`gradient check resnet50 (random mappings): worst relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('RelaxedAnalyticalModel', () => {
  it('prices on the relaxed minimal hardware: at most the template-rounded one, and within the band of it', () => {
    const workload = builtinWorkload('resnet50');
    const mappings = mapped(workload, { peDim: 32, spKB: 512, accKB: 128 });
    const { hardware } = new RelaxedAnalyticalModel().relax(workload, mappings.map(loopOrdersOf)).evaluate(encodeRelaxedFactors(mappings));
    const rounded = minimalHardware(workload, mappings);
    expect(hardware.spKB).toBeLessThanOrEqual(rounded.spKB);
    expect(hardware.spKB).toBeGreaterThan((rounded.spKB - 1) * 0.999);
    expect(hardware.peDim).toBeGreaterThanOrEqual(2);
    expect(hardware.peDim).toBeLessThanOrEqual(rounded.peDim * Math.exp(0.05));
    // accKB / peDim is peDim-free: the largest O tile × 4 B / 1 KiB, up to the band.
    expect(hardware.accKB / hardware.peDim).toBeLessThanOrEqual(Math.ceil(rounded.accKB / rounded.peDim * 1.06));
  });

  it('is a pure function of x (the reused tape leaves no state)', () => {
    const workload = builtinWorkload('bert');
    const mappings = mapped(workload);
    const objective = new RelaxedAnalyticalModel().relax(workload, mappings.map(loopOrdersOf));
    const x = encodeRelaxedFactors(mappings);
    const g1 = new Float64Array(x.length);
    const g2 = new Float64Array(x.length);
    const first = objective.evaluate(x, g1);
    objective.evaluate(jitter(x, new Random(1), 1));
    expect(objective.evaluate(x, g2)).toEqual(first);
    expect(g2).toEqual(g1);
  });

  it('rejects wrong lengths and loop orders that are not permutations, naming them', () => {
    const workload = tinyWorkload();
    const mappings = mapped(workload);
    const model = new RelaxedAnalyticalModel();
    const orders = mappings.map(loopOrdersOf);
    expect(() => model.relax(workload, orders.slice(1))).toThrow(/3 layers but 2 loop orders/);
    const bad = [[...orders[0]], ...orders.slice(1)] as typeof orders;
    (bad[0] as unknown as string[][])[3] = ['K', 'K', 'R', 'S', 'P', 'Q', 'N'];
    expect(() => model.relax(workload, bad)).toThrow(/layer 0 at L3 is \[K K R S P Q N\]; expected a permutation of R S P Q C K N/);
    const objective = model.relax(workload, orders);
    expect(() => objective.evaluate(new Float64Array(5))).toThrow(new RegExp(`takes ${3 * RELAXED_FACTORS_PER_LAYER}`));
    expect(() => objective.evaluate(new Float64Array(objective.length), new Float64Array(2))).toThrow(/gradient has 2 entries/);
  });

  it('names its options in its version', () => {
    expect(new RelaxedAnalyticalModel().version).not.toBe(new RelaxedAnalyticalModel({ maxBand: 0 }).version);
    expect(new RelaxedAnalyticalModel().version).not.toBe(new RelaxedAnalyticalModel({ energy: 'dosa' }).version);
  });
});
