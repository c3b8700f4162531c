import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GEMMINI, type HardwareConfig, type Layer, MappingSpace, type Mapping, Random, type Workload, builtinWorkload,
  encodeRelaxedFactors, loopOrdersOf, makeLayer, minimalHardware, parseMapping, readDosaCsv,
} from '@polaris/core';
import { SHARED_DATA } from '@polaris/core/testing';
import { AnalyticalMapper } from '../mapper/analytical-mapper.js';
import type { AnalyticalOptions } from '../model/analytical-options.js';
import { analyzeLayer } from '../model/analyze-layer.js';
import { analyzeNetwork } from '../model/analyze-network.js';
import { RelaxedAnalyticalModel, evaluateRelaxedLayer } from './relaxed-analytical-model.js';
import type { RelaxedAnalyticalOptions } from './relaxed-layer.js';

/**
 * The relaxed model against the exact one at integer factors. Where the exact model has no
 * ceil or max effect — the DOSA energy table (no block rounding) and the hard maximum — they
 * agree to rounding, except the roofline's ⌈·⌉ (at most one cycle). With the defaults
 * (Timeloop's block-rounded energies, the smooth maximum) the measured gaps are asserted below.
 */

const DOSA_LAYERS: Layer[] = (['resnet50', 'bert', 'unet', 'retinanet'] as const).flatMap((name) => builtinWorkload(name).layers.map((l) => l.layer));
const ODD_LAYERS: Layer[] = [
  makeLayer({ R: 3, S: 3, P: 8, Q: 8, C: 4, K: 4, N: 2, Wstride: 2, Hstride: 2 }),
  makeLayer({ R: 3, S: 3, P: 6, Q: 6, C: 4, K: 4, N: 2, Wdilation: 2, Hdilation: 2 }),
  makeLayer({ R: 2, S: 2, P: 4, Q: 6, C: 4, K: 6, N: 2, Wstride: 2, Hdilation: 3 }),
  makeLayer({ R: 1, S: 1, P: 14, Q: 14, C: 8, K: 8, N: 1, Wstride: 2, Hstride: 2 }),
];
const BIG: HardwareConfig = { peDim: 128, spKB: 2048, accKB: 2048 };

interface Gaps { cycles: number[]; energy: number[]; edp: number[] }

const relative = (a: number, b: number) => a / b - 1;
function summary(values: readonly number[]): { median: number; p99: number; min: number; max: number } {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return { median: sorted[sorted.length >> 1], p99: sorted[Math.floor(sorted.length * 0.99)], min: Math.min(...values), max: Math.max(...values) };
}
const show = (label: string, gaps: Gaps) => console.info(`${label}: ${(['cycles', 'energy', 'edp'] as const).map((k) => {
  const s = summary(gaps[k]);
  return `${k} |rel| median ${s.median.toExponential(1)} p99 ${s.p99.toExponential(1)}, range [${s.min.toExponential(1)}, ${s.max.toExponential(1)}]`;
}).join('; ')}`);

function layerGaps(cases: Iterable<[Layer, Mapping, HardwareConfig, AnalyticalOptions]>, relaxed: RelaxedAnalyticalOptions): Gaps & { cycleDeficit: number[]; exactCycles: number[] } {
  const gaps = { cycles: [] as number[], energy: [] as number[], edp: [] as number[], cycleDeficit: [] as number[], exactCycles: [] as number[] };
  for (const [layer, mapping, hw, options] of cases) {
    const exact = analyzeLayer(layer, hw, mapping, options);
    const r = evaluateRelaxedLayer(layer, loopOrdersOf(mapping), encodeRelaxedFactors([mapping]), hw, { ...options, ...relaxed });
    gaps.cycles.push(relative(r.cycles, exact.cycles));
    gaps.energy.push(relative(r.energy, exact.energy));
    gaps.edp.push(relative(r.cycles * r.energy, exact.cycles * exact.energy));
    gaps.cycleDeficit.push(exact.cycles - r.cycles);
    gaps.exactCycles.push(exact.cycles);
  }
  return gaps;
}

function* randomMappings(count: number): Generator<[Layer, Mapping, HardwareConfig, AnalyticalOptions]> {
  const rng = new Random('relaxed-agreement');
  const layers = [...DOSA_LAYERS, ...ODD_LAYERS];
  for (let i = 0; i < count; i++) {
    const layer = layers[rng.int(0, layers.length - 1)];
    yield [layer, new MappingSpace(layer).sample(rng, BIG.peDim), BIG, { energy: 'dosa' }];
  }
}

describe('relaxed vs exact at integer factors', () => {
  it('agree exactly without ceil/max effects: 3,000 random mappings of DOSA-workload and strided/dilated layers', () => {
    const gaps = layerGaps(randomMappings(3000), { maxBand: 0 });
    show('random mappings, DOSA energy, hard max', gaps);
    expect(Math.max(...gaps.energy.map(Math.abs))).toBeLessThan(1e-12);
    // Only the roofline's ceil remains: exact − relaxed ∈ [0, 1] cycle, up to a few ulps of the
    // cycle count (Timeloop's floating-point order, kept by the exact model, shifts its ceil).
    gaps.cycleDeficit.forEach((deficit, i) => {
      const ulps = 1e-14 * gaps.exactCycles[i];
      expect(deficit).toBeGreaterThanOrEqual(-ulps);
      expect(deficit).toBeLessThanOrEqual(1 + ulps);
    });
  });

  it('DOSA\'s 12,000 Timeloop rows (48 hardware configurations): the default relaxation\'s gaps', () => {
    const rows = readDosaCsv(join(SHARED_DATA, 'dosa/timeloop/timeloop_dataset_sample.csv'));
    function* cases(): Generator<[Layer, Mapping, HardwareConfig, AnalyticalOptions]> {
      for (const row of rows) {
        yield [row.layer, parseMapping(row.mapping), row.hardware,
          { bandwidth: { accumulator: row.arch.accumulatorBandwidth, scratchpad: row.arch.scratchpadBandwidth } }];
      }
    }
    const gaps = layerGaps(cases(), {});
    show(`Timeloop rows (${rows.length}), default relaxation`, gaps);
    const cycles = summary(gaps.cycles);
    const energy = summary(gaps.energy);
    // Smooth max: high by < band (5 %) at worst; dropped ceil: low by at most one cycle of a short layer.
    expect(cycles.max).toBeLessThan(Math.exp(0.05) - 1);
    expect(cycles.min).toBeGreaterThan(-0.015);
    expect(cycles.median).toBeLessThan(0.01);
    // Dropped block rounding only lowers energy: exact on most rows, up to 11 % on small tiles.
    expect(energy.max).toBeLessThan(1e-12);
    expect(energy.median).toBeLessThan(1e-12);
    expect(energy.min).toBeGreaterThan(-0.11);
  });
});

describe('relaxed vs exact on DOSA workloads with mapper mappings', () => {
  const mapper = new AnalyticalMapper({ samples: 100, improvementSteps: 300, starts: 1 });
  for (const name of ['resnet50', 'bert', 'retinanet'] as const) {
    it(`${name}: layers on DOSA's default Gemmini, and the network on the derived minimal hardware`, () => {
      const workload: Workload = builtinWorkload(name);
      const mappings = workload.layers.map(({ layer }) => mapper.map(layer, DEFAULT_GEMMINI, 1).mapping);
      const gaps = layerGaps(workload.layers.map(({ layer }, i) => [layer, mappings[i], DEFAULT_GEMMINI, {}]), {});
      show(`${name} layers on 16/128/32`, gaps);
      expect(Math.max(...gaps.cycles.map(Math.abs))).toBeLessThan(0.03);
      expect(Math.max(...gaps.energy.map(Math.abs))).toBeLessThan(1e-3);
      // Network: relaxed hardware (no ceil, smooth max, peDim not a power of two) vs the exact model on minimalHardware.
      const relaxed = new RelaxedAnalyticalModel().relax(workload, mappings.map(loopOrdersOf)).evaluate(encodeRelaxedFactors(mappings));
      const exact = analyzeNetwork(workload, minimalHardware(workload, mappings), mappings);
      const edp = relative(relaxed.cycles * relaxed.energy, exact.cycles * exact.energy);
      console.info(`${name} network on minimal hardware: cycles ${relative(relaxed.cycles, exact.cycles).toExponential(2)}, ` +
        `energy ${relative(relaxed.energy, exact.energy).toExponential(2)}, EDP ${edp.toExponential(2)}`);
      expect(Math.abs(edp)).toBeLessThan(0.05);
    });
  }
});
