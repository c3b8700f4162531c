/**
 * The pure split logic of the sample-efficiency benchmark (no files, no models): how a source's
 * samples become a training pool, rows every training set includes, and a held-out test set —
 * by layer, by hardware configuration, or across hardware (train on one file, score on another)
 * — and the seeded training set of one (n, seed) cell.
 */
import { type HardwareConfig, Random, describeLayer, layerKey } from '@polaris/core';
import { type DatasetSample, splitByLayer } from '../src/index.js';

/**
 * A source's samples as the benchmark uses them. A cell's training set is a seeded prefix of
 * `pool` plus every row of `fixedTrain` (both count in its n); every model predicts all of `test`.
 */
export interface BenchSplit {
  readonly pool: readonly DatasetSample[];
  /** Rows in every training set (e.g. the measured 16×16 rows of gemmini16-mixed); often empty. */
  readonly fixedTrain: readonly DatasetSample[];
  readonly test: readonly DatasetSample[];
  /** Where the layers / hardware went, one line each (for the results file and the report). */
  readonly assignment: readonly string[];
}

/** A hardware configuration's identity: peDim, scratchpad KiB, accumulator KiB. */
export const hardwareKey = (h: HardwareConfig): string => `${h.peDim}/${h.spKB}/${h.accKB}`;

const layerList = (samples: readonly DatasetSample[]): string =>
  [...new Map(samples.map((s) => [layerKey(s.layer), describeLayer(s.layer)])).values()].sort().join('; ');

/** Holds out whole layers ({@link splitByLayer}): no layer shape is in both pool and test. */
export function layerHoldoutSplit(samples: readonly DatasetSample[], fraction: number, seed: number): BenchSplit {
  const split = splitByLayer(samples, fraction, seed);
  return {
    pool: split.train, fixedTrain: [], test: split.test,
    assignment: [`held-out layers (${split.heldOutLayers.length}, seed ${seed}): ${layerList(split.test)}`],
  };
}

/** Which hardware configurations {@link hardwareHoldoutSplit} holds out. */
export interface HardwareHoldout {
  /** Every sample of these array sizes is held out. */
  readonly peDims: readonly number[];
  /** The largest scratchpads are held out too: this fraction (0..1) of the distinct configurations, by spKB. */
  readonly largestScratchpadFraction: number;
}

/**
 * The scratchpad size (KiB) from which a configuration counts among the largest `fraction` of
 * the distinct hardware configurations: `cut` = the spKB at position ⌊(1 − fraction)·count⌋ of
 * their ascending spKB values; held out when spKB ≥ cut (ties go together). Infinity when
 * fraction is 0 or there are no configurations.
 */
export function largestScratchpadCut(configs: readonly HardwareConfig[], fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`largestScratchpadFraction must be in [0, 1], got ${fraction}`);
  const sp = [...new Map(configs.map((h) => [hardwareKey(h), h.spKB])).values()].sort((a, b) => a - b);
  const at = Math.floor((1 - fraction) * sp.length);
  return fraction === 0 || at >= sp.length ? Number.POSITIVE_INFINITY : sp[at];
}

/**
 * Holds out whole hardware configurations: every sample whose peDim is in `peDims` or whose
 * spKB is among the largest ({@link largestScratchpadCut}) is in `test`, the rest in `pool`.
 * The rule depends on the hardware alone, so no configuration is on both sides.
 * @throws RangeError when a held-out peDim has no sample (the dataset lacks it) or nothing is left to train on.
 */
export function hardwareHoldoutSplit(samples: readonly DatasetSample[], holdout: HardwareHoldout): BenchSplit {
  const present = new Set(samples.map((s) => s.hardware.peDim));
  const missing = holdout.peDims.filter((d) => !present.has(d));
  if (missing.length > 0) throw new RangeError(`hardware hold-out: no sample has peDim ${missing.join(', ')} (the dataset has ${[...present].sort((a, b) => a - b).join(', ')})`);
  const cut = largestScratchpadCut(samples.map((s) => s.hardware), holdout.largestScratchpadFraction);
  const heldOut = (h: HardwareConfig) => holdout.peDims.includes(h.peDim) || h.spKB >= cut;
  const pool = samples.filter((s) => !heldOut(s.hardware));
  const test = samples.filter((s) => heldOut(s.hardware));
  if (pool.length === 0) throw new RangeError('hardware hold-out: every sample is held out; nothing is left to train on');
  const configs = (xs: readonly DatasetSample[]) => new Set(xs.map((s) => hardwareKey(s.hardware))).size;
  const peDims = (xs: readonly DatasetSample[]) => [...new Set(xs.map((s) => s.hardware.peDim))].sort((a, b) => a - b).join(', ');
  return {
    pool, fixedTrain: [], test,
    assignment: [
      `held out: every sample of peDim ${holdout.peDims.join(', ')} and every configuration with spKB ≥ ${cut} `
      + `(the largest ${Math.round(holdout.largestScratchpadFraction * 100)} % of the ${configs(samples)} configurations by scratchpad)`,
      `train: ${configs(pool)} configurations (peDim ${peDims(pool)}, spKB ${Math.min(...pool.map((s) => s.hardware.spKB))}–${Math.max(...pool.map((s) => s.hardware.spKB))}); `
      + `test: ${configs(test)} configurations (peDim ${peDims(test)})`,
    ],
  };
}

/**
 * Across hardware: trains on `source` rows (one configuration), scores on every `target` row
 * (another configuration). Layers may be in both: the hardware is what is held out.
 */
export function crossHardwareSplit(source: readonly DatasetSample[], target: readonly DatasetSample[]): BenchSplit {
  const shared = new Set(source.map((s) => layerKey(s.layer)));
  const targetLayers = new Set(target.map((s) => layerKey(s.layer)));
  return {
    pool: source, fixedTrain: [], test: target,
    assignment: [`test: every target row (${targetLayers.size} layer shapes, ${[...targetLayers].filter((k) => shared.has(k)).length} of them also in the training rows on the other hardware)`],
  };
}

/**
 * Across hardware with some target data: half the target's layer shapes (seeded, by
 * {@link splitByLayer}) join every training set with all their rows (`fixedTrain`); the other
 * half's rows are the test set, so no target layer is in both.
 */
export function mixedHardwareSplit(source: readonly DatasetSample[], target: readonly DatasetSample[], seed: number): BenchSplit {
  const split = splitByLayer(target, 0.5, seed);
  return {
    pool: source, fixedTrain: split.train, test: split.test,
    assignment: [
      `target layers trained on (${new Set(split.train.map((s) => layerKey(s.layer))).size}, ${split.train.length} rows, seed ${seed}): ${layerList(split.train)}`,
      `target layers held out (${split.heldOutLayers.length}, ${split.test.length} rows): ${layerList(split.test)}`,
    ],
  };
}

/** One cell's training set: `drawn` rows of the pool and the fixed rows; n = their total. */
export interface TrainingSet {
  readonly samples: DatasetSample[];
  readonly n: number;
  readonly drawn: number;
}

/**
 * The seeded training set drawing `size` pool rows (capped at the pool) plus every fixed row.
 * For one seed the drawn rows are nested across sizes (a prefix of one permutation, forked by
 * `label`, the source's name).
 */
export function trainingSet(split: BenchSplit, size: number, seed: number, label: string): TrainingSet {
  const drawn = new Random(seed).fork(`sample-efficiency:${label}`).shuffle([...split.pool]).slice(0, Math.min(size, split.pool.length));
  return { samples: [...drawn, ...split.fixedTrain], n: drawn.length + split.fixedTrain.length, drawn: drawn.length };
}
