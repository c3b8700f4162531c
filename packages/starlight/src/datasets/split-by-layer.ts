import { Random, layerKey } from '@polaris/core';
import type { DatasetSample } from './dataset-sample.js';

/** A train/test split of a dataset. */
export interface DatasetSplit {
  readonly train: DatasetSample[];
  readonly test: DatasetSample[];
  /** {@link layerKey}s of the held-out layers. */
  readonly heldOutLayers: string[];
}

/**
 * Holds out whole layers, not rows: every sample of a held-out layer shape (same
 * {@link layerKey}) is in `test`, none in `train`, so a model is scored on layers it never saw.
 * `round(holdoutFraction · layers)` layers are held out, at least one and at most all but one
 * when there are two or more layers and the fraction is positive. Deterministic per seed;
 * sample order is kept within each part.
 * @throws RangeError when the fraction is outside [0, 1].
 */
export function splitByLayer(samples: readonly DatasetSample[], holdoutFraction: number, seed: number): DatasetSplit {
  if (!(holdoutFraction >= 0 && holdoutFraction <= 1)) throw new RangeError(`splitByLayer: holdoutFraction must be in [0, 1], got ${holdoutFraction}`);
  const keys = [...new Set(samples.map((s) => layerKey(s.layer)))].sort();
  let count = Math.round(holdoutFraction * keys.length);
  if (holdoutFraction > 0 && keys.length >= 2) count = Math.min(keys.length - 1, Math.max(1, count));
  const heldOut = new Set(new Random(seed).fork('split-by-layer').shuffle(keys).slice(0, count));
  const train: DatasetSample[] = [];
  const test: DatasetSample[] = [];
  for (const sample of samples) (heldOut.has(layerKey(sample.layer)) ? test : train).push(sample);
  return { train, test, heldOutLayers: [...heldOut].sort() };
}
