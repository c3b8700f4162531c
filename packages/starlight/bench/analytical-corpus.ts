/**
 * The pretraining corpus of Starlight-Low in the benchmarks: analytical-only samples drawn like
 * the RTL dataset's (same layers incl. crops, same hardware range, half mapper / half random
 * mappings; see `rtl-layer-dataset.ts`), plus draws on any extra layers (e.g. the FireSim CSV's).
 * The analytical model is free to run on every layer — held-out ones included — so this is not
 * leakage of high-fidelity data: it is what Polaris does before it has any RTL sample.
 *
 * Cached as JSON under polaris-runs/bench/ at the repository root (keyed by options); drawing ~10,000 samples takes about a minute.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Layer, builtinWorkload, describeLayer, layerKey } from '@polaris/core';
import type { DatasetSample } from '../src/datasets/dataset-sample.js';
import { REPO_ROOT } from './bench-paths.js';
import { type DatasetLayer, datasetLayers, drawLayerPoints } from './rtl-layer-dataset.js';

export interface AnalyticalCorpusOptions {
  /** Analytical samples per layer (default 150). */
  readonly perLayer?: number;
  readonly seed?: number;
  /** Layers besides the RTL dataset's (deduplicated by layer key). */
  readonly extraLayers?: readonly Layer[];
}

/** {@link analyticalCorpus}, read from / written to a JSON cache file named by the options. */
export function cachedAnalyticalCorpus(options: AnalyticalCorpusOptions = {}, dir = join(REPO_ROOT, 'polaris-runs/bench')): DatasetSample[] {
  const extra = (options.extraLayers ?? []).map(layerKey).sort().join('|');
  let hash = 0;
  for (const ch of extra) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const file = `${dir}/analytical-corpus-${options.perLayer ?? 150}-${options.seed ?? 1001}-${hash.toString(16)}.json`;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DatasetSample[];
  const corpus = analyticalCorpus(options);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(corpus));
  return corpus;
}

/** Per-layer analytical samples (target = the analytical evaluation itself). */
export function analyticalCorpus(options: AnalyticalCorpusOptions = {}): DatasetSample[] {
  const layers = datasetLayers();
  const known = new Set(layers.map((l) => l.key));
  for (const layer of options.extraLayers ?? []) {
    const key = layerKey(layer);
    if (known.has(key)) continue;
    known.add(key);
    layers.push({ key, workloads: ['extra'], name: describeLayer(layer), original: layer, layer, cropped: false } satisfies DatasetLayer);
  }
  // No cycle cap on the draws (nothing is simulated): no redraws, and slow mappings are in the corpus
  // too. The layers themselves are the RTL dataset's (its spatial crops included).
  const { points } = drawLayerPoints(layers, { perLayer: options.perLayer ?? 150, seed: options.seed ?? 1001, maxAnalyticalCycles: Number.POSITIVE_INFINITY });
  return points.map(({ workload, point, analytical }) => ({
    hardware: point.hardware, layer: workload.layers[0].layer, mapping: point.mappings[0], analytical: analytical.layers[0],
    target: { cycles: analytical.layers[0].cycles, energy: analytical.layers[0].energy }, source: 'analytical',
  }));
}

/** The built-in workloads' names, for reports. */
export const CORPUS_WORKLOADS = ['resnet50', 'bert', 'unet', 'retinanet'].map((w) => builtinWorkload(w).name);
