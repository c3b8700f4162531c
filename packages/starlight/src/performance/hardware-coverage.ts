/**
 * Which asked feature rows lie outside the hardware a model was trained on: per hardware
 * column (log2 peDim, spKB, accKB), the training rows' range widened by one octave each way.
 */
import { FEATURE_LENGTH } from '../features/index.js';
import { HARDWARE_COLUMN, HARDWARE_FEATURES } from '../dkl/kernel-inputs.js';
import type { LayerTable } from '../model/layer-table.js';

/** Octaves beyond the training range before a row counts as outside. */
export const OUTSIDE_MARGIN_OCTAVES = 1;

/** Rows outside the training range, with both ranges in words; undefined when none is (or rows are not standard features). */
export function hardwareOutsideRows(trained: LayerTable, asked: Float32Array, rows: number): { count: number; trained: string; asked: string } | undefined {
  if (trained.cols !== FEATURE_LENGTH || trained.rows === 0) return undefined;
  const range = (features: Float32Array, n: number, j: number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < n; r++) {
      const v = features[r * FEATURE_LENGTH + HARDWARE_COLUMN + j];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return [lo, hi];
  };
  const trainedRanges = HARDWARE_FEATURES.map((_, j) => range(trained.features, trained.rows, j));
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const out = trainedRanges.some(([lo, hi], j) => {
      const v = asked[r * FEATURE_LENGTH + HARDWARE_COLUMN + j];
      return v < lo - OUTSIDE_MARGIN_OCTAVES || v > hi + OUTSIDE_MARGIN_OCTAVES;
    });
    if (out) count++;
  }
  if (count === 0) return undefined;
  const words = (ranges: [number, number][]) => ranges.map(([lo, hi], j) => `${HARDWARE_FEATURES[j].slice(3)} ${fmt(2 ** lo)}–${fmt(2 ** hi)}`).join(', ');
  return { count, trained: words(trainedRanges), asked: words(HARDWARE_FEATURES.map((_, j) => range(asked, rows, j))) };
}

const fmt = (v: number) => String(Math.round(v));
