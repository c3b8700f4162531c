/**
 * Starlight-Low: the model pretrained on many cheap analytical samples. A VAE-style encoder maps
 * a standardised feature row to a small latent (mean μ and log-variance); a decoder reconstructs
 * the features from a reparameterised sample z = μ + e^{lv/2}·ε; two heads read μ and predict the
 * row's ln(cycles) and ln(energy pJ).
 *
 * Loss per batch = reconstruction MSE (mean over features) + `klWeight` · KL(q(z|x) ‖ N(0, I))
 * (mean over latent dimensions) + `headWeight` · MSE of the standardised log targets. The
 * decoder shapes a latent that keeps the structure of the whole design point; the heads make
 * distance in the latent track latency and energy — what the transfer model's GP kernel needs.
 * After pretraining only the encoder's μ is used (the decoder is dropped by {@link Starlight}).
 *
 * Shapes: features `rows × cols` (row-major Float32Array), latent `rows × latentDim`.
 * Deterministic for a seed on one backend: seeded Glorot initialisation, seeded shuffles and
 * seeded reparameterisation noise.
 */
import { dirname } from 'node:path';
import { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';
import { activeBackendName, ensureBackend } from '../backend/index.js';
import { FEATURIZER_VERSION } from '../features/index.js';
import { DenseNetwork, type NamedWeights, tfSeed } from '../model/dense-network.js';
import { type LayerTable, type LogTargets, columnStatistics, selectRows, seriesStatistics } from '../model/layer-table.js';
import { ModelFileError, loadTensorFile, saveTensorFile } from '../model/tensor-file.js';

export interface StarlightLowOptions {
  /** Latent width (default 16). */
  readonly latentDim?: number;
  /** Encoder hidden widths (default [128, 64]); the decoder mirrors them. */
  readonly hidden?: readonly number[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Weight of the KL term (default 0.01). */
  readonly klWeight?: number;
  /** Weight of the latency/energy heads' loss (default 1). */
  readonly headWeight?: number;
  /** Fraction of rows held out to report the heads' validation error (default 0.05). */
  readonly validationFraction?: number;
  readonly seed?: number;
  /** Called after each epoch (progress). */
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

/** What {@link StarlightLow.save} writes beside the weights. */
export interface StarlightLowMetadata {
  readonly kind: 'polaris/starlight-low';
  readonly format: 1;
  readonly featurizerVersion: string;
  readonly cols: number;
  readonly latentDim: number;
  readonly hidden: readonly number[];
  /** Per-feature standardisation of the pretraining set. */
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  /** [mean, std] of ln(cycles) and ln(energy) of the pretraining set (the heads' units). */
  readonly targetScale: readonly [readonly [number, number], readonly [number, number]];
  readonly training: {
    readonly samples: number;
    readonly epochs: number;
    readonly seed: number;
    readonly finalLoss: number;
    /** Heads' mean absolute error of ln(cycles), ln(energy) on the held-out rows. */
    readonly validationMae: readonly [number, number] | null;
    readonly wallMs: number;
    readonly backend: string | null;
  } | null;
}

export const STARLIGHT_LOW_FILE = 'starlight-low';

export class StarlightLow {
  private constructor(
    readonly metadata: StarlightLowMetadata,
    readonly encoder: DenseNetwork,
    private readonly decoder: DenseNetwork,
    private readonly heads: DenseNetwork,
  ) {}

  /**
   * An untrained model whose standardisation comes from `table` (the "from scratch" baseline
   * of the transfer experiment: same architecture, no pretraining).
   */
  static untrained(table: LayerTable, options: StarlightLowOptions = {}): StarlightLow {
    const latentDim = options.latentDim ?? 16;
    const hidden = [...(options.hidden ?? [128, 64])];
    const { mean, std } = columnStatistics(table.features, table.rows, table.cols);
    const metadata: StarlightLowMetadata = {
      kind: 'polaris/starlight-low', format: 1, featurizerVersion: FEATURIZER_VERSION, cols: table.cols, latentDim, hidden,
      // Stored at float32 precision, like the weights they feed.
      featureMean: Array.from(mean, Math.fround), featureStd: Array.from(std, Math.fround),
      targetScale: [seriesStatistics(table.targets.logCycles), seriesStatistics(table.targets.logEnergy)], training: null,
    };
    const rng = new Random(options.seed ?? 0).fork('starlight-low-init');
    const widths = starlightLowWidths(metadata);
    return new StarlightLow(
      metadata,
      DenseNetwork.create('encoder', widths.encoder, rng.fork('encoder')),
      DenseNetwork.create('decoder', widths.decoder, rng.fork('decoder')),
      DenseNetwork.create('heads', widths.heads, rng.fork('heads')),
    );
  }

  /** Pretrains on `table` (many analytical samples: targets = the analytical answers). */
  static async pretrain(table: LayerTable, options: StarlightLowOptions = {}): Promise<StarlightLow> {
    if (table.rows < 2) throw new RangeError(`StarlightLow.pretrain: needs at least 2 rows, got ${table.rows}`);
    await ensureBackend();
    const started = performance.now();
    const seed = options.seed ?? 0;
    const rng = new Random(seed);
    const order = rng.fork('validation').shuffle(Array.from({ length: table.rows }, (_, i) => i));
    const validationRows = Math.floor(table.rows * (options.validationFraction ?? 0.05));
    const validation = validationRows > 0 ? selectRows(table, order.slice(0, validationRows)) : null;
    const train = selectRows(table, order.slice(validationRows));
    const model = StarlightLow.untrained(train, options);
    const epochs = options.epochs ?? 40;
    const batchSize = options.batchSize ?? 256;
    const klWeight = options.klWeight ?? 0.01;
    const headWeight = options.headWeight ?? 1;
    const d = model.metadata.latentDim;
    const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
    const variables = [...model.encoder.variables, ...model.decoder.variables, ...model.heads.variables];
    const x = model.standardise(train.features, train.rows);
    const y = model.scaleTargets(train.targets);
    const shuffle = rng.fork('shuffle');
    const noise = rng.fork('noise');
    let finalLoss = Number.NaN;
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const perm = shuffle.shuffle(Array.from({ length: train.rows }, (_, i) => i));
        let lossSum = 0;
        for (let start = 0; start < train.rows; start += batchSize) {
          const idx = tf.tensor1d(perm.slice(start, start + batchSize), 'int32');
          const epsSeed = tfSeed(noise);
          const loss = tf.tidy(() => {
            const xb = tf.gather(x, idx);
            const yb = tf.gather(y, idx);
            return optimizer.minimize(() => {
              const out = model.encoder.apply(xb);
              const mu = tf.slice(out, [0, 0], [-1, d]);
              const logVar = tf.clipByValue(tf.slice(out, [0, d], [-1, d]), -10, 10);
              const z = tf.add<tf.Tensor2D>(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.randomNormal(mu.shape, 0, 1, 'float32', epsSeed)));
              const recon = tf.mean(tf.squaredDifference(model.decoder.apply(z), xb));
              const kl = tf.mul(-0.5, tf.mean(tf.sub(tf.add(1, logVar), tf.add(tf.square(mu), tf.exp(logVar)))));
              const head = tf.mean(tf.squaredDifference(model.heads.apply(mu), yb));
              return tf.add(tf.add(recon, tf.mul(klWeight, kl)), tf.mul(headWeight, head)) as tf.Scalar;
            }, true, variables) as tf.Scalar;
          });
          idx.dispose();
          lossSum += (await loss.data())[0] * Math.min(batchSize, train.rows - start);
          loss.dispose();
        }
        finalLoss = lossSum / train.rows;
        options.onEpoch?.(epoch, finalLoss);
      }
    } finally {
      x.dispose();
      y.dispose();
      optimizer.dispose();
    }
    let validationMae: [number, number] | null = null;
    if (validation) {
      const p = model.predict(validation.features, validation.rows);
      const mae = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
      validationMae = [mae(p.logCycles, validation.targets.logCycles), mae(p.logEnergy, validation.targets.logEnergy)];
    }
    return model.withMetadata({
      ...model.metadata,
      training: { samples: train.rows, epochs, seed, finalLoss, validationMae, wallMs: performance.now() - started, backend: activeBackendName() ?? null },
    });
  }

  private withMetadata(metadata: StarlightLowMetadata): StarlightLow {
    return new StarlightLow(metadata, this.encoder, this.decoder, this.heads);
  }

  /** Standardised features as a tensor `rows × cols` (caller disposes). */
  standardise(features: Float32Array, rows: number): tf.Tensor2D {
    return standardiseFeatures(this.metadata, features, rows);
  }

  private scaleTargets(t: LogTargets): tf.Tensor2D {
    const [[mc, sc], [me, se]] = this.metadata.targetScale;
    const out = new Float32Array(t.logCycles.length * 2);
    for (let r = 0; r < t.logCycles.length; r++) {
      out[2 * r] = (t.logCycles[r] - mc) / sc;
      out[2 * r + 1] = (t.logEnergy[r] - me) / se;
    }
    return tf.tensor2d(out, [t.logCycles.length, 2]);
  }

  /** Latent means μ of standardised rows `x` (`rows × cols`) → `rows × latentDim`. Call inside `tf.tidy`. */
  encodeMean(x: tf.Tensor2D): tf.Tensor2D {
    return tf.slice(this.encoder.apply(x), [0, 0], [-1, this.metadata.latentDim]);
  }

  /** The heads' ln(cycles), ln(energy pJ) for feature rows (`rows × cols`). */
  predict(features: Float32Array, rows: number): LogTargets {
    const out = tf.tidy(() => {
      const x = this.standardise(features, rows);
      return this.heads.apply(this.encodeMean(x)).dataSync() as Float32Array;
    });
    const [[mc, sc], [me, se]] = this.metadata.targetScale;
    const logCycles = new Float64Array(rows);
    const logEnergy = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      logCycles[r] = mc + sc * out[2 * r];
      logEnergy[r] = me + se * out[2 * r + 1];
    }
    return { logCycles, logEnergy };
  }

  /** All weights (encoder, decoder, heads) as named arrays. */
  namedWeights(): NamedWeights {
    return { ...this.encoder.namedWeights(), ...this.decoder.namedWeights(), ...this.heads.namedWeights() };
  }

  async save(dir: string): Promise<void> {
    await saveTensorFile(dir, STARLIGHT_LOW_FILE, this.metadata, this.namedWeights());
  }

  /** @throws ModelFileError when the files are missing or corrupt, or hold another kind of model or featurizer version. */
  static async load(dir: string): Promise<StarlightLow> {
    const { metadata, weights } = await loadTensorFile<StarlightLowMetadata>(dir, STARLIGHT_LOW_FILE, retrainAdvice(dir, 'polaris/starlight-low'));
    checkModelMetadata(dir, metadata, 'polaris/starlight-low');
    await ensureBackend();
    const widths = starlightLowWidths(metadata);
    return new StarlightLow(
      metadata,
      DenseNetwork.fromWeights('encoder', widths.encoder, weights),
      DenseNetwork.fromWeights('decoder', widths.decoder, weights),
      DenseNetwork.fromWeights('heads', widths.heads, weights),
    );
  }

  dispose(): void {
    this.encoder.dispose();
    this.decoder.dispose();
    this.heads.dispose();
  }
}

/**
 * Feature rows (`rows × cols`, row-major) standardised with a pretraining set's statistics, as a
 * tensor `rows × cols` (caller disposes).
 * @throws RangeError when `features` is not `rows × cols`.
 */
export function standardiseFeatures(
  metadata: Pick<StarlightLowMetadata, 'cols' | 'featureMean' | 'featureStd'>, features: Float32Array, rows: number,
): tf.Tensor2D {
  const { cols, featureMean, featureStd } = metadata;
  if (features.length !== rows * cols) throw new RangeError(`StarlightLow: ${features.length} feature values is not ${rows} rows × ${cols} columns`);
  return tf.tidy(() => tf.div(tf.sub(tf.tensor2d(features, [rows, cols]), tf.tensor1d(featureMean as number[])), tf.tensor1d(featureStd as number[])));
}

/**
 * Layer widths of Starlight-Low's networks: the encoder (features → hidden → μ and log-variance,
 * 2 × latentDim), the decoder (latent → mirrored hidden → features) and the heads (latent → last
 * hidden width → ln cycles, ln energy).
 */
export function starlightLowWidths(m: Pick<StarlightLowMetadata, 'cols' | 'hidden' | 'latentDim'>): { encoder: number[]; decoder: number[]; heads: number[] } {
  const { cols, hidden, latentDim } = m;
  return {
    encoder: [cols, ...hidden, 2 * latentDim],
    decoder: [latentDim, ...[...hidden].reverse(), cols],
    heads: [latentDim, hidden[hidden.length - 1], 2],
  };
}

/** Kinds of saved model {@link checkModelMetadata} knows. */
export type SavedModelKind = 'polaris/starlight' | 'polaris/starlight-low';

/**
 * How to make a usable model of `kind` in `dir` again: `polaris train --out <dir>` for
 * Starlight; for Starlight-Low (saved to `<out>/low`), `polaris train --out <parent>`.
 */
export function retrainAdvice(dir: string, kind: SavedModelKind): string {
  return kind === 'polaris/starlight'
    ? `retrain it with \`polaris train --out ${dir}\``
    : `retrain it with \`polaris train --out ${dirname(dir)}\` (which saves Starlight-Low to <out>/low)`;
}

/**
 * Refuses a saved model of another kind or featurizer version, naming the fix.
 * @throws ModelFileError naming the directory and {@link retrainAdvice}.
 */
export function checkModelMetadata(dir: string, metadata: { kind?: string; featurizerVersion?: string }, kind: SavedModelKind): void {
  if (metadata.kind !== kind) {
    throw new ModelFileError(`${dir} holds a "${String(metadata.kind)}" model, not "${kind}"; ${retrainAdvice(dir, kind)}`);
  }
  if (metadata.featurizerVersion !== FEATURIZER_VERSION) {
    throw new ModelFileError(`${dir} was trained with featurizer ${String(metadata.featurizerVersion)}, this Polaris uses ${FEATURIZER_VERSION}; ${retrainAdvice(dir, kind)}`);
  }
}
