/**
 * A {@link LayerTable} saved beside a model — the rows it was trained on, which a warm-started
 * update needs again: `<dir>/<base>.json` (targets, priors and groups as float64 JSON, exact)
 * and `<dir>/<base>.bin` (the float32 features), written with {@link saveTensorFile}.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerTable } from './layer-table.js';
import { ModelFileError, loadTensorFile, saveTensorFile } from './tensor-file.js';

/** File base name of the training rows in a saved model directory. */
export const TRAINING_ROWS_FILE = 'training-rows';

interface RowsMetadata {
  readonly kind: 'polaris/training-rows';
  readonly format: 1;
  readonly rows: number;
  readonly cols: number;
  readonly targets: { readonly logCycles: readonly number[]; readonly logEnergy: readonly number[] };
  readonly prior: { readonly logCycles: readonly number[]; readonly logEnergy: readonly number[] };
  readonly groups: readonly string[] | null;
}

/** Writes `table` to `<dir>/<base>.json` + `.bin`. */
export async function saveLayerTable(dir: string, table: LayerTable, base = TRAINING_ROWS_FILE): Promise<void> {
  const metadata: RowsMetadata = {
    kind: 'polaris/training-rows', format: 1, rows: table.rows, cols: table.cols,
    targets: { logCycles: Array.from(table.targets.logCycles), logEnergy: Array.from(table.targets.logEnergy) },
    prior: { logCycles: Array.from(table.prior.logCycles), logEnergy: Array.from(table.prior.logEnergy) },
    groups: table.groups ? [...table.groups] : null,
  };
  await saveTensorFile(dir, base, metadata, { features: { shape: [table.rows, table.cols], values: table.features } });
}

/**
 * The table {@link saveLayerTable} wrote, or undefined when `dir` holds none (a model saved
 * without its rows predicts, but cannot be updated).
 * @throws ModelFileError naming the file when it is corrupt or truncated.
 */
export async function loadLayerTable(dir: string, retrain: string, base = TRAINING_ROWS_FILE): Promise<LayerTable | undefined> {
  if (!existsSync(join(dir, `${base}.json`))) return undefined;
  const { metadata: m, weights } = await loadTensorFile<RowsMetadata>(dir, base, retrain);
  const features = weights.features?.values;
  const lengths = [m.targets?.logCycles?.length, m.targets?.logEnergy?.length, m.prior?.logCycles?.length, m.prior?.logEnergy?.length];
  if (m.kind !== 'polaris/training-rows' || !features || features.length !== m.rows * m.cols || lengths.some((l) => l !== m.rows)) {
    throw new ModelFileError(`${join(dir, `${base}.json`)} is not a table of ${m.rows} training rows; ${retrain}`);
  }
  return {
    rows: m.rows, cols: m.cols, features,
    targets: { logCycles: Float64Array.from(m.targets.logCycles), logEnergy: Float64Array.from(m.targets.logEnergy) },
    prior: { logCycles: Float64Array.from(m.prior.logCycles), logEnergy: Float64Array.from(m.prior.logEnergy) },
    ...(m.groups ? { groups: m.groups } : {}),
  };
}
