import { builtinWorkload, hashDesignPoint, layerKey, layerMacs, makeLayer, mappingViolations, rowCapacityViolations } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { type CachedDraw, cropLayer, datasetLayers, dramFloorCycles, layerCycleCap, drawLayerPoints, feasiblePeDims, minimumCycles } from './rtl-layer-dataset.js';

/** The pure steps of the per-layer RTL dataset (no simulator, no store): seconds. */
describe('rtl layer dataset: layers and cropping', () => {
  it('bounds cycles by the PEs a layer can use', () => {
    const conv1 = makeLayer({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2 });
    expect(minimumCycles(conv1, 32)).toBe(layerMacs(conv1) / (3 * 32));
    expect(minimumCycles(conv1, 4)).toBe(layerMacs(conv1) / 12);
  });

  it('crops only P and Q, halving the larger (rounded up) until the minimum cycles fit', () => {
    const layer = makeLayer({ R: 3, S: 3, P: 568, Q: 300, C: 64, K: 64, N: 1, Wstride: 1, Hstride: 1 });
    const cropped = cropLayer(layer, 32, 125_000);
    expect(cropped).toEqual({ ...layer, P: 71, Q: 38 }); // 568×300 → 284×300 → 284×150 → 142×150 → 142×75 → 71×75 → 71×38
    expect(minimumCycles(cropped, 32)).toBeLessThanOrEqual(125_000);
    expect(minimumCycles({ ...cropped, Q: 75 }, 32)).toBeGreaterThan(125_000);
    const small = makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: 8, N: 1 });
    expect(cropLayer(small, 32, 125_000)).toBe(small);
  });

  it('raises the cap of weight-heavy layers to twice their DRAM floor', () => {
    const heavy = makeLayer({ R: 3, S: 3, P: 2, Q: 4, C: 1024, K: 1024, N: 1 }); // 9.4 MB of weights
    const floor = (9 * 1024 * 1024 + 4 * 6 * 1024 + 2 * 4 * 1024) / 8;
    expect(dramFloorCycles(heavy)).toBe(floor);
    expect(layerCycleCap(heavy, 500_000)).toBe(Math.ceil(2 * floor));
    expect(layerCycleCap(makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: 8, N: 1 }), 500_000)).toBe(500_000);
  });

  it('draws peDim only from arrays that could run the layer under the cap', () => {
    const layer = makeLayer({ R: 1, S: 1, P: 64, Q: 64, C: 64, K: 64, N: 1 }); // 16.8 M MACs
    expect(feasiblePeDims(layer, [4, 32], 1_000_000)).toEqual([8, 32]);
    expect(feasiblePeDims(layer, [4, 32], 2_000_000)).toEqual([4, 32]);
  });

  it('lists the 71 unique layers of the four workloads, cropping the U-Net convolutions and keeping small layers whole', () => {
    const layers = datasetLayers();
    const keys = new Set(['resnet50', 'bert', 'unet', 'retinanet'].flatMap((w) => builtinWorkload(w).layers.map((l) => layerKey(l.layer))));
    expect(layers.map((l) => l.key)).toEqual([...keys]);
    expect(layers).toHaveLength(71);
    for (const l of layers) {
      expect(minimumCycles(l.layer, 32)).toBeLessThanOrEqual(500_000 / 4);
      const { P, Q, ...rest } = l.layer;
      const { P: P0, Q: Q0, ...rest0 } = l.original;
      expect(rest).toEqual(rest0);
      expect(P <= P0 && Q <= Q0).toBe(true);
      expect(l.cropped).toBe(P !== P0 || Q !== Q0);
    }
    expect(layers.filter((l) => l.workloads[0] === 'unet' && l.cropped)).toHaveLength(23);
    expect(layers.filter((l) => l.cropped)).toHaveLength(29);
    expect(layers.find((l) => l.name === 'mm_1')?.cropped).toBe(false);
  });
});

describe('rtl layer dataset: draws', () => {
  const small = () => datasetLayers({ workloads: ['bert'] }).filter((l) => l.name === 'mm_1' || l.name === 'mm_2');

  it('is deterministic for a seed, grows as a prefix with perLayer, and changes with the seed', () => {
    const options = { perLayer: 3, seed: 7, mapper: { samples: 20, improvementSteps: 20, starts: 1 } };
    const a = drawLayerPoints(small(), options);
    const b = drawLayerPoints(small(), options);
    expect(a.points.map((p) => p.point)).toEqual(b.points.map((p) => p.point));
    expect(a.points).toHaveLength(6);
    expect(a.points.map((p) => p.kind)).toEqual(['mapper', 'random', 'mapper', 'mapper', 'random', 'mapper']);
    const longer = drawLayerPoints(small(), { ...options, perLayer: 4 });
    expect(longer.points.filter((p) => p.sample < 3).map((p) => p.point)).toEqual(a.points.map((p) => p.point));
    const other = drawLayerPoints(small(), { ...options, seed: 8 });
    expect(other.points.map((p) => p.point)).not.toEqual(a.points.map((p) => p.point));
  });

  it('remembers its draws in a cache and reads them back instead of drawing again', () => {
    const options = { perLayer: 2, seed: 3, mapper: { samples: 20, improvementSteps: 20, starts: 1 } };
    const cache = new Map<string, CachedDraw>();
    const first = drawLayerPoints(small(), options, cache);
    expect(cache.size).toBe(4);
    const roundTripped = new Map<string, CachedDraw>(JSON.parse(JSON.stringify([...cache])) as [string, CachedDraw][]);
    const again = drawLayerPoints(small(), options, roundTripped);
    expect(again.points.map((p) => hashDesignPoint(p.point))).toEqual(first.points.map((p) => hashDesignPoint(p.point)));
    expect(again.points.map((p) => p.analytical.layers[0].cycles)).toEqual(first.points.map((p) => p.analytical.layers[0].cycles));
    const [key] = [...roundTripped.keys()];
    roundTripped.set(key, { ok: false, reason: 'remembered failure' });
    expect(drawLayerPoints(small(), options, roundTripped).failures).toEqual([{ layerIndex: 0, sample: 0, reason: 'remembered failure' }]);
  });

  it('draws valid row-fitting points within the ranges and under the cap', () => {
    const { points, failures } = drawLayerPoints(small(), { perLayer: 4, seed: 1, maxAnalyticalCycles: 200_000, mapper: { samples: 20, improvementSteps: 20, starts: 1 } });
    expect(failures).toEqual([]);
    for (const { point, workload, analytical } of points) {
      const { layer } = workload.layers[0];
      expect(point.hardware.peDim).toBeGreaterThanOrEqual(4);
      expect(point.hardware.peDim).toBeLessThanOrEqual(32);
      expect(mappingViolations(layer, point.hardware, point.mappings[0])).toEqual([]);
      expect(rowCapacityViolations(layer, point.hardware, point.mappings[0])).toEqual([]);
      expect(analytical.layers[0].cycles).toBeLessThanOrEqual(200_000);
      expect(analytical.layers[0].accesses?.length).toBe(4);
    }
  });
});
