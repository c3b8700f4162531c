/**
 * Data sources of the sample-efficiency benchmark, each a fixed split of high-fidelity
 * per-layer samples (see `sample-efficiency-splits.ts` for the split rules):
 * - `firesim`: DOSA's 1,567 FireSim rows, ~20 % of the layers held out;
 * - `rtl`: our per-layer RTL dataset, ~20 % of the layers held out;
 * - `rtl-hardware`: the RTL dataset with whole hardware configurations held out (every sample of
 *   peDim 8 and 32 and of the largest 15 % of scratchpads, {@link RTL_HARDWARE_HOLDOUT});
 * - `gemmini16`: train on the 1,567 FireSim rows (one 128×128 configuration), score on every row
 *   of the 87 real 16×16 Gemmini measurements;
 * - `gemmini16-mixed`: the same plus half of the 16×16 file's layer shapes (seeded) in every
 *   training set; scored on the other half's rows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLayer, dosaRowOptions } from '@polaris/analytical';
import { type Layer, layerKey } from '@polaris/core';
import { SHARED_DATA } from '@polaris/core/testing';
import { type DatasetSample, type FiresimImport, importFiresimCsv } from '../src/index.js';
import { RTL_SAMPLES_FILE, RTL_STORE, shownPath as shown } from './bench-paths.js';
import { readRtlSamplesFile } from './rtl-layer-samples-file.js';
import {
  type BenchSplit, type HardwareHoldout, crossHardwareSplit, hardwareHoldoutSplit, hardwareKey, layerHoldoutSplit, mixedHardwareSplit,
} from './sample-efficiency-splits.js';

export { RTL_SAMPLES_FILE, RTL_STORE } from './bench-paths.js';

export const SOURCE_NAMES = ['firesim', 'rtl', 'rtl-hardware', 'gemmini16', 'gemmini16-mixed'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Fraction of a source's layers held out for testing, and the seed of every split (fixed across n and seeds). */
export const HOLDOUT_FRACTION = 0.2;
export const SPLIT_SEED = 2024;

/** The `rtl-hardware` hold-out: the dataset's peDims are 4, 8, 16, 32; training keeps 4 and 16 (interpolation to 8, extrapolation to 32). */
export const RTL_HARDWARE_HOLDOUT: HardwareHoldout = { peDims: [8, 32], largestScratchpadFraction: 0.15 };

export interface LoadedSource {
  readonly name: SourceName;
  /** Where the data comes from, what was skipped and what n counts. */
  readonly description: string;
  readonly split: BenchSplit;
  /**
   * Layer shapes of the source (train and test) besides the RTL dataset's, for a transfer
   * model's analytical pretraining corpus (analytical values only: no leakage of targets).
   */
  readonly pretrainLayers: readonly Layer[];
}

/** DOSA's FireSim CSV in the team's shared data (`POLARIS_SHARED_DATA` overrides the folder). */
export const FIRESIM_CSV = join(SHARED_DATA, 'dosa/firesim/firesim_results.csv');
/** The 87 real 16×16 Gemmini FireSim measurements (same column format; shared bandwidths). */
export const FIRESIM_16X16_CSV = join(SHARED_DATA, 'dosa/firesim/firesim_16x16_resnet50_bert.csv');

const imports = new Map<string, FiresimImport>();

/** Every row of a DOSA FireSim CSV as a sample, in file order, scored analytically with the row's own bandwidths (memoised per file). */
export function importFiresimFile(path: string): FiresimImport {
  let result = imports.get(path);
  if (!result) {
    if (!existsSync(path)) throw new Error(`${path} not found (set POLARIS_SHARED_DATA to the folder holding dosa/firesim/)`);
    result = importFiresimCsv(path, { analytical: (row, mapping) => analyzeLayer(row.layer, row.hardware, mapping, dosaRowOptions(row)) });
    imports.set(path, result);
  }
  return result;
}

/** Every row of {@link FIRESIM_CSV} as a sample (see {@link importFiresimFile}). */
export function importFiresimSamples(): FiresimImport {
  return importFiresimFile(FIRESIM_CSV);
}

const layersOf = (samples: readonly DatasetSample[]): Layer[] => [...new Map(samples.map((s) => [layerKey(s.layer), s.layer])).values()];
const configsOf = (samples: readonly DatasetSample[]): string => {
  const keys = [...new Set(samples.map((s) => hardwareKey(s.hardware)))];
  return `${keys.length} configuration${keys.length === 1 ? '' : 's'} (peDim/spKB/accKB ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''})`;
};
const imported = (path: string, { samples, skipped }: FiresimImport): string => `${shown(path)}: ${samples.length} rows (${skipped.length} skipped), ${configsOf(samples)}`;
const sizes = (split: BenchSplit): string =>
  `${split.pool.length} pool${split.fixedTrain.length > 0 ? ` + ${split.fixedTrain.length} fixed` : ''} train / ${split.test.length} test samples`;

/** `firesim`: the FireSim rows (RTL cycles; Timeloop energy), ~20 % of the layers held out. */
export function loadFiresimSource(): LoadedSource {
  const firesim = importFiresimSamples();
  const split = layerHoldoutSplit(firesim.samples, HOLDOUT_FRACTION, SPLIT_SEED);
  return { name: 'firesim', split, pretrainLayers: layersOf(firesim.samples), description: `${imported(FIRESIM_CSV, firesim)}; ${layersOf(firesim.samples).length} layer shapes; ${sizes(split)}` };
}

const rtlSamples = new Map<string, Promise<{ samples: DatasetSample[]; from: string }>>();

/**
 * The RTL dataset's samples: from its store ({@link RTL_STORE}) when present (read-only: nothing
 * is simulated here), else from the committed export ({@link RTL_SAMPLES_FILE}). Memoised per pair of paths.
 * @throws Error naming both locations when neither exists.
 */
export function loadRtlSamples(store = RTL_STORE, file = RTL_SAMPLES_FILE): Promise<{ samples: DatasetSample[]; from: string }> {
  const key = `${store}\n${file}`;
  let loaded = rtlSamples.get(key);
  if (!loaded) {
    loaded = (async () => {
      if (existsSync(store)) {
        const { loadRtlLayerDataset } = await import('./rtl-layer-dataset.js');
        const samples = await loadRtlLayerDataset({ storePath: store, simulate: false, log: () => {} });
        const exported = existsSync(file) ? readRtlSamplesFile(file).length : 0;
        const stale = samples.length > exported ? ` (the committed export ${shown(file)} has ${exported}: export with npx tsx packages/starlight/bench/rtl-layer-samples-file.ts)` : '';
        return { samples, from: `${shown(store)}${stale}` };
      }
      if (existsSync(file)) return { samples: readRtlSamplesFile(file), from: shown(file) };
      throw new Error(`rtl source: neither the dataset's store ${store} nor its committed export ${file} exists; `
        + 'build the store with npx tsx packages/starlight/bench/rtl-layer-dataset.ts, then export it with npx tsx packages/starlight/bench/rtl-layer-samples-file.ts');
    })();
    rtlSamples.set(key, loaded);
    loaded.catch(() => rtlSamples.delete(key));
  }
  return loaded;
}

/** `rtl`: the per-layer RTL dataset (`bench/rtl-layer-dataset.ts`), ~20 % of the layers held out. */
export async function loadRtlSource(): Promise<LoadedSource> {
  const { samples, from } = await loadRtlSamples();
  const split = layerHoldoutSplit(samples, HOLDOUT_FRACTION, SPLIT_SEED);
  return { name: 'rtl', split, pretrainLayers: [], description: `${from}: ${samples.length} samples, ${layersOf(samples).length} layer shapes; ${sizes(split)}` };
}

/** `rtl-hardware`: the RTL dataset with whole hardware configurations held out ({@link RTL_HARDWARE_HOLDOUT}). */
export async function loadRtlHardwareSource(): Promise<LoadedSource> {
  const { samples, from } = await loadRtlSamples();
  const split = hardwareHoldoutSplit(samples, RTL_HARDWARE_HOLDOUT);
  return { name: 'rtl-hardware', split, pretrainLayers: [], description: `${from}: ${samples.length} samples, ${new Set(samples.map((s) => hardwareKey(s.hardware))).size} hardware configurations; ${sizes(split)}` };
}

/** `gemmini16` and `gemmini16-mixed`: FireSim's 128×128 rows to train, the 16×16 measurements to score. */
export function loadGemmini16Source(mixed: boolean): LoadedSource {
  const firesim = importFiresimSamples();
  const measured = importFiresimFile(FIRESIM_16X16_CSV);
  const split = mixed ? mixedHardwareSplit(firesim.samples, measured.samples, SPLIT_SEED) : crossHardwareSplit(firesim.samples, measured.samples);
  const n = mixed
    ? `n counts the FireSim rows drawn plus all ${split.fixedTrain.length} 16×16 training rows (in every training set)`
    : 'n counts only the FireSim rows drawn';
  return {
    name: mixed ? 'gemmini16-mixed' : 'gemmini16', split, pretrainLayers: layersOf([...firesim.samples, ...measured.samples]),
    description: `train ${imported(FIRESIM_CSV, firesim)}; score ${imported(FIRESIM_16X16_CSV, measured)}; each row scored analytically with its own bandwidths; ${sizes(split)}; ${n}`,
  };
}

export async function loadSource(name: SourceName): Promise<LoadedSource> {
  switch (name) {
    case 'firesim': return loadFiresimSource();
    case 'rtl': return loadRtlSource();
    case 'rtl-hardware': return loadRtlHardwareSource();
    case 'gemmini16': return loadGemmini16Source(false);
    case 'gemmini16-mixed': return loadGemmini16Source(true);
  }
}
