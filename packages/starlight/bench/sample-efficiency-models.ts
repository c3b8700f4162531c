/**
 * The models under test of the sample-efficiency benchmark (`sample-efficiency.ts`): each entry
 * trains on a list of samples and returns a predictor of per-layer ln(cycles) and ln(energy pJ).
 * Adding a model (e.g. Starlight) is adding one entry to {@link MODELS_UNDER_TEST}.
 */
import type { Layer } from '@polaris/core';
import { starlightModel } from './sample-efficiency-starlight.js';
import { DosaPredictor, type DosaSample, type DosaVariant, type DatasetSample, featurize } from '../src/index.js';
import type { ModelPrediction } from './sample-efficiency-scores.js';

export type { ModelPrediction } from './sample-efficiency-scores.js';

/**
 * A trained model: predicts samples in order; `dispose` (when present) frees its tensors;
 * `details` (when present) is stored with the run (e.g. epochs trained).
 */
export type TrainedModel = ((samples: readonly DatasetSample[]) => ModelPrediction) & { dispose?: () => void; details?: Record<string, unknown> };

/** What a model may use besides its training samples. */
export interface TrainContext {
  /** Seed of this repetition; every random choice of the model must derive from it. */
  readonly seed: number;
  /** Name of the data source (`firesim`, `rtl`, `rtl-hardware`, `gemmini16`, `gemmini16-mixed`). */
  readonly source: string;
  /** Cheap (e.g. analytical-fidelity) samples a transfer-learned model may pretrain on. */
  readonly pretrain?: readonly DatasetSample[];
  /**
   * Layer shapes of the source (train and test) besides the RTL dataset's, which a
   * transfer-learned model's analytical pretraining corpus may cover (analytical values only).
   */
  readonly pretrainLayers?: readonly Layer[];
  /** A smoke run: models should cut their training budget. */
  readonly quick?: boolean;
}

export interface ModelUnderTest {
  readonly name: string;
  train(trainSamples: readonly DatasetSample[], context: TrainContext): Promise<TrainedModel>;
}

/** A dataset sample as DOSA's predictor's training row: features and ln targets. */
export function dosaRow(sample: DatasetSample): DosaSample {
  return { features: featurize(sample), logCycles: Math.log(sample.target.cycles), logEnergy: Math.log(sample.target.energy) };
}

/**
 * Training budget of DOSA's learned variants in the benchmark. DOSA trained 50,000 full-batch Adam
 * steps at lr 1e-5 (see `src/dosa/dosa-predictor.ts`); a CPU cannot afford that 42 times (7 sizes
 * × 3 seeds × 2 variants), so each fit here gets a budget of about `rowEpochs` row-passes:
 * `epochs = clamp(ceil(rowEpochs / trainRows), minEpochs, maxEpochs)` (10 epochs at n ≈ 1,000,
 * 100 at n ≤ 80; `--quick` caps it at 30), Adam at 1e-3, batches of 256 rows, early-stopped on a
 * seeded 10 % validation split of the n training samples (at least one row; the validation rows
 * come out of n, so every model sees the same n): training stops after `patience` epochs without
 * a lower validation L1 loss and keeps the best epoch's weights. Each run's epochs and best epoch
 * are stored with the results, so an under-trained fit is visible.
 */
export const DOSA_BENCH_TRAINING = {
  rowEpochs: 8000, minEpochs: 10, maxEpochs: 100, quickMaxEpochs: 30, patience: 10, validationFraction: 0.1, batchSize: 256, learningRate: 1e-3,
} as const;

/** Epochs DOSA's learned variants get for a training set of `rows` (see {@link DOSA_BENCH_TRAINING}). */
export function dosaBenchEpochs(rows: number, quick = false): number {
  const t = DOSA_BENCH_TRAINING;
  return Math.min(quick ? t.quickMaxEpochs : t.maxEpochs, Math.max(t.minEpochs, Math.ceil(t.rowEpochs / Math.max(1, rows))));
}

/** One of DOSA's predictor variants as a model under test (`analytical` needs no training). */
export function dosaModel(variant: DosaVariant): ModelUnderTest {
  return {
    name: `dosa-${variant}`,
    async train(trainSamples, context) {
      const t = DOSA_BENCH_TRAINING;
      const predictor = DosaPredictor.create({
        variant, seed: context.seed, epochs: dosaBenchEpochs(trainSamples.length, context.quick), patience: t.patience,
        validationFraction: trainSamples.length >= 2 ? t.validationFraction : 0, batchSize: t.batchSize, learningRate: t.learningRate,
      });
      await predictor.fit(trainSamples.map(dosaRow));
      const predict: TrainedModel = (samples) => predictor.predict(samples.map((s) => featurize(s)));
      predict.dispose = () => predictor.dispose();
      const training = predictor.metadata.training;
      if (training) predict.details = { epochs: training.epochs, bestEpoch: training.bestEpoch, trainRows: training.samples, validationRows: training.validationSamples ?? 0, finalLoss: training.finalLoss };
      return predict;
    },
  };
}

/** Every model the benchmark knows, by name. DOSA's predictor comes first: it is the reference. */
export const MODELS_UNDER_TEST: readonly ModelUnderTest[] = [
  dosaModel('analytical'), dosaModel('dnn'), dosaModel('residual'), dosaModel('residual-log'),
  starlightModel('starlight'),
  // Its Bayes point for relative error, exp(μ − σ²), instead of the median exp(μ).
  starlightModel('starlight-mape-point', {}, 'relative-error'),
  // Fixed fine-tuning budget instead of the validation-chosen one.
  starlightModel('starlight-ft100', { fineTuneSteps: 100 }),
  // Ablation: the pretrained encoder kept frozen (GP hyperparameters only).
  starlightModel('starlight-frozen', { fineTuneSteps: 0 }),
];

/** The model whose best EDP accuracy the others must reach ("samples to reach DOSA's best"). */
export const REFERENCE_MODELS: readonly string[] = ['dosa-analytical', 'dosa-dnn', 'dosa-residual', 'dosa-residual-log'];
