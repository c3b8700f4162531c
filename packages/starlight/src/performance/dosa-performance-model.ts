/**
 * DOSA's predictor (the baseline, see {@link DosaPredictor}) as a core `PerformanceModel`. DOSA's
 * MLP gives no uncertainty; its σ here is homoscedastic — per target, the root-mean-square
 * ln error on the rows it was last trained on (held-out rows when early-stopped), the same for
 * every layer — so the network σ composes from it as Starlight's does.
 */
import type { Evaluator } from '@polaris/core';
import { type DosaOptions, DosaPredictor, type DosaSample } from '../dosa/dosa-predictor.js';
import { FEATURE_LENGTH } from '../features/index.js';
import type { LayerTable } from '../model/layer-table.js';
import { LayerPerformanceModel, type LayerRowPrediction } from './layer-performance-model.js';

/** Id of the model (and of its plugin factory). */
export const DOSA_MODEL_ID = 'dosa';

/** What {@link DosaPerformanceModel} is made of. */
export interface DosaPerformanceModelOptions extends Omit<DosaOptions, 'seed'> {
  /** Supplies the analytical evaluations the featurizer reads (the `analytical` evaluator). */
  readonly features: Evaluator;
  readonly seed?: number;
  /** Epochs of continued training per `update` (default a fifth of the fit's, at least 1). */
  readonly updateEpochs?: number;
}

/**
 * - `fit(samples)`: a freshly initialised MLP trained on the samples' layers ({@link DosaPredictor.fit}).
 * - `update(samples)`: training continued from the current weights on the old rows plus the new
 *   ones for `updateEpochs` epochs ({@link DosaPredictor.update}).
 * - `save(dir)` / `load(dir)`: the predictor's files (`dosa-predictor.json`, `model.json`,
 *   `weights.bin`) and the training rows.
 */
export class DosaPerformanceModel extends LayerPerformanceModel {
  readonly id = DOSA_MODEL_ID;
  private predictor: DosaPredictor | undefined;

  constructor(private readonly options: DosaPerformanceModelOptions) {
    super(options.features);
  }

  /** The trained predictor (undefined before fit or load), e.g. for its metadata. */
  get dosa(): DosaPredictor | undefined {
    return this.predictor;
  }

  protected async fitTable(table: LayerTable): Promise<void> {
    const { features: _features, updateEpochs: _updateEpochs, ...options } = this.options;
    const predictor = DosaPredictor.create({ ...options, seed: this.options.seed ?? 0 });
    await predictor.fit(dosaRows(table));
    this.predictor?.dispose();
    this.predictor = predictor;
  }

  protected async updateTable(table: LayerTable): Promise<void> {
    if (!this.predictor) throw new Error(`${this.id}: update before fit`);
    await this.predictor.update(dosaRows(table), this.options.updateEpochs);
  }

  protected predictRows(features: Float32Array, rows: number): LayerRowPrediction {
    const predictor = this.predictor;
    if (!predictor) throw new Error(`${this.id}: predict before fit (or load)`);
    const sigma = predictor.metadata.residualStd;
    if (!sigma) throw new Error(`${this.id}: the predictor has no σ (residualStd); fit it on samples`);
    const p = predictor.predict(features);
    return {
      logCycles: { mean: p.logCycles, std: new Float64Array(rows).fill(sigma[0]) },
      logEnergy: { mean: p.logEnergy, std: new Float64Array(rows).fill(sigma[1]) },
    };
  }

  protected async saveModel(dir: string): Promise<void> {
    if (!this.predictor) throw new Error(`${this.id}: nothing to save before fit`);
    await this.predictor.save(dir);
  }

  protected async loadModel(dir: string): Promise<void> {
    const predictor = await DosaPredictor.load(dir);
    this.predictor?.dispose();
    this.predictor = predictor;
  }

  protected retrainAdvice(dir: string): string {
    return `fit the model again and save it to ${dir}`;
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.predictor?.dispose();
    this.predictor = undefined;
  }
}

/** The table's rows as DOSA samples (features are views into the table). */
function dosaRows(table: LayerTable): DosaSample[] {
  return Array.from({ length: table.rows }, (_, r) => ({
    features: table.features.subarray(r * FEATURE_LENGTH, (r + 1) * FEATURE_LENGTH),
    logCycles: table.targets.logCycles[r],
    logEnergy: table.targets.logEnergy[r],
  }));
}
