/**
 * DOSA's learned performance predictor, the baseline Starlight must beat (DESIGN.md §5): an MLP
 * 256-512-2048-2048-512-256-64 with GELU, dropout 0.3 and a softplus output, trained with L1
 * loss and Adam, on per-layer targets ln(cycles) and ln(energy pJ). Three variants:
 *
 * - `analytical` — no learning: predicts the analytical model's own answer, read from the
 *   feature vector (`ana.cycles`, `ana.energy`, log2 → ln).
 * - `dnn` — the MLP on the features alone. Its softplus output predicts the target affinely
 *   rescaled to [0.5, 1.5] over the training set: t = 0.5 + (y − min) / (max − min).
 * - `residual` — analytical × learned correction. The MLP's softplus output predicts the
 *   multiplicative ratio r = truth / analytical (in linear units, so r > 0 suits softplus and
 *   r = 1 means "the analytical model is right"); the prediction is ln(analytical) + ln(r).
 *   The L1 loss is on r, i.e. on the relative error of the analytical model.
 * - `residual-log` — DOSA's own "both" formulation: the MLP's output is added to the analytical
 *   estimate in normalised log units. Its softplus output predicts the log residual
 *   ln(truth) − ln(analytical) rescaled to [0.5, 1.5] over the training set (as `dnn` does with
 *   the target); the L1 loss is on that normalised log residual, so heavy-tailed ratios do not
 *   dominate it the way they dominate `residual`.
 *
 * Inputs are standardised with the training set's per-feature mean and standard deviation
 * (features with zero spread are only centred).
 *
 * Training (what DOSA did, from its public code, `dataset/dse/latency_model.py`): the latency
 * MLP is trained with `torch.nn.L1Loss`, Adam at lr 1e-5, full-batch (`batch_size=100000`), for
 * `num_iters=50000` iterations (the call in `mapping_driven_hw_search.py`); DOSA's "both"
 * predictor adds the MLP's output to the analytical estimate (in normalised units), its "dnn"
 * predictor uses the MLP alone. DOSA learns energy with a separate, small model; here one MLP
 * predicts both targets. 50,000 full-batch steps of a 6.6 M-parameter MLP are far beyond a CPU
 * budget, so the defaults here are Adam at 1e-3, batches of 256 rows and 200 epochs, optionally
 * early-stopped on a seeded validation split ({@link DosaOptions.validationFraction}).
 *
 * Speed: training runs its own step (forward, L1 loss and `optimizer.minimize` inside
 * `tf.tidy`) on the model's variables instead of `trainOnBatch`, with a dense layer whose
 * gradient avoids the transposed matrix products that the WASM backend runs 10–100× slower
 * ({@link denseWithFastGradient}); `predict` keeps transposed kernels for the same reason. On
 * the 2-core team VM (WASM SIMD) an epoch of 256 rows went from ~9 s to ~1 s.
 *
 * Determinism: kernels are initialised with seeded Glorot-uniform initialisers, the epoch
 * shuffle and the validation split use core's seeded {@link Random}, and every training step
 * draws one dropout seed per hidden layer from the run's seeded stream for `tf.dropout` (the
 * inverted dropout tfjs' Dropout layer applies in training). The same seed, data and backend
 * give the same model.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { activeBackendName, ensureBackend } from '../backend/index.js';
import {
  ANALYTICAL_LOG2_CYCLES_INDEX, ANALYTICAL_LOG2_ENERGY_INDEX, FEATURE_LENGTH, FEATURIZER_VERSION,
} from '../features/index.js';
import { columnStatistics } from '../model/layer-table.js';
import {
  type EpochData, type EpochOutcome, type InferenceLayer, denseStack, inferTransposed, trainEpochs,
} from './dosa-network.js';
import { directoryHandler } from './file-io.js';

import {
  DOSA_DEFAULT_BATCH_SIZE, DOSA_DEFAULT_EPOCHS, DOSA_DEFAULT_LEARNING_RATE, DOSA_HIDDEN, DOSA_METADATA_FILE, DOSA_METADATA_FORMAT,
  DOSA_METADATA_KIND, DOSA_MIN_TARGET_RANGE, DOSA_VARIANTS, type DosaMetadata, type DosaOptions, type DosaPrediction, type DosaSample,
  type DosaVariant,
} from './dosa-types.js';

export { denseWithFastGradient } from './dosa-network.js';
export * from './dosa-types.js';

/** Rows per inference call in {@link DosaPredictor.predict}. */
const PREDICT_BATCH = 1024;


const LN2 = Math.LN2;
const TARGETS = 2;

/** @throws RangeError when a target is not finite. */
function checkTargets(samples: readonly DosaSample[], what: string): void {
  for (const s of samples) if (!Number.isFinite(s.logCycles) || !Number.isFinite(s.logEnergy)) throw new RangeError(`DosaPredictor.${what}: a target is not finite`);
}

/** ln(cycles), ln(energy) of the analytical model from a feature row. */
function analyticalLogs(features: Float32Array, offset: number): [number, number] {
  return [features[offset + ANALYTICAL_LOG2_CYCLES_INDEX] * LN2, features[offset + ANALYTICAL_LOG2_ENERGY_INDEX] * LN2];
}

/** Rows of a batch as one row-major matrix, checking each row's length. */
function toMatrix(rows: readonly Float32Array[] | Float32Array): Float32Array {
  if (rows instanceof Float32Array) {
    if (rows.length % FEATURE_LENGTH !== 0) throw new RangeError(`feature matrix length ${rows.length} is not a multiple of ${FEATURE_LENGTH} (featurizer ${FEATURIZER_VERSION})`);
    return rows;
  }
  const out = new Float32Array(rows.length * FEATURE_LENGTH);
  rows.forEach((row, r) => {
    if (row.length !== FEATURE_LENGTH) throw new RangeError(`feature row ${r} has length ${row.length}, featurizer ${FEATURIZER_VERSION} gives ${FEATURE_LENGTH}`);
    out.set(row, r * FEATURE_LENGTH);
  });
  return out;
}

export class DosaPredictor {
  private model: tfl.LayersModel | undefined;

  private constructor(private meta: DosaMetadata) {}

  /** An untrained predictor (the `analytical` variant needs no training). */
  static create(options: DosaOptions): DosaPredictor {
    if (!DOSA_VARIANTS.includes(options.variant)) throw new RangeError(`unknown DOSA variant "${String(options.variant)}"; expected one of ${DOSA_VARIANTS.join(', ')}`);
    const hidden = [...(options.hidden ?? DOSA_HIDDEN)];
    if (hidden.length === 0 || hidden.some((w) => !Number.isInteger(w) || w < 1)) throw new RangeError(`hidden widths must be positive integers, got [${hidden.join(', ')}]`);
    const predictor = new DosaPredictor({
      kind: DOSA_METADATA_KIND, format: DOSA_METADATA_FORMAT, featurizerVersion: FEATURIZER_VERSION, featureLength: FEATURE_LENGTH,
      variant: options.variant, hidden, dropout: options.dropout ?? 0.3,
      featureMean: new Array<number>(FEATURE_LENGTH).fill(0), featureStd: new Array<number>(FEATURE_LENGTH).fill(1),
      targetRange: [[0, 1], [0, 1]], training: null,
    });
    predictor.trainingOptions = options;
    return predictor;
  }

  private trainingOptions: DosaOptions | undefined;

  get variant(): DosaVariant {
    return this.meta.variant;
  }

  get metadata(): DosaMetadata {
    return this.meta;
  }

  /** Builds the MLP with seeded initialisers. */
  private buildModel(rng: Random): tfl.LayersModel {
    const input = tfl.input({ shape: [FEATURE_LENGTH], name: 'features' });
    let x: tfl.SymbolicTensor = input;
    this.meta.hidden.forEach((units, i) => {
      x = tfl.layers.dense({
        units, activation: 'gelu', name: `dense_${i}`,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.int(0, 2 ** 31 - 1) }),
        biasInitializer: 'zeros',
      }).apply(x) as tfl.SymbolicTensor;
      if (this.meta.dropout > 0) x = tfl.layers.dropout({ rate: this.meta.dropout, name: `dropout_${i}` }).apply(x) as tfl.SymbolicTensor;
    });
    const output = tfl.layers.dense({
      units: TARGETS, activation: 'softplus', name: 'out',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.int(0, 2 ** 31 - 1) }),
      biasInitializer: 'zeros',
    }).apply(x) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: output, name: `dosa_${this.meta.variant}` });
  }

  /** The network's training target for a row (see the module comment). */
  private encodeTarget(y: number, analytical: number, t: number): number {
    if (this.meta.variant === 'residual') return Math.exp(y - analytical);
    if (this.meta.variant === 'residual-log') y -= analytical;
    const [lo, hi] = this.meta.targetRange[t];
    return 0.5 + (y - lo) / (hi - lo || 1);
  }

  private decodeOutput(out: number, analytical: number, t: number): number {
    if (this.meta.variant === 'residual') return analytical + Math.log(Math.max(out, 1e-12));
    const [lo, hi] = this.meta.targetRange[t];
    const value = lo + (out - 0.5) * (hi - lo || 1);
    return this.meta.variant === 'residual-log' ? analytical + value : value;
  }

  /**
   * Trains on `samples` from freshly initialised weights (the `analytical` variant only measures
   * its σ). Selects the default backend first unless one was selected already. With
   * `validationFraction` > 0 a seeded part of `samples` is held out, training stops after
   * `patience` epochs without a better validation loss and the best epoch's weights are kept
   * (see {@link DosaOptions}). Sets {@link DosaMetadata.residualStd}.
   * @returns the final epoch's mean L1 training loss (null for `analytical`).
   */
  async fit(samples: readonly DosaSample[]): Promise<number | null> {
    if (this.meta.variant === 'analytical') {
      if (samples.length > 0) this.meta = { ...this.meta, residualStd: this.residualStd(samples) };
      return null;
    }
    if (samples.length === 0) throw new RangeError('DosaPredictor.fit: no samples');
    const options = this.options();
    const { batchSize, seed, validationFraction } = options;
    checkTargets(samples, 'fit');
    const started = performance.now();
    await ensureBackend();

    const rng = new Random(seed);
    // Validation rows: a seeded subset, at least one row and at least one row left to train on.
    let trainRows = samples;
    let validRows: readonly DosaSample[] = [];
    if (validationFraction > 0 && samples.length >= 2) {
      const count = Math.min(samples.length - 1, Math.max(1, Math.round(validationFraction * samples.length)));
      const held = new Set(rng.fork('validation').shuffle(Array.from({ length: samples.length }, (_, i) => i)).slice(0, count));
      trainRows = samples.filter((_, i) => !held.has(i));
      validRows = samples.filter((_, i) => held.has(i));
    }
    const X = toMatrix(trainRows.map((s) => s.features));
    const statistics = columnStatistics(X, trainRows.length, FEATURE_LENGTH, 1e-9);
    this.meta = {
      ...this.meta, featureMean: Array.from(statistics.mean), featureStd: Array.from(statistics.std),
      targetRange: [this.targetRange(trainRows, 0), this.targetRange(trainRows, 1)],
    };
    this.disposeInference();
    this.model?.dispose();
    this.model = undefined;
    const model = this.buildModel(rng.fork('init'));
    let outcome: EpochOutcome;
    try {
      outcome = this.withTensors(trainRows, validRows, (data) => trainEpochs(denseStack(model), data, {
        ...options, dropout: this.meta.dropout, shuffle: rng.fork('shuffle'), dropoutSeeds: rng.fork('dropout'),
      }));
    } catch (error) {
      model.dispose();
      throw error;
    }
    this.model = model;
    const { best } = outcome;
    this.meta = {
      ...this.meta,
      residualStd: this.residualStd(validRows.length > 0 ? validRows : trainRows),
      training: {
        samples: trainRows.length, epochs: outcome.epochs, batchSize, learningRate: options.learningRate, seed, finalLoss: outcome.finalLoss,
        wallMs: performance.now() - started, backend: activeBackendName() ?? null, trainedAt: new Date().toISOString(),
        ...(best ? { validationSamples: validRows.length, bestEpoch: best.epoch, validationLoss: best.loss } : {}),
      },
    };
    return outcome.finalLoss;
  }

  /**
   * Continues training from the current weights on `samples` — the rows it should now describe,
   * typically those it was fitted on plus new ones — for `epochs` epochs (default a fifth of the
   * fit's, at least 1) with a fresh Adam state, the fit's batch size and learning rate, no
   * validation split. The feature standardisation and target ranges stay those of the fit (the
   * weights are in their units). Sets {@link DosaMetadata.residualStd} from `samples`.
   * @returns the last epoch's mean L1 loss (null for `analytical`, which only re-measures σ).
   * @throws Error before the predictor was fitted or loaded.
   */
  async update(samples: readonly DosaSample[], epochs?: number): Promise<number | null> {
    if (samples.length === 0) throw new RangeError('DosaPredictor.update: no samples');
    if (this.meta.variant === 'analytical') {
      this.meta = { ...this.meta, residualStd: this.residualStd(samples) };
      return null;
    }
    const model = this.model;
    if (!model) throw new Error(`DosaPredictor (${this.meta.variant}): update before fit or load`);
    checkTargets(samples, 'update');
    const options = this.options();
    const count = epochs ?? Math.max(1, Math.round((this.meta.training?.epochs ?? options.epochs) / 5));
    if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`DosaPredictor.update: epochs must be a positive integer, got ${count}`);
    const started = performance.now();
    await ensureBackend();
    const updates = (this.meta.training?.updates ?? 0) + 1;
    const rng = new Random(options.seed).fork(`update-${updates}`);
    this.disposeInference();
    const outcome = this.withTensors(samples, [], (data) => trainEpochs(denseStack(model), data, {
      ...options, epochs: count, dropout: this.meta.dropout, shuffle: rng.fork('shuffle'), dropoutSeeds: rng.fork('dropout'),
    }));
    const training = this.meta.training ?? {
      samples: 0, epochs: 0, batchSize: options.batchSize, learningRate: options.learningRate, seed: options.seed, finalLoss: null, wallMs: 0, backend: null, trainedAt: '',
    };
    this.meta = {
      ...this.meta,
      residualStd: this.residualStd(samples),
      training: {
        ...training, samples: samples.length, finalLoss: outcome.finalLoss, wallMs: training.wallMs + performance.now() - started,
        backend: activeBackendName() ?? null, trainedAt: new Date().toISOString(), updates, updateEpochs: (training.updateEpochs ?? 0) + outcome.epochs,
      },
    };
    return outcome.finalLoss;
  }

  /** The training options with their defaults, checked; after `load`, those the saved model was trained with. */
  private options(): { epochs: number; batchSize: number; learningRate: number; seed: number; validationFraction: number; patience: number } {
    const given = this.trainingOptions;
    const saved = this.meta.training;
    const epochs = given?.epochs ?? DOSA_DEFAULT_EPOCHS;
    const batchSize = given?.batchSize ?? saved?.batchSize ?? DOSA_DEFAULT_BATCH_SIZE;
    const learningRate = given?.learningRate ?? saved?.learningRate ?? DOSA_DEFAULT_LEARNING_RATE;
    const seed = given?.seed ?? saved?.seed ?? 0;
    const validationFraction = given?.validationFraction ?? 0;
    const patience = given?.patience ?? 20;
    if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`DosaPredictor.fit: epochs must be a positive integer, got ${epochs}`);
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`DosaPredictor.fit: batchSize must be a positive integer, got ${batchSize}`);
    if (!(validationFraction >= 0 && validationFraction < 1)) throw new RangeError(`DosaPredictor.fit: validationFraction must be in [0, 1), got ${validationFraction}`);
    if (!(Number.isInteger(patience) && patience >= 1)) throw new RangeError(`DosaPredictor.fit: patience must be a positive integer, got ${patience}`);
    return { epochs, batchSize, learningRate, seed, validationFraction, patience };
  }

  /** [min, max] over `rows` of target `t` in the network's units before the [0.5, 1.5] rescaling. */
  private targetRange(rows: readonly DosaSample[], t: 0 | 1): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of rows) {
      const y = (t === 0 ? s.logCycles : s.logEnergy) - (this.meta.variant === 'residual-log' ? analyticalLogs(s.features, 0)[t] : 0);
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
    // A (near-)constant target would make the scale blow up on any other value (an update's rows).
    const widen = Math.max(0, DOSA_MIN_TARGET_RANGE - (hi - lo)) / 2;
    return [lo - widen, hi + widen];
  }

  /** Runs `train` on tensors of the standardised rows and encoded targets, freeing them after. */
  private withTensors<T>(rows: readonly DosaSample[], validation: readonly DosaSample[], train: (data: EpochData) => T): T {
    const tensors = (set: readonly DosaSample[]) => {
      const X = toMatrix(set.map((s) => s.features));
      const Y = new Float32Array(set.length * TARGETS);
      set.forEach((s, r) => {
        const a = analyticalLogs(X, r * FEATURE_LENGTH);
        Y[r * TARGETS] = this.encodeTarget(s.logCycles, a[0], 0);
        Y[r * TARGETS + 1] = this.encodeTarget(s.logEnergy, a[1], 1);
      });
      return { x: tf.tensor2d(this.standardise(X), [set.length, FEATURE_LENGTH]), y: tf.tensor2d(Y, [set.length, TARGETS]) };
    };
    const data = tensors(rows);
    const valid = validation.length > 0 ? tensors(validation) : undefined;
    try {
      return train({ ...data, rows: rows.length, ...(valid ? { validation: valid } : {}) });
    } finally {
      for (const t of [data.x, data.y, valid?.x, valid?.y]) t?.dispose();
    }
  }

  /** Root-mean-square error of the current predictions on `rows`, ln cycles and ln energy, floored at 1e-3. */
  private residualStd(rows: readonly DosaSample[]): [number, number] {
    const p = this.predict(rows.map((s) => s.features));
    const rms = (a: Float64Array, truth: (s: DosaSample) => number) => Math.max(1e-3, Math.sqrt(rows.reduce((sum, s, i) => sum + (a[i] - truth(s)) ** 2, 0) / rows.length));
    return [rms(p.logCycles, (s) => s.logCycles), rms(p.logEnergy, (s) => s.logEnergy)];
  }

  private standardise(X: Float32Array): Float32Array {
    const out = new Float32Array(X.length);
    const { featureMean: mean, featureStd: std } = this.meta;
    for (let i = 0; i < X.length; i++) {
      const j = i % FEATURE_LENGTH;
      out[i] = (X[i] - mean[j]) / std[j];
    }
    return out;
  }

  /**
   * Predicts ln(cycles) and ln(energy pJ) for feature rows (an array of rows or one row-major
   * matrix). Synchronous on the active backend; the learned variants need {@link fit} or {@link load} first.
   */
  predict(features: readonly Float32Array[] | Float32Array): DosaPrediction {
    const X = toMatrix(features);
    const n = X.length / FEATURE_LENGTH;
    const logCycles = new Float64Array(n);
    const logEnergy = new Float64Array(n);
    if (this.meta.variant === 'analytical') {
      for (let r = 0; r < n; r++) [logCycles[r], logEnergy[r]] = analyticalLogs(X, r * FEATURE_LENGTH);
      return { logCycles, logEnergy };
    }
    const model = this.model;
    if (!model) throw new Error(`DosaPredictor (${this.meta.variant}): not trained; call fit() or load() first`);
    const layers = this.inferenceWeights(model);
    const Xn = this.standardise(X);
    const out = new Float32Array(n * TARGETS);
    for (let start = 0; start < n; start += PREDICT_BATCH) {
      const rows = Math.min(PREDICT_BATCH, n - start);
      out.set(tf.tidy(() => inferTransposed(layers, tf.tensor2d(Xn.subarray(start * FEATURE_LENGTH, (start + rows) * FEATURE_LENGTH), [rows, FEATURE_LENGTH])).dataSync()), start * TARGETS);
    }
    for (let r = 0; r < n; r++) {
      const a = analyticalLogs(X, r * FEATURE_LENGTH);
      logCycles[r] = this.decodeOutput(out[r * TARGETS], a[0], 0);
      logEnergy[r] = this.decodeOutput(out[r * TARGETS + 1], a[1], 1);
    }
    return { logCycles, logEnergy };
  }

  /** Writes `dosa-predictor.json` and, for learned variants, `model.json` + `weights.bin` to `dir`. */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    if (this.meta.variant !== 'analytical') {
      if (!this.model) throw new Error(`DosaPredictor (${this.meta.variant}): nothing to save, the model is not trained`);
      await this.model.save(directoryHandler(dir));
    }
    await writeFile(join(dir, DOSA_METADATA_FILE), `${JSON.stringify(this.meta, null, 2)}\n`);
  }

  /**
   * Loads a predictor saved by {@link save}.
   * @throws Error naming the directory when it holds no predictor, another kind of file, or a
   *   model trained on another featurizer version (its features would mean something else).
   */
  static async load(dir: string): Promise<DosaPredictor> {
    const path = join(dir, DOSA_METADATA_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new Error(`${dir} is not a saved DOSA predictor: cannot read ${DOSA_METADATA_FILE} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    let meta: DosaMetadata;
    try {
      meta = JSON.parse(text) as DosaMetadata;
    } catch (error) {
      throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
    }
    if (meta?.kind !== DOSA_METADATA_KIND || meta.format !== DOSA_METADATA_FORMAT) {
      throw new Error(`${path} is not a DOSA predictor of format ${DOSA_METADATA_FORMAT} (kind ${String(meta?.kind)}, format ${String(meta?.format)})`);
    }
    if (meta.featurizerVersion !== FEATURIZER_VERSION || meta.featureLength !== FEATURE_LENGTH) {
      throw new Error(`${dir} holds a DOSA predictor trained on featurizer ${meta.featurizerVersion} (${meta.featureLength} features); this build uses ${FEATURIZER_VERSION} (${FEATURE_LENGTH} features). Retrain it.`);
    }
    if (!DOSA_VARIANTS.includes(meta.variant)) throw new Error(`${path}: unknown variant "${String(meta.variant)}"`);
    const predictor = new DosaPredictor(meta);
    if (meta.variant !== 'analytical') {
      await ensureBackend();
      predictor.model = await tfl.loadLayersModel(directoryHandler(dir));
    }
    return predictor;
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.disposeInference();
    this.model?.dispose();
    this.model = undefined;
  }

  /** Transposed kernels for {@link predict}, made once per trained or loaded network. */
  private inference: { readonly model: tfl.LayersModel; readonly layers: InferenceLayer[] } | undefined;

  private inferenceWeights(model: tfl.LayersModel): InferenceLayer[] {
    if (this.inference?.model !== model) {
      this.disposeInference();
      this.inference = { model, layers: denseStack(model).map((d) => ({ kernelT: tf.keep(tf.transpose(d.kernel)) as tf.Tensor2D, bias: d.bias, activation: d.activation })) };
    }
    return this.inference.layers;
  }

  private disposeInference(): void {
    this.inference?.layers.forEach((l) => l.kernelT.dispose());
    this.inference = undefined;
  }
}
