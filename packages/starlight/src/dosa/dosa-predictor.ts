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
 *
 * Inputs are standardised with the training set's per-feature mean and standard deviation
 * (features with zero spread are only centred).
 *
 * Determinism: kernels are initialised with seeded Glorot-uniform initialisers, the epoch
 * shuffle uses core's seeded {@link Random}, and dropout is seeded per batch: tfjs' Dropout layer
 * reads its `seed` field on every call, so before each batch every Dropout layer gets a fresh
 * seed drawn from the run's seeded stream (a fixed seed would give the same mask every batch).
 * The same seed, data and backend give the same model.
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
import { directoryHandler } from './file-io.js';

export const DOSA_VARIANTS = ['analytical', 'dnn', 'residual'] as const;
export type DosaVariant = (typeof DOSA_VARIANTS)[number];
/** DOSA's hidden widths. */
export const DOSA_HIDDEN: readonly number[] = [256, 512, 2048, 2048, 512, 256, 64];
/** File holding the predictor's metadata in a saved directory. */
export const DOSA_METADATA_FILE = 'dosa-predictor.json';
const METADATA_KIND = 'polaris/dosa-predictor';
const METADATA_FORMAT = 1;

export interface DosaOptions {
  readonly variant: DosaVariant;
  /** Hidden layer widths; DOSA's by default (tests may use tiny ones). */
  readonly hidden?: readonly number[];
  /** Dropout rate after each hidden layer (0.3). */
  readonly dropout?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
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
    const [lo, hi] = this.meta.targetRange[t];
    return 0.5 + (y - lo) / (hi - lo || 1);
  }

  private decodeOutput(out: number, analytical: number, t: number): number {
    if (this.meta.variant === 'residual') return analytical + Math.log(Math.max(out, 1e-12));
    const [lo, hi] = this.meta.targetRange[t];
    return lo + (out - 0.5) * (hi - lo || 1);
  }

  /**
   * Trains on `samples` (a no-op for the `analytical` variant). Selects the default backend first unless one was selected already.
   * @returns the final epoch's mean L1 loss (null for `analytical`).
   */
  async fit(samples: readonly DosaSample[]): Promise<number | null> {
    if (this.meta.variant === 'analytical') return null;
    if (samples.length === 0) throw new RangeError('DosaPredictor.fit: no samples');
    const options = this.trainingOptions ?? { variant: this.meta.variant };
    const epochs = options.epochs ?? 200;
    const batchSize = options.batchSize ?? 32;
    const learningRate = options.learningRate ?? 1e-3;
    const seed = options.seed ?? 0;
    const started = performance.now();
    await ensureBackend();
    const X = toMatrix(samples.map((s) => s.features));
    const n = samples.length;
    const mean = new Array<number>(FEATURE_LENGTH).fill(0);
    const std = new Array<number>(FEATURE_LENGTH).fill(0);
    for (let r = 0; r < n; r++) for (let j = 0; j < FEATURE_LENGTH; j++) mean[j] += X[r * FEATURE_LENGTH + j] / n;
    for (let r = 0; r < n; r++) for (let j = 0; j < FEATURE_LENGTH; j++) std[j] += (X[r * FEATURE_LENGTH + j] - mean[j]) ** 2 / n;
    for (let j = 0; j < FEATURE_LENGTH; j++) std[j] = Math.sqrt(std[j]) > 1e-9 ? Math.sqrt(std[j]) : 1;
    const ys = samples.map((s) => [s.logCycles, s.logEnergy]);
    for (const [c, e] of ys) if (!Number.isFinite(c) || !Number.isFinite(e)) throw new RangeError('DosaPredictor.fit: a target is not finite');
    const range = (t: number): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const y of ys) {
        lo = Math.min(lo, y[t]);
        hi = Math.max(hi, y[t]);
      }
      return [lo, hi];
    };
    this.meta = { ...this.meta, featureMean: mean, featureStd: std, targetRange: [range(0), range(1)] };
    const Y = new Float32Array(n * TARGETS);
    samples.forEach((s, r) => {
      const a = analyticalLogs(X, r * FEATURE_LENGTH);
      for (let t = 0; t < TARGETS; t++) Y[r * TARGETS + t] = this.encodeTarget(ys[r][t], a[t], t);
    });
    const Xn = this.standardise(X);

    const rng = new Random(seed);
    this.model?.dispose();
    const model = this.buildModel(rng.fork('init'));
    model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanAbsoluteError' });
    const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout') as unknown as { seed?: number }[];
    const shuffleRng = rng.fork('shuffle');
    const dropoutRng = rng.fork('dropout');
    const order = Array.from({ length: n }, (_, i) => i);
    let finalLoss = Number.NaN;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const perm = shuffleRng.shuffle(order);
      let lossSum = 0;
      for (let start = 0; start < n; start += batchSize) {
        const idx = perm.slice(start, start + batchSize);
        const xb = new Float32Array(idx.length * FEATURE_LENGTH);
        const yb = new Float32Array(idx.length * TARGETS);
        idx.forEach((r, k) => {
          xb.set(Xn.subarray(r * FEATURE_LENGTH, (r + 1) * FEATURE_LENGTH), k * FEATURE_LENGTH);
          yb.set(Y.subarray(r * TARGETS, (r + 1) * TARGETS), k * TARGETS);
        });
        for (const d of dropouts) d.seed = dropoutRng.int(0, 2 ** 31 - 1);
        const xt = tf.tensor2d(xb, [idx.length, FEATURE_LENGTH]);
        const yt = tf.tensor2d(yb, [idx.length, TARGETS]);
        try {
          const loss = await model.trainOnBatch(xt, yt);
          lossSum += (Array.isArray(loss) ? loss[0] : loss) * idx.length;
        } finally {
          xt.dispose();
          yt.dispose();
        }
      }
      finalLoss = lossSum / n;
    }
    this.model = model;
    this.meta = {
      ...this.meta,
      training: {
        samples: n, epochs, batchSize, learningRate, seed, finalLoss,
        wallMs: performance.now() - started, backend: activeBackendName() ?? null, trainedAt: new Date().toISOString(),
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
    const out = tf.tidy(() => {
      const y = model.predict(tf.tensor2d(this.standardise(X), [n, FEATURE_LENGTH]), { batchSize: 1024 }) as tf.Tensor;
      return y.dataSync() as Float32Array;
    });
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
    this.model?.dispose();
    this.model = undefined;
  }
}
