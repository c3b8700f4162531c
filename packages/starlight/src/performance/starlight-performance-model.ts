/**
 * Starlight as a core `PerformanceModel`: per layer, lognormal ln cycles and ln energy from the
 * deep-kernel GP over the pretrained encoder (see {@link Starlight}); the network by the
 * starlight evaluator's composition, so `predict` gives for a point what the `starlight`
 * evaluator reports of it (ln of its EDP, and its σ of ln EDP).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Evaluator, type Sample, workloadHash } from '@polaris/core';
import { Starlight, type StarlightTransferOptions, type StarlightUpdateOptions } from '../dkl/starlight.js';
import { StarlightLow, type StarlightLowOptions, retrainAdvice } from '../low/starlight-low.js';
import type { LayerTable } from '../model/layer-table.js';
import { type StarlightTraining, type StarlightTrainingEvent, trainStarlight } from '../training/train-starlight.js';
import type { PretrainingSource } from '../training/pretraining-samples.js';
import { LayerPerformanceModel, type LayerRowPrediction } from './layer-performance-model.js';

/** Id of the model (and of its plugin factory). */
export const STARLIGHT_MODEL_ID = 'starlight';

/** What {@link StarlightPerformanceModel} is made of. */
export interface StarlightPerformanceModelOptions {
  /** Supplies the analytical evaluations the featurizer reads (the `analytical` evaluator). */
  readonly features: Evaluator;
  /** Seed of the transfer, the updates and any pretraining (default 0). */
  readonly seed?: number;
  /** The pretrained encoder `fit` transfers from; when absent, `fit` pretrains one with `pretrain`. */
  readonly low?: StarlightLow;
  /**
   * How `fit` pretrains Starlight-Low when no `low` is given or loaded: design points per
   * workload of the fitted samples, drawn with this mapper and evaluated through this store.
   */
  readonly pretrain?: Omit<PretrainingSource, 'workloads' | 'analytical'>;
  readonly lowOptions?: Omit<StarlightLowOptions, 'seed' | 'onEpoch'>;
  readonly transfer?: Omit<StarlightTransferOptions, 'seed'>;
  readonly update?: Omit<StarlightUpdateOptions, 'seed'>;
  readonly onProgress?: (event: StarlightTrainingEvent) => void;
}

/**
 * - `fit(samples)`: {@link trainStarlight} — transfer from `low` (pretraining it first on
 *   analytical samples of the samples' workloads when there is none) to the samples' layers.
 * - `update(samples)`: {@link Starlight.update} on the old rows plus the new ones — the current
 *   encoder and hyperparameters warm-started, a few fine-tuning steps.
 * - `save(dir)`: what `polaris train --out dir` writes — `starlight.json`/`.bin`, the training
 *   rows, and Starlight-Low in `low/`; `load(dir)` reads them (and `low/` when present), so a
 *   directory from `polaris train` loads, predicts, updates and refits.
 */
export class StarlightPerformanceModel extends LayerPerformanceModel {
  readonly id = STARLIGHT_MODEL_ID;
  protected override readonly extrapolation = 'far from its training rows Starlight answers what the analytical model says, with the prior\'s σ';
  private low: StarlightLow | undefined;
  private model: Starlight | undefined;
  private readonly seed: number;

  constructor(private readonly options: StarlightPerformanceModelOptions) {
    super(options.features);
    this.low = options.low;
    this.seed = options.seed ?? 0;
  }

  /** A model holding what {@link trainStarlight} trained (it takes ownership of the low and the model). */
  static fromTraining(training: StarlightTraining, options: StarlightPerformanceModelOptions): StarlightPerformanceModel {
    const model = new StarlightPerformanceModel({ ...options, low: training.low });
    model.model = training.model;
    model.adopt(training.rows);
    return model;
  }

  /** The trained Starlight (undefined before fit or load), e.g. for its metadata. */
  get starlight(): Starlight | undefined {
    return this.model;
  }

  /** The Starlight-Low it transfers from, when it has one. */
  get starlightLow(): StarlightLow | undefined {
    return this.low;
  }

  protected async fitTable(table: LayerTable, samples: readonly Sample[]): Promise<void> {
    const training = await trainStarlight({
      high: table, seed: this.seed, lowOptions: this.options.lowOptions, transfer: this.options.transfer, onProgress: this.options.onProgress,
      ...(this.low ? { low: this.low } : { pretrain: this.pretrainingSource(samples) }),
    });
    this.model?.dispose();
    this.model = training.model;
    this.low = training.low;
  }

  /** Pretraining on the workloads of `samples`, as the `pretrain` option says. */
  private pretrainingSource(samples: readonly Sample[]): PretrainingSource {
    const pretrain = this.options.pretrain;
    if (!pretrain) {
      throw new Error(`${this.id}: fit needs a pretrained Starlight-Low — give one (option low, or load a directory holding low/) or say how to pretrain one (option pretrain)`);
    }
    const workloads = new Map(samples.map((s) => [workloadHash(s.workload), s.workload]));
    return { ...pretrain, workloads: [...workloads.values()], analytical: this.features };
  }

  protected async updateTable(table: LayerTable): Promise<void> {
    if (!this.model) throw new Error(`${this.id}: update before fit`);
    const next = await this.model.update(table, { ...this.options.update, seed: this.seed });
    this.model.dispose();
    this.model = next;
  }

  protected predictRows(features: Float32Array, rows: number): LayerRowPrediction {
    if (!this.model) throw new Error(`${this.id}: predict before fit (or load)`);
    const p = this.model.predict(features, rows);
    return { logCycles: p.logCycles, logEnergy: p.logEnergy };
  }

  protected async saveModel(dir: string): Promise<void> {
    if (!this.model) throw new Error(`${this.id}: nothing to save before fit`);
    await this.model.save(dir);
    await this.low?.save(join(dir, 'low'));
  }

  protected async loadModel(dir: string): Promise<void> {
    const model = await Starlight.load(dir);
    const lowDir = join(dir, 'low');
    const low = existsSync(lowDir) ? await StarlightLow.load(lowDir) : undefined;
    this.model?.dispose();
    this.model = model;
    if (low) {
      if (this.low !== this.options.low) this.low?.dispose();
      this.low = low;
    }
  }

  protected retrainAdvice(dir: string): string {
    return retrainAdvice(dir, 'polaris/starlight');
  }

  /** Frees the tensors of the model (and of a Starlight-Low it pretrained or loaded). */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
    if (this.low !== this.options.low) this.low?.dispose();
    this.low = undefined;
  }
}
