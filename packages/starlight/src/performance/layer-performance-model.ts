/**
 * The part every per-layer model here shares as a core {@link PerformanceModel}: samples and
 * design points become feature rows through a features evaluator, the rows a model was trained
 * on are kept (and saved) so an update can warm-start on old + new rows, and the per-layer
 * lognormal predictions are composed into the network's by {@link composeNetworkPrediction}.
 */
import type { DesignPoint, Evaluator, Fidelity, PerformanceModel, Prediction, Sample, Workload } from '@polaris/core';
import { hardwareOutsideRows } from './hardware-coverage.js';
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
  /** The fidelity of the samples fitted (undefined after load until the first update). */
  private fidelity: Fidelity | undefined;
  private warnedOutside = false;
  /** Where warnings go (a point far from every training row's hardware); replaceable in tests. */
  warn: (message: string) => void = (message) => process.emitWarning(message, 'PolarisModelWarning');
  /** What the model does with hardware outside its training rows, for the warning. */
  protected readonly extrapolation: string = 'its predictions there are extrapolations';

  protected constructor(protected readonly features: Evaluator) {}

  /** The rows the model was trained on, in order (old rows first after updates). */
  get trainingRows(): LayerTable | undefined {
    return this.rows;
  }

  /** @throws RangeError on no samples or samples without one result per unique layer. */
  async fit(samples: readonly Sample[]): Promise<void> {
    if (samples.length === 0) throw new RangeError(`${this.id}: fit needs at least one sample`);
    const fidelity = this.fidelityOf(samples);
    const table = await this.tableOf(samples);
    await this.fitTable(table, samples);
    this.rows = table;
    this.ready = true;
    this.fidelity = fidelity;
  }

  /** The one fidelity of `samples`, which an update must share with the fit. @throws RangeError naming both. */
  private fidelityOf(samples: readonly Sample[]): Fidelity {
    const fidelities = [...new Set(samples.map((s) => s.evaluation.fidelity))];
    if (fidelities.length > 1) {
      throw new RangeError(`${this.id}: samples of ${fidelities.join(' and ')} fidelity in one call; a model learns one fidelity — pass the samples of the fidelity it models (e.g. rtl) only`);
    }
    if (this.fidelity !== undefined && fidelities[0] !== this.fidelity) {
      throw new RangeError(`${this.id}: update with ${fidelities[0]} samples, but this model was fitted on ${this.fidelity} samples; fit a new model for ${fidelities[0]}, or update with ${this.fidelity} samples`);
    }
    return fidelities[0]!;
  }

  /** @throws Error when the loaded model was saved without its training rows. */
  async update(samples: readonly Sample[]): Promise<void> {
    if (!this.ready) return this.fit(samples);
    if (samples.length === 0) return;
    if (!this.rows) throw new Error(`${this.id}: this model was loaded from a directory without its training rows, so it cannot be updated; retrain it (polaris train) or fit it`);
    this.fidelity = this.fidelityOf(samples);
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
    this.warnOutside(matrix, rows);
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

  /** Warns once per model when asked rows have hardware beyond every training row's by more than an octave. */
  private warnOutside(matrix: Float32Array, rows: number): void {
    if (this.warnedOutside || !this.rows || rows === 0) return;
    const outside = hardwareOutsideRows(this.rows, matrix, rows);
    if (!outside) return;
    this.warnedOutside = true;
    this.warn(`${this.id}: ${outside.count} of ${rows} layer rows asked have hardware more than an octave outside what the model was trained on `
      + `(${outside.trained}; asked ${outside.asked}); ${this.extrapolation} — add high-fidelity samples of such hardware (update, or polaris train) to learn it`);
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
