/**
 * Data sources of the sample-efficiency benchmark: each gives a fixed train/test split of
 * high-fidelity per-layer samples, holding out whole layers (the test layers are never trained on).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeLayer, dosaRowOptions } from '@polaris/analytical';
import { layerKey } from '@polaris/core';
import { SHARED_DATA } from '@polaris/core/testing';
import { type DatasetSample, type DatasetSplit, type FiresimImport, importFiresimCsv, splitByLayer } from '../src/index.js';

export const SOURCE_NAMES = ['firesim', 'rtl'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Fraction of a source's layers held out for testing, and the split's seed (fixed across n and seeds). */
export const HOLDOUT_FRACTION = 0.2;
export const SPLIT_SEED = 2024;

export interface LoadedSource {
  readonly name: SourceName;
  /** One line on where the data comes from and what was skipped. */
  readonly description: string;
  readonly split: DatasetSplit;
}

/** DOSA's FireSim CSV in the team's shared data (`POLARIS_SHARED_DATA` overrides the folder). */
export const FIRESIM_CSV = join(SHARED_DATA, 'dosa/firesim/firesim_results.csv');

/**
 * `firesim`: the 1,567 FireSim runs of DOSA (RTL cycles; Timeloop energy), each scored by the
 * analytical model with the row's own bandwidths (as `polaris evaluate --csv` does).
 */
export function loadFiresimSource(): LoadedSource {
  const { samples, skipped } = importFiresimSamples();
  return describe('firesim', `${FIRESIM_CSV}: ${samples.length} samples (${skipped.length} rows skipped)`, samples);
}

/** Every row of {@link FIRESIM_CSV} as a sample, in file order, scored analytically with the row's own bandwidths. */
export function importFiresimSamples(): FiresimImport {
  if (!existsSync(FIRESIM_CSV)) throw new Error(`firesim source: ${FIRESIM_CSV} not found (set POLARIS_SHARED_DATA to the folder holding dosa/firesim/firesim_results.csv)`);
  return importFiresimCsv(FIRESIM_CSV, { analytical: (row, mapping) => analyzeLayer(row.layer, row.hardware, mapping, dosaRowOptions(row)) });
}

/** The cached RTL dataset's default location, relative to the repository root. */
export const RTL_STORE = resolve(join(import.meta.dirname, '../../..'), 'polaris-runs/bench/rtl-layers.sqlite');

/**
 * `rtl`: the per-layer RTL dataset cached by `bench/rtl-layer-dataset.ts` (never built from
 * here: simulating it takes hours).
 */
export async function loadRtlSource(): Promise<LoadedSource> {
  if (!existsSync(RTL_STORE)) throw new Error(`rtl source: no dataset at ${RTL_STORE}; run npx tsx packages/starlight/bench/rtl-layer-dataset.ts first`);
  const { loadRtlLayerDataset } = await import('./rtl-layer-dataset.js');
  const samples = await loadRtlLayerDataset({ storePath: RTL_STORE, simulate: false, log: () => {} });
  return describe('rtl', `${RTL_STORE}: ${samples.length} samples`, samples);
}

function describe(name: SourceName, what: string, samples: readonly DatasetSample[]): LoadedSource {
  const split = splitByLayer(samples, HOLDOUT_FRACTION, SPLIT_SEED);
  const layers = new Set(samples.map((s) => layerKey(s.layer))).size;
  return {
    name, split,
    description: `${what}; ${layers} layer shapes, ${split.heldOutLayers.length} held out (seed ${SPLIT_SEED}): ${split.train.length} train / ${split.test.length} test samples`,
  };
}

export async function loadSource(name: SourceName): Promise<LoadedSource> {
  return name === 'firesim' ? loadFiresimSource() : loadRtlSource();
}
