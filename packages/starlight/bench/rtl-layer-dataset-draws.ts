/**
 * The pure half of the per-layer RTL dataset (see rtl-layer-dataset.ts for the methodology):
 * which layers, how they are cropped, each layer's cycle cap, the seeded draws of design points,
 * and the cache of those draws kept beside the store.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type DesignPoint, type Evaluation, type Layer, type Workload,
  HardwareSpace, Random, builtinWorkload, inputHeight, inputWidth, layerKey, layerMacs, makeLayer,
} from '@polaris/core';
import { AnalyticalEvaluator, AnalyticalMapper, type MapperOptions, analyzeNetwork } from '@polaris/analytical';
import type { RtlOptions } from '@polaris/rtl-sim';
import { DesignPointSamplingError, sampleDesignPoints } from '../src/datasets/sample-design-points.js';

/** The workloads whose layers make the dataset, in crediting order. */
export const RTL_DATASET_WORKLOADS: readonly string[] = ['resnet50', 'bert', 'unet', 'retinanet'];

/** Default store path (polaris-runs/ is gitignored). */
export const DEFAULT_RTL_DATASET_STORE = 'polaris-runs/bench/rtl-layers.sqlite';

/** The mapper budget of the "good" half: a few ms per layer instead of the default search's ~100 ms. */
export const DATASET_MAPPER_BUDGET: MapperOptions = { samples: 120, improvementSteps: 300, starts: 2, bufferLayout: 'rows' };

/** Options of {@link loadRtlLayerDataset} (and of the pure steps it is made of). */
export interface RtlLayerDatasetOptions {
  /** Samples per unique layer (default 20). */
  readonly perLayer?: number;
  /** Root seed (default 1). */
  readonly seed?: number;
  /** Workloads (default {@link RTL_DATASET_WORKLOADS}). */
  readonly workloads?: readonly string[];
  /** Only the first n unique layers (smoke tests). */
  readonly limitLayers?: number;
  /** SQLite store (default {@link DEFAULT_RTL_DATASET_STORE}, relative to the cwd). */
  readonly storePath?: string;
  /** A draw whose analytical cycles exceed this is redrawn (default 500,000; see the module doc). */
  readonly maxAnalyticalCycles?: number;
  /** Layers are cropped until their minimum cycles on the largest array ≤ maxAnalyticalCycles / cropHeadroom (default 4). */
  readonly cropHeadroom?: number;
  /** peDim range (default [4, 32]). */
  readonly peDimRange?: readonly [number, number];
  /** spKB and accKB range, KiB (default the template's [1, 2048]). */
  readonly bufferRangeKB?: readonly [number, number];
  /** Draws per sample before giving up on it (default 100). */
  readonly drawAttempts?: number;
  /** Budget of the analytical mapper (default {@link DATASET_MAPPER_BUDGET}; `bufferLayout` is forced to 'rows'). */
  readonly mapper?: MapperOptions;
  /** Options of the rtl evaluator (default its defaults). */
  readonly rtl?: Partial<RtlOptions>;
  /**
   * Simulate the drawn points the store lacks (default true for {@link buildRtlLayerDataset},
   * false for `loadRtlLayerDataset`, which only reads what the store holds).
   */
  readonly simulate?: boolean;
  /** Progress lines (default stderr). */
  readonly log?: (line: string) => void;
}

/** One unique layer of the dataset. */
export interface DatasetLayer {
  /** Key of the original (uncropped) layer. */
  readonly key: string;
  /** Workloads holding it, crediting order first. */
  readonly workloads: readonly string[];
  /** Its name in the first workload. */
  readonly name: string;
  readonly original: Layer;
  /** The layer the dataset uses: the original, or its spatial crop. */
  readonly layer: Layer;
  readonly cropped: boolean;
}

/** One drawn design point of a layer, with its analytical evaluation. */
export interface DrawnPoint {
  readonly layerIndex: number;
  readonly sample: number;
  readonly kind: 'mapper' | 'random';
  readonly workload: Workload;
  readonly point: DesignPoint;
  readonly analytical: Evaluation;
  /** Draws it took (1 = the first passed the cap). */
  readonly draws: number;
}

/** Samples per layer for which no draw passed the cap. */
export interface DrawFailure {
  readonly layerIndex: number;
  readonly sample: number;
  readonly reason: string;
}

const defaults = (o: RtlLayerDatasetOptions) => ({
  perLayer: o.perLayer ?? 20,
  seed: o.seed ?? 1,
  workloads: o.workloads ?? RTL_DATASET_WORKLOADS,
  maxAnalyticalCycles: o.maxAnalyticalCycles ?? 500_000,
  cropHeadroom: o.cropHeadroom ?? 4,
  peDimRange: o.peDimRange ?? ([4, 32] as const),
  bufferRangeKB: o.bufferRangeKB ?? ([1, 2048] as const),
  drawAttempts: o.drawAttempts ?? 100,
  mapper: { ...(o.mapper ?? DATASET_MAPPER_BUDGET), bufferLayout: 'rows' as const },
});

/**
 * The layer cropped spatially until {@link minimumCycles} on a `peDim` array ≤ `maxCycles`: the
 * larger of P and Q (P on a tie) is halved, rounded up, step by step; every other field is kept.
 * A layer already small enough, or one at P = Q = 1, is returned as is.
 */
export function cropLayer(layer: Layer, peDim: number, maxCycles: number): Layer {
  let out = layer;
  while (minimumCycles(out, peDim) > maxCycles && (out.P > 1 || out.Q > 1)) {
    out = out.P >= out.Q ? makeLayer({ ...out, P: Math.ceil(out.P / 2) }) : makeLayer({ ...out, Q: Math.ceil(out.Q / 2) });
  }
  return out;
}

/**
 * The peDim range worth drawing for a layer: from the smallest power of two whose array could
 * run the layer within the cap at full utilisation (MACs / peDim² ≤ cap) up to the range's top.
 * Drawing from it is the same as drawing from the whole range and rejecting the arrays no mapping
 * can get under the cap, only without the wasted draws.
 */
export function feasiblePeDims(layer: Layer, range: readonly [number, number], maxCycles: number): [number, number] {
  let min = range[0];
  while (min < range[1] && minimumCycles(layer, min) > maxCycles) min *= 2;
  return [min, range[1]];
}

/** DRAM bytes per cycle of the analytical model's roofline (DESIGN.md: 8). */
const DRAM_BYTES_PER_CYCLE = 8;

/**
 * The fewest cycles any mapping of `layer` can spend on DRAM traffic: every int8 weight and
 * input and every int8 output crosses the 8-byte/cycle DRAM bus at least once. Cropping P and Q
 * does not shrink the weights, so this floor can exceed a cycle cap on weight-heavy layers.
 */
export function dramFloorCycles(layer: Layer): number {
  const weights = layer.R * layer.S * layer.C * layer.K;
  const inputs = layer.N * inputWidth(layer) * inputHeight(layer) * layer.C;
  const outputs = layer.N * layer.P * layer.Q * layer.K;
  return (weights + inputs + outputs) / DRAM_BYTES_PER_CYCLE;
}

/**
 * The cycle cap of one layer: `maxCycles`, raised to twice the layer's {@link dramFloorCycles}
 * when that is higher (weight-heavy layers such as U-Net's 1024-channel 3×3 convolutions, whose
 * 9.4 MB of weights alone take 1.2 M cycles), so no layer is left without samples.
 */
export function layerCycleCap(layer: Layer, maxCycles: number): number {
  return Math.max(maxCycles, Math.ceil(2 * dramFloorCycles(layer)));
}

/**
 * The fewest cycles any mapping of `layer` can take on a peDim × peDim array: one MAC per PE in
 * use per cycle, with at most min(C, peDim) rows (spatial C) and min(K, peDim) columns (spatial K).
 */
export function minimumCycles(layer: Layer, peDim: number): number {
  return layerMacs(layer) / (Math.min(layer.C, peDim) * Math.min(layer.K, peDim));
}

/** The unique layers of `options.workloads`, cropped by the rule of the module doc. */
export function datasetLayers(options: RtlLayerDatasetOptions = {}): DatasetLayer[] {
  const o = defaults(options);
  const byKey = new Map<string, { name: string; layer: Layer; workloads: string[] }>();
  for (const name of o.workloads) {
    for (const entry of builtinWorkload(name).layers) {
      const key = layerKey(entry.layer);
      const seen = byKey.get(key);
      if (seen) {
        if (!seen.workloads.includes(name)) seen.workloads.push(name);
      } else {
        byKey.set(key, { name: entry.name, layer: entry.layer, workloads: [name] });
      }
    }
  }
  const layers = [...byKey].map(([key, { name, layer, workloads }]): DatasetLayer => {
    const cropped = cropLayer(layer, o.peDimRange[1], o.maxAnalyticalCycles / o.cropHeadroom);
    return { key, workloads, name, original: layer, layer: cropped, cropped: cropped !== layer };
  });
  return options.limitLayers === undefined ? layers : layers.slice(0, options.limitLayers);
}

/** A one-layer workload of a dataset layer (count 1: the targets are per execution). */
export function layerWorkload(layer: DatasetLayer): Workload {
  return { name: `${layer.workloads[0]}:${layer.name}${layer.cropped ? ':cropped' : ''}`, layers: [{ name: layer.name, layer: layer.layer, count: 1 }] };
}

/**
 * Draws the design points of `layers` (pure apart from CPU time): per layer and sample k, a
 * stream `seed → rtl-layer-dataset → <layer key> → sample-k`; each attempt draws one point with
 * `sampleDesignPoints` (mapper for even k, random for odd k) on the narrowed hardware space and
 * keeps it when its analytical cycles are within the cap.
 */
export function drawLayerPoints(
  layers: readonly DatasetLayer[], options: RtlLayerDatasetOptions = {}, cache?: Map<string, CachedDraw>,
): { points: DrawnPoint[]; failures: DrawFailure[] } {
  const o = defaults(options);
  const mapper = new AnalyticalMapper(o.mapper);
  const root = new Random(o.seed).fork('rtl-layer-dataset');
  const points: DrawnPoint[] = [];
  const failures: DrawFailure[] = [];
  layers.forEach((layer, layerIndex) => {
    const workload = layerWorkload(layer);
    const cap = layerCycleCap(layer.layer, o.maxAnalyticalCycles);
    const hardwareSpace = new HardwareSpace({ peDim: feasiblePeDims(layer.layer, o.peDimRange, cap), spKB: o.bufferRangeKB, accKB: o.bufferRangeKB });
    const layerRng = root.fork(layer.key);
    for (let sample = 0; sample < o.perLayer; sample++) {
      const kind = sample % 2 === 0 ? 'mapper' : 'random';
      // A layer whose cap is not the global one says so in its key (its draws depend on it).
      const cacheKey = cap === o.maxAnalyticalCycles ? `${layer.key}|${sample}` : `${layer.key}|cap=${cap}|${sample}`;
      const cached = cache?.get(cacheKey);
      if (cached?.ok) {
        const analytical = analyzeNetwork(workload, cached.point.hardware, cached.point.mappings);
        points.push({ layerIndex, sample, kind, workload, point: cached.point, analytical, draws: cached.draws });
        continue;
      }
      if (cached) {
        failures.push({ layerIndex, sample, reason: cached.reason });
        continue;
      }
      const rng = layerRng.fork(`sample-${sample}`);
      let drawn: DrawnPoint | undefined;
      let reason = '';
      for (let draw = 1; draw <= o.drawAttempts && !drawn; draw++) {
        let point: DesignPoint;
        try {
          [point] = sampleDesignPoints(workload, 1, rng.uint32(), {
            hardwareSpace, bufferLayout: 'rows', ...(kind === 'mapper' ? { mapper } : {}), hardwareAttempts: 10, mappingAttempts: 100,
          });
        } catch (error) {
          if (!(error instanceof DesignPointSamplingError)) throw error;
          reason = error.message;
          continue;
        }
        const analytical = analyzeNetwork(workload, point.hardware, point.mappings);
        if (analytical.layers[0].cycles > cap) {
          reason = `analytical cycles ${analytical.layers[0].cycles} > cap ${cap}`;
          continue;
        }
        drawn = { layerIndex, sample, kind, workload, point, analytical, draws: draw };
      }
      if (drawn) {
        points.push(drawn);
        cache?.set(cacheKey, { ok: true, point: drawn.point, draws: drawn.draws });
      } else {
        const failure = { layerIndex, sample, reason: `no ${kind} draw passed in ${o.drawAttempts} attempts (last: ${reason})` };
        failures.push(failure);
        cache?.set(cacheKey, { ok: false, reason: failure.reason });
      }
    }
  });
  return { points, failures };
}

/** One remembered draw of {@link drawLayerPoints}: the point it kept, or why none passed. */
export type CachedDraw = { readonly ok: true; readonly point: DesignPoint; readonly draws: number } | { readonly ok: false; readonly reason: string };

/** Bump when the drawing procedure changes in a way the options do not show. */
const DRAW_CACHE_VERSION = 1;

/**
 * What the draws depend on besides (layer, sample): a cache written under other options is
 * ignored. `perLayer` and `limitLayers` are not part of it — entries are per (layer, sample), so a
 * larger `perLayer` reuses the draws it shares with a smaller one.
 */
function drawCacheKey(options: RtlLayerDatasetOptions): string {
  const o = defaults(options);
  return JSON.stringify({
    version: DRAW_CACHE_VERSION, seed: o.seed, maxAnalyticalCycles: o.maxAnalyticalCycles, cropHeadroom: o.cropHeadroom,
    peDimRange: o.peDimRange, bufferRangeKB: o.bufferRangeKB, drawAttempts: o.drawAttempts, mapper: o.mapper,
    analytical: new AnalyticalEvaluator().version,
  });
}

/**
 * The draws kept beside the store (`<store>.draws.json`): drawing ~1,400 points with redraws
 * under the cap takes minutes, so a rerun reads them back instead (each point's analytical
 * evaluation is recomputed, microseconds).
 */
export function loadDrawCache(path: string, options: RtlLayerDatasetOptions): Map<string, CachedDraw> {
  if (!existsSync(path)) return new Map();
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as { key: string; draws: [string, CachedDraw][] };
    return file.key === drawCacheKey(options) ? new Map(file.draws) : new Map();
  } catch {
    return new Map();
  }
}

export function saveDrawCache(path: string, options: RtlLayerDatasetOptions, cache: Map<string, CachedDraw>): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ key: drawCacheKey(options), draws: [...cache] }));
  renameSync(temp, path);
}
