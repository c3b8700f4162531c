/**
 * The part every per-layer model here shares as a core {@link PerformanceModel}: samples and
 * design points become feature rows through a features evaluator, the rows a model was trained
 * on are kept (and saved) so an update can warm-start on old + new rows, and the per-layer
 * lognormal predictions are composed into the network's by {@link composeNetworkPrediction}.
 */
import type { DesignPoint, Evaluator, PerformanceModel, Prediction, Sample, Workload } from '@polaris/core';
import { type LayerTable, concatLayerTables, layerTableFromSamples } from '../model/layer-table.js';
import { loadLayerTable, saveLayerTable } from '../model/layer-table-file.js';
import { composeNetworkPrediction } from '../surrogate/network-uncertainty.js';
import { datasetSamples, featurizePoints } from './featurize-points.js';

/** Per-row lognormal predictions of a layer model: ln cycles and ln energy (pJ), mean and σ, arrays of length rows. */
export interface LayerRowPrediction {
  readonly logCycles: { readonly mean: Float64Array; readonly std: Float64Array };
  readonly logEnergy: { readonly mean: Float64Array; readonly std: Float64Array };
}

/**
 * A {@link PerformanceModel} over per-layer feature rows. Subclasses say how to fit, update,
 * predict, save and load the rows' model; this class owns the rows.
 *
 * - `fit(samples)`: every sample's unique layers become rows (targets: the sample
 *   evaluation's per-layer cycles and energy); the model is trained on them from its start.
 * - `update(samples)`: the new rows are appended and the model is warm-started on all rows
 *   (on a model never fitted, the same as `fit`).
 * - `predict(points, workload)`: one features evaluation and one model call for the batch;
 *   `layers` are `points × layers`, `network` and ln EDP composed per point.
 * - `save(dir)` writes the model and its rows; `load(dir)` reads both (a directory without
 *   rows, e.g. from an older `polaris train`, predicts but cannot be updated).
 */
export abstract class LayerPerformanceModel implements PerformanceModel {
  abstract readonly id: string;
  /** Every row trained on so far (undefined before fit, or after loading a model saved without rows). */
  private rows: LayerTable | undefined;
  private ready = false;

  protected constructor(protected readonly features: Evaluator) {}

  /** The rows the model was trained on, in order (old rows first after updates). */
  get trainingRows(): LayerTable | undefined {
    return this.rows;
  }

  /** @throws RangeError on no samples or samples without one result per unique layer. */
  async fit(samples: readonly Sample[]): Promise<void> {
    if (samples.length === 0) throw new RangeError(`${this.id}: fit needs at least one sample`);
    const table = await this.tableOf(samples);
    await this.fitTable(table, samples);
    this.rows = table;
    this.ready = true;
  }

  /** @throws Error when the loaded model was saved without its training rows. */
  async update(samples: readonly Sample[]): Promise<void> {
    if (!this.ready) return this.fit(samples);
    if (samples.length === 0) return;
    if (!this.rows) throw new Error(`${this.id}: this model was loaded from a directory without its training rows, so it cannot be updated; retrain it (polaris train) or fit it`);
    const all = concatLayerTables(this.rows, await this.tableOf(samples));
    await this.updateTable(all, all.rows - this.rows.rows);
    this.rows = all;
  }

  /** @throws Error before fit or load; FeaturesUnavailableError when a point cannot be featurized. */
  async predict(points: readonly DesignPoint[], workload: Workload): Promise<Prediction> {
    if (!this.ready) throw new Error(`${this.id}: predict before fit (or load)`);
    const width = workload.layers.length;
    const matrix = await featurizePoints(this.features, points, workload, this.id);
    const rows = points.length * width;
    const p = rows === 0 ? emptyRows() : this.predictRows(matrix, rows);
    return composeNetworkPrediction({ layers: width, logCycles: p.logCycles, logEnergy: p.logEnergy }, workload.layers.map((l) => l.count));
  }

  async save(dir: string): Promise<void> {
    if (!this.ready) throw new Error(`${this.id}: nothing to save before fit`);
    await this.saveModel(dir);
    if (this.rows) await saveLayerTable(dir, this.rows);
  }

  async load(dir: string): Promise<void> {
    await this.loadModel(dir);
    this.rows = await loadLayerTable(dir, this.retrainAdvice(dir));
    this.ready = true;
  }

  /** Makes the loaded or fitted state of another model of the same kind this one's (used by factories). */
  protected adopt(rows: LayerTable | undefined): void {
    this.rows = rows;
    this.ready = true;
  }

  private async tableOf(samples: readonly Sample[]): Promise<LayerTable> {
    return layerTableFromSamples(await datasetSamples(this.features, samples, this.id));
  }

  /** Trains the rows' model from its start on `table` (the rows of `samples`). */
  protected abstract fitTable(table: LayerTable, samples: readonly Sample[]): Promise<void>;
  /** Warm-starts the rows' model on `table` (the old rows, then `added` new ones). */
  protected abstract updateTable(table: LayerTable, added: number): Promise<void>;
  /** Predicts feature rows (`rows × FEATURE_LENGTH`). */
  protected abstract predictRows(features: Float32Array, rows: number): LayerRowPrediction;
  protected abstract saveModel(dir: string): Promise<void>;
  protected abstract loadModel(dir: string): Promise<void>;
  /** How to make a usable saved model in `dir` again (named by file errors). */
  protected abstract retrainAdvice(dir: string): string;
}

function emptyRows(): LayerRowPrediction {
  return { logCycles: { mean: new Float64Array(0), std: new Float64Array(0) }, logEnergy: { mean: new Float64Array(0), std: new Float64Array(0) } };
}
