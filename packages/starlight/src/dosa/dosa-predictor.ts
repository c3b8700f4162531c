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
import { directoryHandler } from './file-io.js';

export const DOSA_VARIANTS = ['analytical', 'dnn', 'residual', 'residual-log'] as const;
export type DosaVariant = (typeof DOSA_VARIANTS)[number];
/** DOSA's hidden widths. */
export const DOSA_HIDDEN: readonly number[] = [256, 512, 2048, 2048, 512, 256, 64];
/** File holding the predictor's metadata in a saved directory. */
export const DOSA_METADATA_FILE = 'dosa-predictor.json';
const METADATA_KIND = 'polaris/dosa-predictor';
const METADATA_FORMAT = 1;

/** Epochs when none are given. */
export const DOSA_DEFAULT_EPOCHS = 200;
/**
 * Rows per gradient step when none is given. DOSA trains full-batch (its latency MLP uses a
 * DataLoader with `batch_size=100000`, more rows than any of its datasets); 256 keeps small
 * sets full-batch and bounds a step's memory on large ones. On the WASM backend a step costs
 * roughly a fixed ~0.3–0.5 s for the 6.6 M parameters (Adam, weight re-packing) plus the
 * per-row products, so large batches are also much faster per epoch than batches of 32.
 */
export const DOSA_DEFAULT_BATCH_SIZE = 256;
/**
 * Adam's step size when none is given. DOSA used 1e-5 for 50,000 full-batch iterations; with
 * the few hundred steps affordable here 1e-3 is used instead.
 */
export const DOSA_DEFAULT_LEARNING_RATE = 1e-3;

export interface DosaOptions {
  readonly variant: DosaVariant;
  /** Hidden layer widths; DOSA's by default (tests may use tiny ones). */
  readonly hidden?: readonly number[];
  /** Dropout rate after each hidden layer (0.3). */
  readonly dropout?: number;
  /** Maximum epochs ({@link DOSA_DEFAULT_EPOCHS}); fewer when early stopping ends training. */
  readonly epochs?: number;
  /** Rows per step ({@link DOSA_DEFAULT_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Adam's step size ({@link DOSA_DEFAULT_LEARNING_RATE}). */
  readonly learningRate?: number;
  readonly seed?: number;
  /**
   * Fraction of the fitted rows held out (seeded, at least one row) to early-stop on; 0 (the
   * default) trains on every row for `epochs` epochs. Normalisation statistics come from the
   * remaining rows only.
   */
  readonly validationFraction?: number;
  /** Epochs without a lower validation L1 loss before stopping (20); the best epoch's weights are kept. */
  readonly patience?: number;
}

/** One training row: a feature vector and the measured per-layer targets (natural logs). */
export interface DosaSample {
  readonly features: Float32Array;
  readonly logCycles: number;
  readonly logEnergy: number;
}

/** Predicted ln(cycles) and ln(energy pJ) per row. */
export interface DosaPrediction {
  readonly logCycles: Float64Array;
  readonly logEnergy: Float64Array;
}

/** Everything saved beside the weights. */
export interface DosaMetadata {
  readonly kind: typeof METADATA_KIND;
  readonly format: typeof METADATA_FORMAT;
  readonly featurizerVersion: string;
  readonly featureLength: number;
  readonly variant: DosaVariant;
  readonly hidden: readonly number[];
  readonly dropout: number;
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  /** For `dnn`: per target [min, max] of the training targets. */
  readonly targetRange: readonly (readonly [number, number])[];
  readonly training: {
    readonly samples: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly seed: number;
    readonly finalLoss: number | null;
    readonly wallMs: number;
    readonly backend: string | null;
    readonly trainedAt: string;
    /** With early stopping: rows held out, the epoch whose weights were kept and its validation loss. */
    readonly validationSamples?: number;
    readonly bestEpoch?: number;
    readonly validationLoss?: number;
  } | null;
}

const LN2 = Math.LN2;
const TARGETS = 2;

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

/** One dense layer's variables, read from the tfjs-layers model so training updates it in place. */
interface DenseVariables {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activation: 'gelu' | 'softplus';
}

/** The Dense layers of a model built by `buildModel`, in order, with their variables. */
function denseStack(model: tfl.LayersModel): DenseVariables[] {
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
  return dense.map((layer, i) => {
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    return { kernel, bias, activation: i === dense.length - 1 ? 'softplus' : 'gelu' };
  });
}

/**
 * `x·W + b` whose gradient uses only untransposed matrix products. tfjs' own gradient of
 * `matMul` asks for `matMul(x, dy, transposeA = true)` and `matMul(dy, W, transposeB = true)`;
 * the WASM backend runs those through a slow generic kernel (about 0.03–0.3 GFLOPS here against
 * 7–27 GFLOPS for the plain product), which made one training step on DOSA's 2048-wide layers
 * cost seconds. Here `dW = transpose(x)·dy` (the transpose is batch-sized) and
 * `dx = transpose(W·transpose(dy))`, so the big weight matrix is never re-packed; the forward
 * product is `transpose(transpose(W)·transpose(x))` (one transpose of W instead of a re-pack).
 * Exported for its gradient test.
 */
export const denseWithFastGradient = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.transpose(tf.matMul(tf.transpose(w), tf.transpose(x))), b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.transpose(tf.matMul(ws, tf.transpose(dy))), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** GELU with the exact erf form, the same formula as tfjs-layers' `gelu` activation used by `predict`. */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))));
}

/**
 * The network on a batch. With `dropout`, inverted dropout (tfjs' `tf.dropout`, as the Dropout
 * layer does in training) follows each hidden layer with its own seed; without it this is the
 * inference network `predict` runs.
 */
function forward(net: readonly DenseVariables[], x: tf.Tensor2D, dropout?: { readonly rate: number; readonly seeds: readonly number[] }): tf.Tensor2D {
  let h = x;
  net.forEach((d, i) => {
    const z = denseWithFastGradient(h, d.kernel as tf.Tensor2D, d.bias as tf.Tensor1D);
    if (d.activation === 'softplus') {
      h = tf.softplus(z);
      return;
    }
    h = gelu(z);
    if (dropout && dropout.rate > 0) h = tf.dropout(h, dropout.rate, undefined, dropout.seeds[i]) as tf.Tensor2D;
  });
  return h;
}

/** Rows per inference call in {@link DosaPredictor.predict}. */
const PREDICT_BATCH = 1024;

/** A dense layer prepared for inference: its kernel transposed once, `[out, in]`. */
interface InferenceLayer {
  readonly kernelT: tf.Tensor2D;
  readonly bias: tf.Variable;
  readonly activation: 'gelu' | 'softplus';
}

/**
 * The inference network as `hᵀ ← act(Wᵀ·hᵀ + b)`: the WASM matrix product is about 3× faster
 * when the large operand comes first (it packs the second operand on every call), so `predict`
 * keeps each kernel transposed and the activations transposed (`[width, rows]`) throughout.
 */
function inferTransposed(layers: readonly InferenceLayer[], x: tf.Tensor2D): tf.Tensor2D {
  let h = tf.transpose(x);
  for (const l of layers) {
    const z = tf.add(tf.matMul(l.kernelT, h), tf.reshape(l.bias, [-1, 1])) as tf.Tensor2D;
    h = l.activation === 'softplus' ? tf.softplus(z) : gelu(z);
  }
  return tf.transpose(h);
}

/** Mean absolute error over every entry (Keras' `meanAbsoluteError` averaged over the batch). */
function l1(prediction: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(prediction, target)));
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
      kind: METADATA_KIND, format: METADATA_FORMAT, featurizerVersion: FEATURIZER_VERSION, featureLength: FEATURE_LENGTH,
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
   * Trains on `samples` (a no-op for the `analytical` variant). Selects the default backend first
   * unless one was selected already. With `validationFraction` > 0 a seeded part of `samples` is
   * held out, training stops after `patience` epochs without a better validation loss and the
   * best epoch's weights are kept (see {@link DosaOptions}).
   * @returns the final epoch's mean L1 training loss (null for `analytical`).
   */
  async fit(samples: readonly DosaSample[]): Promise<number | null> {
    if (this.meta.variant === 'analytical') return null;
    if (samples.length === 0) throw new RangeError('DosaPredictor.fit: no samples');
    const options = this.trainingOptions ?? { variant: this.meta.variant };
    const epochs = options.epochs ?? DOSA_DEFAULT_EPOCHS;
    const batchSize = options.batchSize ?? DOSA_DEFAULT_BATCH_SIZE;
    const learningRate = options.learningRate ?? DOSA_DEFAULT_LEARNING_RATE;
    const seed = options.seed ?? 0;
    const validationFraction = options.validationFraction ?? 0;
    const patience = options.patience ?? 20;
    if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`DosaPredictor.fit: epochs must be a positive integer, got ${epochs}`);
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`DosaPredictor.fit: batchSize must be a positive integer, got ${batchSize}`);
    if (!(validationFraction >= 0 && validationFraction < 1)) throw new RangeError(`DosaPredictor.fit: validationFraction must be in [0, 1), got ${validationFraction}`);
    if (!(Number.isInteger(patience) && patience >= 1)) throw new RangeError(`DosaPredictor.fit: patience must be a positive integer, got ${patience}`);
    for (const s of samples) if (!Number.isFinite(s.logCycles) || !Number.isFinite(s.logEnergy)) throw new RangeError('DosaPredictor.fit: a target is not finite');
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
    const n = trainRows.length;
    const statistics = columnStatistics(X, n, FEATURE_LENGTH, 1e-9);
    const mean = Array.from(statistics.mean);
    const std = Array.from(statistics.std);
    const range = (t: 0 | 1): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const s of trainRows) {
        const y = (t === 0 ? s.logCycles : s.logEnergy) - (this.meta.variant === 'residual-log' ? analyticalLogs(s.features, 0)[t] : 0);
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
      }
      return [lo, hi];
    };
    this.meta = { ...this.meta, featureMean: mean, featureStd: std, targetRange: [range(0), range(1)] };
    const encode = (rows: readonly DosaSample[], matrix: Float32Array): Float32Array => {
      const Y = new Float32Array(rows.length * TARGETS);
      rows.forEach((s, r) => {
        const a = analyticalLogs(matrix, r * FEATURE_LENGTH);
        Y[r * TARGETS] = this.encodeTarget(s.logCycles, a[0], 0);
        Y[r * TARGETS + 1] = this.encodeTarget(s.logEnergy, a[1], 1);
      });
      return Y;
    };
    const Y = encode(trainRows, X);
    const XV = validRows.length > 0 ? toMatrix(validRows.map((s) => s.features)) : undefined;
    const YV = XV ? encode(validRows, XV) : undefined;

    this.disposeInference();
    this.model?.dispose();
    this.model = undefined;
    const model = this.buildModel(rng.fork('init'));
    const net = denseStack(model);
    const variables = net.flatMap((d) => [d.kernel, d.bias]);
    const optimizer = tf.train.adam(learningRate);
    const shuffleRng = rng.fork('shuffle');
    const dropoutRng = rng.fork('dropout');
    const xAll = tf.tensor2d(this.standardise(X), [n, FEATURE_LENGTH]);
    const yAll = tf.tensor2d(Y, [n, TARGETS]);
    const xValid = XV ? tf.tensor2d(this.standardise(XV), [validRows.length, FEATURE_LENGTH]) : undefined;
    const yValid = YV ? tf.tensor2d(YV, [validRows.length, TARGETS]) : undefined;
    const order = Array.from({ length: n }, (_, i) => i);
    const dropout = this.meta.dropout;
    let finalLoss = Number.NaN;
    let epochsRun = 0;
    let best: { loss: number; epoch: number; weights: tf.Tensor[] } | undefined;
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const perm = shuffleRng.shuffle(order);
        let lossSum = 0;
        for (let start = 0; start < n; start += batchSize) {
          const idx = perm.slice(start, start + batchSize);
          const seeds = net.map(() => dropoutRng.int(0, 2 ** 31 - 1));
          const loss = tf.tidy(() => {
            const indices = tf.tensor1d(idx, 'int32');
            const xb = tf.gather(xAll, indices);
            const yb = tf.gather(yAll, indices);
            return optimizer.minimize(() => l1(forward(net, xb, { rate: dropout, seeds }), yb), true, variables) as tf.Scalar;
          });
          lossSum += loss.dataSync()[0] * idx.length;
          loss.dispose();
        }
        finalLoss = lossSum / n;
        epochsRun = epoch + 1;
        if (xValid && yValid) {
          const validLoss = tf.tidy(() => l1(forward(net, xValid), yValid).dataSync()[0]);
          if (best === undefined || validLoss < best.loss) {
            best?.weights.forEach((w) => w.dispose());
            best = { loss: validLoss, epoch: epochsRun, weights: variables.map((v) => tf.clone(v)) };
          } else if (epochsRun - best.epoch >= patience) {
            break;
          }
        }
      }
      if (best) variables.forEach((v, i) => v.assign(best!.weights[i]));
    } catch (error) {
      model.dispose();
      throw error;
    } finally {
      best?.weights.forEach((w) => w.dispose());
      optimizer.dispose();
      for (const t of [xAll, yAll, xValid, yValid]) t?.dispose();
    }
    this.model = model;
    this.meta = {
      ...this.meta,
      training: {
        samples: n, epochs: epochsRun, batchSize, learningRate, seed, finalLoss,
        wallMs: performance.now() - started, backend: activeBackendName() ?? null, trainedAt: new Date().toISOString(),
        ...(best ? { validationSamples: validRows.length, bestEpoch: best.epoch, validationLoss: best.loss } : {}),
      },
    };
    return finalLoss;
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
    if (meta?.kind !== METADATA_KIND || meta.format !== METADATA_FORMAT) {
      throw new Error(`${path} is not a DOSA predictor of format ${METADATA_FORMAT} (kind ${String(meta?.kind)}, format ${String(meta?.format)})`);
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
