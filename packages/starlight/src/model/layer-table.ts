/**
 * A dataset in the form every model here trains on: one row per layer sample, the feature
 * vector plus natural-log targets and the analytical model's own natural-log answers (the prior
 * a transfer model starts from).
 */
import { layerKey } from '@polaris/core';
import type { DatasetSample } from '../datasets/dataset-sample.js';
import { ANALYTICAL_LOG2_CYCLES_INDEX, ANALYTICAL_LOG2_ENERGY_INDEX, FEATURE_LENGTH, featurize } from '../features/index.js';

/** Per-row natural-log values of the two per-layer targets. Arrays of length `rows`. */
export interface LogTargets {
  /** ln(cycles of one execution of the layer). */
  readonly logCycles: Float64Array;
  /** ln(energy of one execution, pJ). */
  readonly logEnergy: Float64Array;
}

/** Rows of features with targets and the low-fidelity prior. */
export interface LayerTable {
  readonly rows: number;
  /** Feature count per row ({@link FEATURE_LENGTH} for real data; any width for synthetic tests). */
  readonly cols: number;
  /** Row-major `rows × cols`. */
  readonly features: Float32Array;
  /** The truth at the table's fidelity (natural logs). */
  readonly targets: LogTargets;
  /** The low-fidelity (analytical) answer for each row (natural logs): the transfer model's prior mean. */
  readonly prior: LogTargets;
  /** Optional group of each row (the layer's key): validation splits hold out whole groups. */
  readonly groups?: readonly string[];
}

/** The natural-log analytical answers stored in feature rows (`ana.cycles`, `ana.energy` are log2). */
export function analyticalPriorFromFeatures(features: Float32Array, rows: number): LogTargets {
  const logCycles = new Float64Array(rows);
  const logEnergy = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    logCycles[r] = features[r * FEATURE_LENGTH + ANALYTICAL_LOG2_CYCLES_INDEX] * Math.LN2;
    logEnergy[r] = features[r * FEATURE_LENGTH + ANALYTICAL_LOG2_ENERGY_INDEX] * Math.LN2;
  }
  return { logCycles, logEnergy };
}

/**
 * Featurizes samples into a table; the prior is the analytical evaluation each sample carries.
 * @throws RangeError when a target is not a positive finite number.
 */
export function layerTableFromSamples(samples: readonly DatasetSample[]): LayerTable {
  const rows = samples.length;
  const features = new Float32Array(rows * FEATURE_LENGTH);
  const logCycles = new Float64Array(rows);
  const logEnergy = new Float64Array(rows);
  samples.forEach((s, r) => {
    featurize(s, features.subarray(r * FEATURE_LENGTH, (r + 1) * FEATURE_LENGTH));
    const { cycles, energy } = s.target;
    if (!(cycles > 0) || !(energy > 0) || !Number.isFinite(cycles) || !Number.isFinite(energy)) {
      throw new RangeError(`layerTableFromSamples: sample ${r} (${s.source}) has target cycles ${cycles}, energy ${energy}; both must be positive and finite`);
    }
    logCycles[r] = Math.log(cycles);
    logEnergy[r] = Math.log(energy);
  });
  return {
    rows, cols: FEATURE_LENGTH, features, targets: { logCycles, logEnergy }, prior: analyticalPriorFromFeatures(features, rows),
    groups: samples.map((s) => layerKey(s.layer)),
  };
}

/** The rows `indices` of a table, in that order. */
export function selectRows(table: LayerTable, indices: readonly number[]): LayerTable {
  const { cols } = table;
  const features = new Float32Array(indices.length * cols);
  const pick = (a: Float64Array) => Float64Array.from(indices, (i) => a[i]);
  indices.forEach((i, r) => {
    if (!(i >= 0 && i < table.rows)) throw new RangeError(`selectRows: row ${i} out of range 0..${table.rows - 1}`);
    features.set(table.features.subarray(i * cols, (i + 1) * cols), r * cols);
  });
  return {
    rows: indices.length, cols, features,
    targets: { logCycles: pick(table.targets.logCycles), logEnergy: pick(table.targets.logEnergy) },
    prior: { logCycles: pick(table.prior.logCycles), logEnergy: pick(table.prior.logEnergy) },
    ...(table.groups ? { groups: indices.map((i) => table.groups![i]) } : {}),
  };
}

/**
 * Per-column mean and (population) standard deviation of a row-major `rows × cols` matrix, in
 * float64; a column whose spread is at most `floor` gets std 1 (it is then only centred).
 */
export function columnStatistics(data: ArrayLike<number>, rows: number, cols: number, floor = 1e-6): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(cols);
  const sq = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c];
  for (let c = 0; c < cols; c++) mean[c] /= Math.max(1, rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sq[c] += (data[r * cols + c] - mean[c]) ** 2;
  const std = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    const s = Math.sqrt(sq[c] / Math.max(1, rows));
    std[c] = s > floor ? s : 1;
  }
  return { mean, std };
}

/** Mean and standard deviation of one series (see {@link columnStatistics}). */
export function seriesStatistics(values: ArrayLike<number>, floor = 1e-9): [mean: number, std: number] {
  const { mean, std } = columnStatistics(values, values.length, 1, floor);
  return [mean[0], std[0]];
}

/**
 * The rows of `a` followed by those of `b` (same width). Groups are kept when both have them.
 * @throws RangeError for tables of different widths.
 */
export function concatLayerTables(a: LayerTable, b: LayerTable): LayerTable {
  if (a.cols !== b.cols) throw new RangeError(`concatLayerTables: ${a.cols} columns and ${b.cols} columns`);
  const features = new Float32Array((a.rows + b.rows) * a.cols);
  features.set(a.features);
  features.set(b.features, a.features.length);
  const join = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const logs = (x: LogTargets, y: LogTargets): LogTargets => ({ logCycles: join(x.logCycles, y.logCycles), logEnergy: join(x.logEnergy, y.logEnergy) });
  return {
    rows: a.rows + b.rows, cols: a.cols, features, targets: logs(a.targets, b.targets), prior: logs(a.prior, b.prior),
    ...(a.groups && b.groups ? { groups: [...a.groups, ...b.groups] } : {}),
  };
}
