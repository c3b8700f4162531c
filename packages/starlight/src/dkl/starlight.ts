/**
 * Starlight: deep kernel learning on top of {@link StarlightLow}. The pretrained encoder's latent
 * mean μ(x) (decoder and heads dropped), standardised with fixed per-dimension statistics, and the
 * hardware itself (log2 peDim, scratchpad, accumulator; see kernel-inputs.ts) are the inputs of
 * one exact GP per target (ln cycles, ln energy). Each GP models the residual of the truth over
 * the analytical prior, r = ln(truth) − ln(analytical), with a zero prior mean and bounded
 * lengthscales, so away from its training rows — in layers or in hardware — Starlight answers
 * what the analytical model says: the prior is its floor.
 *
 * Transfer ({@link Starlight.transfer}), on few high-fidelity rows:
 * 1. Hyperparameters of both GPs by marginal likelihood on the pretrained latents (Adam with
 *    seeded restarts, on at most `hyperparameterRows` rows).
 * 2. Joint fine-tuning for `fineTuneSteps` steps: on a seeded subset of at most `fineTuneRows`
 *    rows, the summed log marginal likelihood of both GPs is ascended in the hyperparameters
 *    (Adam) and in the encoder weights — its analytic gradient in the latents (see
 *    `marginalLikelihood`'s input gradient) is backpropagated through the encoder by tfjs.
 * 3. Both GPs are conditioned on all rows with the fine-tuned encoder.
 *
 * Update ({@link Starlight.update}), on the old rows plus new ones: the same three steps warm-
 * started from the trained model (its encoder, latent standardisation and hyperparameters; one
 * short hyperparameter refit, a few fine-tuning steps). The steps are in `deep-kernel-fit.ts`.
 *
 * Predictions are per-row means and standard deviations of ln cycles and ln energy, and of
 * ln EDP (sum of the two; σ assumes the two errors independent). Shapes: features
 * `rows × cols` row-major; every output array has length `rows`.
 */
import { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';
import { activeBackendName, ensureBackend } from '../backend/index.js';
import { FEATURE_LENGTH, FEATURIZER_VERSION } from '../features/index.js';
import { DenseNetwork } from '../model/dense-network.js';
import { type LayerTable, type LogTargets, analyticalPriorFromFeatures } from '../model/layer-table.js';
import { ModelFileError, loadTensorFile, saveTensorFile } from '../model/tensor-file.js';
import { type StarlightLow, type StarlightLowMetadata, checkModelMetadata, retrainAdvice, starlightLowWidths } from '../low/starlight-low.js';
import { DeepKernelFit, type FineTuneStep } from './deep-kernel-fit.js';
import { type ScoredCheckpoint, type ShrinkageCriterion, type StarlightCalibration, IDENTITY_CALIBRATION, calibratedStd, chooseCheckpoint, scoreCheckpoint, validationSplit } from './calibration.js';
import { foldedLatentNetwork } from './folded-latent-network.js';
import { HARDWARE_COLUMN } from './kernel-inputs.js';
import { DEFAULT_VARIANCE_ROWS, LatentGp, type LatentGpState } from './latent-gp.js';

export interface StarlightTransferOptions {
  readonly seed?: number;
  /**
   * Joint fine-tuning steps; 0 keeps the pretrained encoder frozen. Default: chosen by held-out
   * validation among {@link FINE_TUNE_CHECKPOINTS} (see {@link Starlight.transfer}) — on the RTL
   * dataset fine-tuning cut held-out EDP MAPE by 37–63 % (n = 100–640) against a frozen encoder; on the
   * noisy FireSim data 100 steps hurt below 200 rows (docs/benchmarks.md).
   */
  readonly fineTuneSteps?: number;
  /** Adam step of the encoder during fine-tuning (default 2e-3). */
  readonly encoderLearningRate?: number;
  /** Adam step of the log hyperparameters during fine-tuning (default 0.05). */
  readonly hyperparameterLearningRate?: number;
  /** Rows per fine-tuning step (default 400). */
  readonly fineTuneRows?: number;
  /** Rows the initial hyperparameter fit sees (default 200: its cost grows with the cube). */
  readonly hyperparameterRows?: number;
  /** Adam steps per start of the initial hyperparameter fit (default 100). */
  readonly hyperparameterIterations?: number;
  /**
   * Training rows behind σ (default {@link DEFAULT_VARIANCE_ROWS}): σ is exact up to this many
   * rows, and above it an upper bound from a pivoted-Cholesky subset (see `LatentGp`), which
   * keeps prediction at m·s² instead of m·n². `Infinity` forces exact σ.
   */
  readonly varianceRows?: number;
  /**
   * Above this many training rows the GP mean is the subset-of-regressors mean on this many
   * inducing rows (pivoted Cholesky; see `LatentGp`), so prediction costs m·M instead of m·n
   * (default {@link DEFAULT_INDUCING_ROWS}; `Infinity` = exact mean). σ then comes from at most
   * as many rows.
   */
  readonly inducingRows?: number;
  /** Random restarts of the initial hyperparameter fit (default 1). */
  readonly hyperparameterRestarts?: number;
  /**
   * Fit the calibration on the validation split (default true; see calibration.ts). `false`
   * with explicit `fineTuneSteps` trains once, on every row, uncalibrated.
   */
  readonly calibrate?: boolean;
  /** What the calibration's mean shrinkage minimises on held-out layers (default `mape`; calibration.ts). */
  readonly shrinkage?: ShrinkageCriterion;
}

/** Options of {@link Starlight.update}; the learning rates and row counts are those of a transfer. */
export interface StarlightUpdateOptions extends Omit<StarlightTransferOptions, 'hyperparameterRestarts' | 'calibrate' | 'shrinkage'> {
  /**
   * Joint fine-tuning steps from the current encoder (default: {@link DEFAULT_UPDATE_STEPS} on
   * every `fineTuneEvery`-th update, 0 on the others).
   */
  readonly fineTuneSteps?: number;
  /**
   * Fine-tune the encoder on every this-many-th update only (default
   * {@link DEFAULT_FINE_TUNE_EVERY}); the updates between refit the GPs' hyperparameters from
   * their current values and condition on every row, which is what keeps an update under a second.
   */
  readonly fineTuneEvery?: number;
  /** Adam steps of the hyperparameter refit from their current values (default 20 on an encoder turn, 0 between: the GPs are conditioned on every row with their current hyperparameters). */
  readonly hyperparameterIterations?: number;
}

/** Mean and std (natural-log units) per row. */
export interface LogPrediction {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

export interface StarlightPrediction {
  readonly logCycles: LogPrediction;
  readonly logEnergy: LogPrediction;
  readonly logEdp: LogPrediction;
}

export interface StarlightMetadata {
  readonly kind: 'polaris/starlight';
  readonly format: 1;
  readonly featurizerVersion: string;
  /** The encoder's architecture and feature standardisation (from Starlight-Low). */
  readonly low: Omit<StarlightLowMetadata, 'training'> & { readonly training: StarlightLowMetadata['training'] };
  readonly latentMean: readonly number[];
  readonly latentStd: readonly number[];
  /**
   * Hardware columns appended to the latent in the kernel's inputs (kernel-inputs.ts): 3 for
   * standard feature rows; absent (0) in models saved before they were.
   */
  readonly hardwareDims?: number;
  readonly rows: number;
  /** See {@link StarlightTransferOptions.varianceRows} (null = exact σ). */
  readonly varianceRows: number | null;
  /** See {@link StarlightTransferOptions.inducingRows} (null or absent = exact mean). */
  readonly inducingRows?: number | null;
  /**
   * Mean shrinkage and σ scale per target, fitted on held-out layers (calibration.ts); null when
   * the table was too small to hold layers out; absent in models saved before calibration.
   * Updates keep their model's.
   */
  readonly calibration?: StarlightCalibration | null;
  readonly gp: { readonly cycles: LatentGpState; readonly energy: LatentGpState };
  readonly training: {
    readonly seed: number;
    readonly fineTuneSteps: number;
    /** Mean per-row log marginal likelihood (both GPs) before and after fine-tuning. */
    readonly logMarginalLikelihoodPerRow: readonly [number, number];
    /**
     * When the steps were chosen by validation: held-out mean absolute error of ln cycles plus
     * that of ln energy after each checkpoint's steps; null when given explicitly.
     */
    readonly fineTuneValidation: readonly { readonly step: number; readonly error: number }[] | null;
    readonly wallMs: number;
    readonly backend: string | null;
    /**
     * Present when this model came from {@link Starlight.update}: the rows of the model it was
     * warm-started from, the hyperparameter refit's steps and how many updates led here.
     */
    readonly warmStart?: { readonly fromRows: number; readonly hyperparameterIterations: number; readonly updates: number };
  };
}

export const STARLIGHT_FILE = 'starlight';
const PREDICT_CHUNK = 16384;

export class Starlight {
  /**
   * The encoder's latent-mean path with both standardisations folded into its weights (features
   * in, standardised latent out): prediction runs two fewer elementwise passes per layer edge.
   */
  private readonly predictionNetwork: DenseNetwork;

  private constructor(
    readonly metadata: StarlightMetadata,
    private readonly encoder: DenseNetwork,
    private readonly gps: { readonly cycles: LatentGp; readonly energy: LatentGp },
  ) {
    this.predictionNetwork = foldedLatentNetwork(encoder, metadata);
  }

  /**
   * Transfers `low` to the high-fidelity rows of `table` (see the module comment). First a trial
   * fit on the table minus a validation split (about a fifth of its layers — its `groups`, rows
   * when it has none — held out): without an explicit `fineTuneSteps`, the step count among
   * {@link FINE_TUNE_CHECKPOINTS} with the lowest held-out mean absolute error of ln cycles +
   * ln energy is chosen (the held-out negative log predictive density was tried first: it chose
   * too few steps, costing accuracy — docs/benchmarks.md); at the chosen steps the held-out
   * predictions fit the calibration (calibration.ts: mean shrinkage toward the analytical prior
   * and a σ scale per target). Then the model is fitted on every row with those steps and keeps
   * the calibration. Tables too small to split get no validation: 0 steps (or the given ones)
   * and no calibration. `calibrate: false` with explicit steps skips the trial fit.
   */
  static async transfer(low: StarlightLow, table: LayerTable, options: StarlightTransferOptions = {}): Promise<Starlight> {
    if (table.rows < 3) throw new RangeError(`Starlight.transfer: needs at least 3 high-fidelity rows, got ${table.rows}`);
    if (table.cols !== low.metadata.cols) throw new RangeError(`Starlight.transfer: rows have ${table.cols} features, Starlight-Low was pretrained on ${low.metadata.cols}`);
    await ensureBackend();
    const started = performance.now();
    const explicit = options.fineTuneSteps;
    const split = explicit !== undefined && options.calibrate === false ? null : validationSplit(table, options.seed ?? 0);
    if (!split) return (await Starlight.fitRows(low, table, options, explicit ?? 0, started)).model;
    const checkpoints = explicit === undefined ? FINE_TUNE_CHECKPOINTS : [explicit];
    const trial = await Starlight.fitRows(low, split.fit, options, checkpoints[checkpoints.length - 1], started, { table: split.validation, checkpoints });
    trial.model.dispose();
    const chosen = chooseCheckpoint(trial.scored, split.validation, options.calibrate !== false, options.shrinkage);
    const curve = explicit === undefined ? trial.scored.map((c) => ({ step: c.step, error: c.error })) : null;
    return (await Starlight.fitRows(low, table, options, chosen.step, started, undefined, { curve, calibration: chosen.calibration })).model;
  }

  private static async fitRows(
    low: StarlightLow, table: LayerTable, options: StarlightTransferOptions, steps: number, started: number,
    validation?: { readonly table: LayerTable; readonly checkpoints: readonly number[] },
    chosen?: { readonly curve: StarlightMetadata['training']['fineTuneValidation']; readonly calibration: StarlightCalibration | null },
  ): Promise<{ model: Starlight; scored: ScoredCheckpoint[] }> {
    const seed = options.seed ?? 0;
    const fit = new DeepKernelFit({ low: low.metadata, encoderWeights: low.encoder.namedWeights() }, table, new Random(seed).fork('starlight-transfer'));
    const scored: ScoredCheckpoint[] = [];
    try {
      fit.fitHyperparameters({
        seed, restarts: options.hyperparameterRestarts ?? 1, iterations: options.hyperparameterIterations ?? 100, rows: options.hyperparameterRows ?? 200,
      });
      const varianceRows = options.varianceRows ?? DEFAULT_VARIANCE_ROWS;
      const inducingRows = options.inducingRows ?? DEFAULT_INDUCING_ROWS;
      // Scored on the validation rows at the checkpoints.
      const score = (step: number) => {
        if (!validation?.checkpoints.includes(step)) return;
        scored.push(scoreCheckpoint(step, validation.table, fit.validationResiduals(validation.table, { varianceRows, inducingRows })));
      };
      score(0);
      const perRow = fit.fineTune(steps, fineTuneStep(options), score);
      const result = fit.finish(varianceRows, inducingRows);
      const metadata: StarlightMetadata = {
        kind: 'polaris/starlight', format: 1, featurizerVersion: FEATURIZER_VERSION, low: low.metadata,
        latentMean: Array.from(result.latentMean), latentStd: Array.from(result.latentStd), hardwareDims: fit.h, rows: table.rows, gp: result.state,
        varianceRows: finiteOrNull(varianceRows), inducingRows: finiteOrNull(inducingRows), calibration: chosen?.calibration ?? null,
        training: {
          seed, fineTuneSteps: steps, logMarginalLikelihoodPerRow: [perRow[0] ?? result.logMarginalLikelihoodPerRow, result.logMarginalLikelihoodPerRow],
          fineTuneValidation: chosen?.curve ?? null, wallMs: performance.now() - started, backend: activeBackendName() ?? null,
        },
      };
      return { model: new Starlight(metadata, result.encoder, result.gps), scored };
    } finally {
      fit.dispose();
    }
  }

  /**
   * This model trained further on `table` — every row it should now describe, typically the
   * rows it was trained on plus new ones (the caller keeps them; a Starlight keeps only
   * latents) — warm-started: the current encoder and latent standardisation, both GPs'
   * hyperparameters refitted from their current values (one start, `hyperparameterIterations`
   * Adam steps), then `fineTuneSteps` joint steps from the current encoder, then both GPs
   * conditioned on every row. The residuals are renormalised over the rows. Far cheaper than
   * {@link transfer}: no validation refit, no restarts, few steps. This model is unchanged.
   */
  async update(table: LayerTable, options: StarlightUpdateOptions = {}): Promise<Starlight> {
    if (table.rows < 3) throw new RangeError(`Starlight.update: needs at least 3 rows, got ${table.rows}`);
    if (table.cols !== this.metadata.low.cols) throw new RangeError(`Starlight.update: rows have ${table.cols} features, this model reads ${this.metadata.low.cols}`);
    await ensureBackend();
    const started = performance.now();
    const seed = options.seed ?? this.metadata.training.seed;
    const start = {
      low: this.metadata.low, encoderWeights: this.encoder.namedWeights(), latent: { mean: this.metadata.latentMean, std: this.metadata.latentStd },
      hardwareDims: this.metadata.hardwareDims ?? 0,
    };
    const fit = new DeepKernelFit(start, table, new Random(seed).fork(`starlight-update-${this.metadata.rows}-${table.rows}`));
    try {
      const updates = (this.metadata.training.warmStart?.updates ?? 0) + 1;
      const encoderTurn = updates % Math.max(1, options.fineTuneEvery ?? DEFAULT_FINE_TUNE_EVERY) === 0;
      const iterations = options.hyperparameterIterations ?? (encoderTurn ? 20 : 0);
      fit.fitHyperparameters({ seed, restarts: 0, iterations, rows: options.hyperparameterRows ?? 200, initial: this.metadata.gp });
      const steps = options.fineTuneSteps ?? (encoderTurn ? DEFAULT_UPDATE_STEPS : 0);
      const perRow = fit.fineTune(steps, fineTuneStep(options));
      const varianceRows = options.varianceRows ?? this.metadata.varianceRows ?? Number.POSITIVE_INFINITY;
      const inducingRows = options.inducingRows ?? this.metadata.inducingRows ?? Number.POSITIVE_INFINITY;
      const result = fit.finish(varianceRows, inducingRows);
      const metadata: StarlightMetadata = {
        ...this.metadata, rows: table.rows, gp: result.state, varianceRows: finiteOrNull(varianceRows), inducingRows: finiteOrNull(inducingRows),
        training: {
          seed, fineTuneSteps: steps, logMarginalLikelihoodPerRow: [perRow[0] ?? result.logMarginalLikelihoodPerRow, result.logMarginalLikelihoodPerRow],
          fineTuneValidation: null, wallMs: performance.now() - started, backend: activeBackendName() ?? null,
          warmStart: { fromRows: this.metadata.rows, hyperparameterIterations: iterations, updates },
        },
      };
      return new Starlight(metadata, result.encoder, result.gps);
    } finally {
      fit.dispose();
    }
  }

  /**
   * Mean and std of ln cycles, ln energy (pJ) and ln EDP per feature row (`rows × cols`).
   * @param prior the analytical answers per row (natural logs); read from the feature rows when
   *   they are {@link FEATURE_LENGTH} wide and it is omitted.
   */
  predict(features: Float32Array, rows: number, prior?: LogTargets): StarlightPrediction {
    const { cols } = this.metadata.low;
    if (features.length !== rows * cols) throw new RangeError(`Starlight.predict: ${features.length} feature values is not ${rows} rows × ${cols} columns`);
    const base = prior ?? (cols === FEATURE_LENGTH ? analyticalPriorFromFeatures(features, rows) : undefined);
    if (!base) throw new RangeError('Starlight.predict: pass the prior (analytical ln cycles / ln energy) for non-standard feature rows');
    const out = {
      logCycles: { mean: new Float64Array(rows), std: new Float64Array(rows) },
      logEnergy: { mean: new Float64Array(rows), std: new Float64Array(rows) },
      logEdp: { mean: new Float64Array(rows), std: new Float64Array(rows) },
    };
    for (let start = 0; start < rows; start += PREDICT_CHUNK) {
      const count = Math.min(PREDICT_CHUNK, rows - start);
      const [cm, cs, em, es] = tf.tidy(() => {
        const x = tf.tensor2d(features.subarray(start * cols, (start + count) * cols), [count, cols]);
        const latent = this.predictionNetwork.apply(x);
        const h = this.metadata.hardwareDims ?? 0;
        const zs = h === 0 ? latent : tf.concat([latent, tf.slice(x, [0, HARDWARE_COLUMN], [-1, h])], 1);
        const c = this.gps.cycles.predict(zs);
        const e = this.gps.energy.predict(zs);
        return [c.mean, c.std, e.mean, e.std].map((t) => t.dataSync() as Float32Array);
      });
      const c = this.metadata.calibration?.cycles ?? IDENTITY_CALIBRATION;
      const e = this.metadata.calibration?.energy ?? IDENTITY_CALIBRATION;
      for (let k = 0; k < count; k++) {
        const r = start + k;
        out.logCycles.mean[r] = base.logCycles[r] + c.meanShrinkage * cm[k];
        out.logCycles.std[r] = calibratedStd(c, cs[k]);
        out.logEnergy.mean[r] = base.logEnergy[r] + e.meanShrinkage * em[k];
        out.logEnergy.std[r] = calibratedStd(e, es[k]);
        out.logEdp.mean[r] = out.logCycles.mean[r] + out.logEnergy.mean[r];
        out.logEdp.std[r] = Math.hypot(out.logCycles.std[r], out.logEnergy.std[r]);
      }
    }
    return out;
  }

  /**
   * The same model with σ from `varianceRows` training rows and the mean from `inducingRows`
   * (`Infinity`: exact; default: this model's); an independent copy.
   */
  withVarianceRows(varianceRows: number, inducingRows = this.metadata.inducingRows ?? Number.POSITIVE_INFINITY): Starlight {
    const gp = (g: LatentGp) => new LatentGp(g.z, g.ys, g.n, g.d, g.state, varianceRows, inducingRows);
    return new Starlight(
      { ...this.metadata, varianceRows: finiteOrNull(varianceRows), inducingRows: finiteOrNull(inducingRows) },
      DenseNetwork.fromWeights('encoder', starlightLowWidths(this.metadata.low).encoder, this.encoder.namedWeights()),
      { cycles: gp(this.gps.cycles), energy: gp(this.gps.energy) },
    );
  }

  /** Writes `starlight.json` (metadata, GP state) and `starlight.bin` (encoder, training latents and targets). */
  async save(dir: string): Promise<void> {
    const { n, d } = this.gps.cycles;
    await saveTensorFile(dir, STARLIGHT_FILE, this.metadata, {
      ...this.encoder.namedWeights(),
      'train/z': { shape: [n, d], values: Float32Array.from(this.gps.cycles.z) },
      'train/cycles': { shape: [n], values: Float32Array.from(this.gps.cycles.ys) },
      'train/energy': { shape: [n], values: Float32Array.from(this.gps.energy.ys) },
    });
  }

  /**
   * @throws ModelFileError naming the file and `polaris train --out <dir>` when the files are
   *   missing or corrupt, or hold another kind of model or featurizer version.
   */
  static async load(dir: string): Promise<Starlight> {
    const retrain = retrainAdvice(dir, 'polaris/starlight');
    const { metadata, weights } = await loadTensorFile<StarlightMetadata>(dir, STARLIGHT_FILE, retrain);
    checkModelMetadata(dir, metadata, 'polaris/starlight');
    await ensureBackend();
    const d = metadata.low.latentDim + (metadata.hardwareDims ?? 0);
    const n = metadata.rows;
    const tensor = (name: string, length: number) => {
      const w = weights[name];
      if (!w || w.values.length !== length) throw new ModelFileError(`${dir}: ${STARLIGHT_FILE}.bin has no ${name} of ${length} values; ${retrain}`);
      return Float64Array.from(w.values);
    };
    const z = tensor('train/z', n * d);
    return new Starlight(metadata, DenseNetwork.fromWeights('encoder', starlightLowWidths(metadata.low).encoder, weights), {
      cycles: new LatentGp(z, tensor('train/cycles', n), n, d, metadata.gp.cycles, metadata.varianceRows ?? Infinity, metadata.inducingRows ?? Infinity),
      energy: new LatentGp(z, tensor('train/energy', n), n, d, metadata.gp.energy, metadata.varianceRows ?? Infinity, metadata.inducingRows ?? Infinity),
    });
  }

  dispose(): void {
    this.encoder.dispose();
    this.predictionNetwork.dispose();
    this.gps.cycles.dispose();
    this.gps.energy.dispose();
  }
}

/** Training rows behind the mean by default: exact up to this many, subset of regressors above. */
export const DEFAULT_INDUCING_ROWS = 128;

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Joint fine-tuning steps of {@link Starlight.update} on an encoder turn when none are given. */
export const DEFAULT_UPDATE_STEPS = 10;
/** An update fine-tunes the encoder on every this-many-th update by default. */
export const DEFAULT_FINE_TUNE_EVERY = 5;

/** The fine-tuning step options of a transfer or an update, with their defaults. */
function fineTuneStep(options: StarlightTransferOptions): FineTuneStep {
  return {
    rows: options.fineTuneRows ?? 400,
    encoderLearningRate: options.encoderLearningRate ?? 2e-3,
    hyperparameterLearningRate: options.hyperparameterLearningRate ?? 0.05,
  };
}

/** Fine-tuning step counts compared when the count is chosen by validation. */
export const FINE_TUNE_CHECKPOINTS = [0, 10, 25, 50, 100] as const;
