import { describe, expect, it } from 'vitest';
import {
  type HardwareConfig, type Layer, LayerDoesNotFitError, Random, builtinWorkload, layerKey, makeLayer, mappingViolations, parseMapping,
  printMapping, readDosaCsv,
} from '@polaris/core';
import { SHARED_DATA } from '@polaris/core/testing';
import { SCORE_LENGTH, createLayerScorer } from '../model/layer-scorer.js';
import { packMapping } from '../model/packed-mapping.js';
import { AnalyticalMapper } from './analytical-mapper.js';
import { FactorSpace, SLOT_COUNT } from './factor-space.js';
import { mapLayer } from './map-layer.js';

const GEMMINI: HardwareConfig = { peDim: 16, spKB: 128, accKB: 32 };
const resnet = builtinWorkload('resnet50').layers.map((l) => l.layer);

/** EDP of a mapping string under the real model. */
function edpOf(layer: Layer, hw: HardwareConfig, mapping: string): number {
  const out = new Float64Array(SCORE_LENGTH);
  createLayerScorer(layer, hw).score(packMapping(parseMapping(mapping)), out);
  return out[0] * out[1];
}

/** EDPs of `count` random valid mappings (uniform slots, uniformly shuffled loop orders), sorted. */
function randomValidEdps(layer: Layer, hw: HardwareConfig, count: number, seed: number): number[] {
  const space = new FactorSpace(layer, hw);
  const scorer = createLayerScorer(layer, hw);
  const rng = new Random(seed);
  const state = space.newState();
  const out = new Float64Array(SCORE_LENGTH);
  const edps: number[] = [];
  while (edps.length < count) {
    space.randomSlots(rng, state.slots);
    for (let level = 0; level < 4; level++) state.orders.set(rng.shuffle([0, 1, 2, 3, 4, 5, 6]), level * 7);
    const packed = space.pack(state);
    if (!space.fits(packed)) continue;
    scorer.score(packed, out);
    edps.push(out[0] * out[1]);
  }
  return edps.sort((a, b) => a - b);
}

/** Spatial-first baseline: C and K spatial as large as divides and fits peDim, all else at DRAM. */
function baselineMapping(layer: Layer, hw: HardwareConfig): string {
  const largestDivisor = (n: number): number => {
    for (let f = Math.min(n, hw.peDim); f > 1; f--) if (n % f === 0) return f;
    return 1;
  };
  const c = largestDivisor(layer.C);
  const k = largestDivisor(layer.K);
  const dram = (['R', 'S', 'P', 'Q', 'C', 'K', 'N'] as const)
    .map((d) => [d, layer[d] / (d === 'C' ? c : d === 'K' ? k : 1)] as const)
    .filter(([, f]) => f > 1).map(([d, f]) => `${d}${f}`);
  return `L3[WIO] ${dram.join(' ') || 'N1'} - L2[WI] K${k}X - L1[O] C${c}X - L0[W] N1`;
}

describe('mapLayer', () => {
  it('returns valid mappings on ResNet-50 for several hardware configurations', () => {
    const configs: HardwareConfig[] = [GEMMINI, { peDim: 128, spKB: 1, accKB: 1 }, { peDim: 4, spKB: 2048, accKB: 2048 }, { peDim: 32, spKB: 7, accKB: 3 }];
    for (const hw of configs) {
      for (const layer of resnet.slice(0, 8)) {
        const result = mapLayer(layer, hw, 1, { samples: 60, improvementSteps: 200 });
        expect(mappingViolations(layer, hw, result.mapping)).toEqual([]);
        expect(result.cycles).toBeGreaterThan(0);
        expect(result.energy).toBeGreaterThan(0);
        expect(Math.abs(result.edp / edpOf(layer, hw, printMapping(result.mapping)) - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it('is deterministic for a seed', () => {
    const layer = resnet[2];
    const a = mapLayer(layer, GEMMINI, 42, { samples: 100, improvementSteps: 500 });
    const b = mapLayer(layer, GEMMINI, 42, { samples: 100, improvementSteps: 500 });
    expect(printMapping(a.mapping)).toBe(printMapping(b.mapping));
    expect(a.edp).toBe(b.edp);
    expect(a.evaluations).toBeLessThanOrEqual(100 + 500 + 2);
  });

  it('beats the median random valid mapping by ≥ 20× and the spatial-first baseline on ResNet-50 layers', () => {
    for (const layer of [resnet[0], resnet[2], resnet[6], resnet[13], resnet[20]]) {
      const result = mapLayer(layer, GEMMINI, 3);
      const randomEdps = randomValidEdps(layer, GEMMINI, 201, 11);
      expect(result.edp * 20).toBeLessThan(randomEdps[100]);
      expect(result.edp).toBeLessThanOrEqual(randomEdps[0]);
      expect(result.edp).toBeLessThanOrEqual(edpOf(layer, GEMMINI, baselineMapping(layer, GEMMINI)));
    }
  });

  it('is at least as good as the best of DOSA\'s FireSim mappings of the same layer (under this model)', () => {
    const rows = readDosaCsv(`${SHARED_DATA}/dosa/firesim/firesim_results.csv`);
    const byLayer = new Map<string, typeof rows>();
    for (const row of rows) byLayer.set(layerKey(row.layer), [...(byLayer.get(layerKey(row.layer)) ?? []), row]);
    for (const group of [...byLayer.values()].slice(0, 12)) {
      const { layer, hardware } = group[0];
      const bestDosa = Math.min(...group.map((row) => edpOf(layer, hardware, row.mapping)));
      expect(mapLayer(layer, hardware, 1).edp).toBeLessThanOrEqual(bestDosa);
    }
  });

  it('finds the obvious optimum of a tiny case: the whole 4×4 matmul spatial, nothing temporal', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 1, Q: 1, C: 4, K: 4, N: 1 });
    const hw: HardwareConfig = { peDim: 4, spKB: 1, accKB: 1 };
    const result = mapLayer(layer, hw, 1, { samples: 20, improvementSteps: 50 });
    expect(printMapping(result.mapping)).toBe('L3[WIO] N1 - L2[WI] K4X - L1[O] C4X - L0[W] N1');
    // Exhaustively, no placement of the four primes does better.
    const space = new FactorSpace(layer, hw);
    const scorer = createLayerScorer(layer, hw);
    const state = space.newState();
    const out = new Float64Array(SCORE_LENGTH);
    for (let code = 0; code < SLOT_COUNT ** space.primeCount; code++) {
      let rest = code;
      for (let i = 0; i < space.primeCount; i++, rest = Math.floor(rest / SLOT_COUNT)) state.slots[i] = rest % SLOT_COUNT;
      if (![...state.slots].every((slot, i) => space.isAllowed(i, slot)) || !space.spatialFits(state.slots)) continue;
      const packed = space.pack(state);
      if (!space.fits(packed)) continue;
      scorer.score(packed, out);
      expect(out[0] * out[1]).toBeGreaterThanOrEqual(result.edp);
    }
  });

  it('throws LayerDoesNotFitError naming the layer and the smallest buffers when nothing fits', () => {
    const layer = resnet[1];
    // 2048 PE columns share 1 KiB: half a byte each, less than one 4-byte output word.
    expect(() => mapLayer(layer, { peDim: 2048, spKB: 1, accKB: 1 }, 1)).toThrow(LayerDoesNotFitError);
    expect(() => mapLayer(layer, { peDim: 2048, spKB: 1, accKB: 1 }, 1)).toThrow(/conv 1x1\/1 64→64 @56x56.*accKB ≥ 8/);
    expect(() => mapLayer(layer, { peDim: 16, spKB: 1 / 1024, accKB: 32 }, 1)).toThrow(/scratchpad holds 1 byte.*spKB ≥ 0.001953125/);
    // The template's smallest buffers still fit every layer (all loops at DRAM).
    expect(() => mapLayer(layer, { peDim: 128, spKB: 1, accKB: 1 }, 1, { samples: 10, improvementSteps: 10 })).not.toThrow();
  });
});

describe('AnalyticalMapper', () => {
  it('implements Mapper with its budget and maps the whole of ResNet-50 quickly', () => {
    const mapper = new AnalyticalMapper();
    expect(mapper.id).toBe('analytical');
    const start = performance.now();
    for (const layer of resnet) {
      const result = mapper.map(layer, GEMMINI, 7);
      expect(mappingViolations(layer, GEMMINI, result.mapping)).toEqual([]);
    }
    const ms = performance.now() - start;
    expect(ms).toBeLessThan(15_000);
    const cheap = new AnalyticalMapper({ samples: 5, improvementSteps: 10 });
    expect(cheap.map(resnet[0], GEMMINI, 1).evaluations).toBeLessThanOrEqual(17);
  });
});
