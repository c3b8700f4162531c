/**
 * One deep-kernel-learning fit of {@link Starlight}: the encoder being trained, the rows it sees
 * and both GPs' hyperparameters, with the three steps of the Starlight module comment as
 * methods — {@link DeepKernelFit.fitHyperparameters} (marginal likelihood on the current
 * latents), {@link DeepKernelFit.fineTune} (joint Adam steps on hyperparameters and encoder) and
 * {@link DeepKernelFit.finish} (condition both GPs on every row). A transfer starts from
 * Starlight-Low's encoder and default hyperparameters; an update starts from a trained
 * Starlight's encoder, latent standardisation and hyperparameters (a warm start).
 *
 * Shapes: table features `n × cols` (row-major), latents `n × d` with d the latent width.
 * Units: GP inputs are latents standardised with fixed per-dimension statistics; GP targets are
 * the residuals ln(truth) − ln(analytical prior), normalised to mean 0, std 1 over the rows.
 */
import type { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';
import { clampTheta, fitHyperparameters } from '../gp/fit-hyperparameters.js';
import { marginalLikelihood, packHyperparameters, unpackHyperparameters } from '../gp/marginal-likelihood.js';
import { DenseNetwork, type NamedWeights } from '../model/dense-network.js';
import { type LayerTable, type LogTargets, columnStatistics, seriesStatistics } from '../model/layer-table.js';
import { type StarlightLowMetadata, standardiseFeatures, starlightLowWidths } from '../low/starlight-low.js';
import { LatentGp, type LatentGpState } from './latent-gp.js';

/** The two GP targets. */
export const GP_TARGETS = ['cycles', 'energy'] as const;
export type GpTarget = (typeof GP_TARGETS)[number];

const TARGET_KEY: Readonly<Record<GpTarget, keyof LogTargets>> = { cycles: 'logCycles', energy: 'logEnergy' };

/** What a fit starts from. */
export interface DeepKernelStart {
  /** Encoder architecture and feature standardisation. */
  readonly low: Pick<StarlightLowMetadata, 'cols' | 'hidden' | 'latentDim' | 'featureMean' | 'featureStd'>;
  /** Encoder weights to start from (copied into a new network). */
  readonly encoderWeights: NamedWeights;
  /** Fixed latent standardisation (an update keeps the model's); from the rows' latents when absent. */
  readonly latent?: { readonly mean: ArrayLike<number>; readonly std: ArrayLike<number> };
}

/** How {@link DeepKernelFit.fitHyperparameters} fits. */
export interface HyperparameterStep {
  /** Seed of the cycles GP's restarts (the energy GP's is seed + 1). */
  readonly seed: number;
  readonly restarts: number;
  readonly iterations: number;
  /** Rows the fit sees at most (a seeded subset above it). */
  readonly rows: number;
  /** Start from these (a trained model's) instead of the defaults. */
  readonly initial?: Readonly<Record<GpTarget, LatentGpState>>;
}

/** How {@link DeepKernelFit.fineTune} steps. */
export interface FineTuneStep {
  /** Rows per step at most (a seeded subset per step above it). */
  readonly rows: number;
  readonly encoderLearningRate: number;
  readonly hyperparameterLearningRate: number;
}

/** What {@link DeepKernelFit.finish} returns: the trained pieces of a Starlight. */
export interface DeepKernelResult {
  /** Owned by the caller from here on. */
  readonly encoder: DenseNetwork;
  readonly gps: { readonly cycles: LatentGp; readonly energy: LatentGp };
  readonly state: { readonly cycles: LatentGpState; readonly energy: LatentGpState };
  readonly latentMean: Float64Array;
  readonly latentStd: Float64Array;
  /** Mean per-row log marginal likelihood of both GPs after the fit. */
  readonly logMarginalLikelihoodPerRow: number;
}

export class DeepKernelFit {
  readonly n: number;
  readonly d: number;
  readonly encoder: DenseNetwork;
  readonly latentMean: Float64Array;
  readonly latentStd: Float64Array;
  /** Normalised residual targets and the statistics they were normalised with. */
  readonly targets: Readonly<Record<GpTarget, { readonly ys: Float64Array; readonly mean: number; readonly std: number }>>;
  /** Packed log hyperparameters per target (see `packHyperparameters`); set by {@link fitHyperparameters}. */
  private readonly theta: Record<GpTarget, Float64Array>;
  private readonly x: tf.Tensor2D;
  /** Latents of the starting encoder, `n × d`. */
  private readonly initialLatent: Float64Array;
  private finished = false;

  constructor(private readonly start: DeepKernelStart, private readonly table: LayerTable, private readonly rng: Random) {
    this.n = table.rows;
    this.d = start.low.latentDim;
    this.encoder = DenseNetwork.fromWeights('encoder', starlightLowWidths(start.low).encoder, start.encoderWeights);
    this.x = standardiseFeatures(start.low, table.features, table.rows);
    this.initialLatent = this.latent();
    const statistics = start.latent
      ? { mean: Float64Array.from(start.latent.mean), std: Float64Array.from(start.latent.std) }
      : columnStatistics(this.initialLatent, this.n, this.d);
    this.latentMean = statistics.mean;
    this.latentStd = statistics.std;
    const normalise = (t: GpTarget) => {
      const key = TARGET_KEY[t];
      const r = Float64Array.from(table.targets[key], (v, i) => v - table.prior[key][i]);
      const [mean, std] = seriesStatistics(r);
      return { ys: Float64Array.from(r, (v) => Math.fround((v - mean) / std)), mean, std };
    };
    this.targets = { cycles: normalise('cycles'), energy: normalise('energy') };
    const d = this.d;
    this.theta = { cycles: new Float64Array(d + 2), energy: new Float64Array(d + 2) };
  }

  /** Latent means μ of the rows (all, or `rows`) under the current encoder, `rows × d`. */
  private latent(rows?: tf.Tensor1D): Float64Array {
    const d = this.d;
    return Float64Array.from(tf.tidy(() => {
      const xs = rows ? tf.gather(this.x, rows) : this.x;
      return tf.slice(this.encoder.apply(xs), [0, 0], [-1, d]).dataSync();
    }));
  }

  private standardiseLatent(z: Float64Array): Float64Array {
    const d = this.d;
    return z.map((v, k) => (v - this.latentMean[k % d]) / this.latentStd[k % d]);
  }

  /** A seeded subset of `size` rows in ascending order, or null when every row fits. */
  private subset(size: number, label: string): number[] | null {
    if (this.n <= size) return null;
    return this.rng.fork(label).shuffle(Array.from({ length: this.n }, (_, i) => i)).slice(0, size).sort((a, b) => a - b);
  }

  /** Step 1: both GPs' hyperparameters by marginal likelihood on the starting encoder's latents. */
  fitHyperparameters(step: HyperparameterStep): void {
    const d = this.d;
    const rows = this.subset(step.rows, 'hyperparameter-rows');
    const m = rows ? rows.length : this.n;
    const zs = pickRows(this.standardiseLatent(this.initialLatent), rows, d);
    GP_TARGETS.forEach((t, k) => {
      const initial = step.initial?.[t];
      this.theta[t] = packHyperparameters(fitHyperparameters(zs, pickRows(this.targets[t].ys, rows, 1), m, d, {
        seed: step.seed + k, restarts: step.restarts, iterations: step.iterations,
        initial: initial && {
          logLengthscales: Float64Array.from(initial.logLengthscales), logSignalVariance: initial.logSignalVariance, logNoiseVariance: initial.logNoiseVariance,
        },
      }).hyperparameters);
    });
  }

  /** A target's GP state from its current hyperparameters. */
  state(t: GpTarget): LatentGpState {
    const h = unpackHyperparameters(this.theta[t]);
    return {
      logLengthscales: Array.from(h.logLengthscales), logSignalVariance: h.logSignalVariance, logNoiseVariance: h.logNoiseVariance,
      residualMean: this.targets[t].mean, residualStd: this.targets[t].std,
    };
  }

  /** Held-out mean absolute error of the residuals, ln cycles plus ln energy, of GPs conditioned on the current encoder. */
  validationError(validation: LayerTable): number {
    const d = this.d;
    const zs = Float64Array.from(this.standardiseLatent(this.latent()), Math.fround);
    const zv = tf.tidy(() => {
      const xv = standardiseFeatures(this.start.low, validation.features, validation.rows);
      const mu = tf.slice(this.encoder.apply(xv), [0, 0], [-1, d]);
      return tf.div(tf.sub(mu, tf.tensor1d(Float32Array.from(this.latentMean))), tf.tensor1d(Float32Array.from(this.latentStd))) as tf.Tensor2D;
    });
    let error = 0;
    for (const t of GP_TARGETS) {
      const gp = new LatentGp(zs, this.targets[t].ys, this.n, d, this.state(t));
      const mean = tf.tidy(() => gp.predict(zv).mean.dataSync() as Float32Array);
      gp.dispose();
      const key = TARGET_KEY[t];
      for (let r = 0; r < validation.rows; r++) {
        error += Math.abs(validation.targets[key][r] - validation.prior[key][r] - mean[r]) / validation.rows;
      }
    }
    zv.dispose();
    return error;
  }

  /**
   * Step 2: `steps` joint steps — Adam ascent of both GPs' summed log marginal likelihood in the
   * hyperparameters, and descent of −LML/m in the encoder weights through its analytic input
   * gradient. Calls `afterStep(step)` after each.
   * @returns the mean per-row log marginal likelihood before each step.
   */
  fineTune(steps: number, options: FineTuneStep, afterStep?: (step: number) => void): number[] {
    const { n, d } = this;
    const optimizer = tf.train.adam(options.encoderLearningRate);
    const adam = { cycles: { m: new Float64Array(d + 2), v: new Float64Array(d + 2) }, energy: { m: new Float64Array(d + 2), v: new Float64Array(d + 2) } };
    const stepRng = this.rng.fork('fine-tune-rows');
    const perRow: number[] = [];
    try {
      for (let step = 1; step <= steps; step++) {
        const rows = n <= options.rows ? null : stepRng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, options.rows).sort((a, b) => a - b);
        const rowTensor = rows ? tf.tensor1d(rows, 'int32') : undefined;
        const m = rows ? rows.length : n;
        const zs = this.standardiseLatent(this.latent(rowTensor));
        const gradient = new Float64Array(m * d);
        let value = 0;
        for (const t of GP_TARGETS) {
          const ml = marginalLikelihood(zs, pickRows(this.targets[t].ys, rows, 1), m, d, unpackHyperparameters(this.theta[t]), true, true);
          value += ml.value;
          for (let k = 0; k < gradient.length; k++) gradient[k] += ml.inputGradient![k];
          adamAscent(this.theta[t], ml.gradient!, adam[t], step, options.hyperparameterLearningRate);
          clampTheta(this.theta[t], d);
        }
        perRow.push(value / m);
        // Descent on −LML/m: upstream gradient of the latent μ is −∂LML/∂zs / (m · std).
        const upstream = Float32Array.from(gradient, (g, k) => -g / (m * this.latentStd[k % d]));
        tf.tidy(() => {
          const c = tf.tensor2d(upstream, [m, d]);
          const xs = rowTensor ? tf.gather(this.x, rowTensor) : this.x;
          optimizer.minimize(() => tf.sum(tf.mul(tf.slice(this.encoder.apply(xs), [0, 0], [-1, d]), c)) as tf.Scalar, false, this.encoder.variables);
        });
        rowTensor?.dispose();
        afterStep?.(step);
      }
    } finally {
      optimizer.dispose();
    }
    return perRow;
  }

  /** Step 3: both GPs conditioned on every row with the current encoder; the encoder passes to the caller. */
  finish(varianceRows: number): DeepKernelResult {
    const { n, d } = this;
    const zs = Float64Array.from(this.standardiseLatent(this.latent()), Math.fround);
    this.x.dispose();
    this.finished = true;
    const state = { cycles: this.state('cycles'), energy: this.state('energy') };
    const gps = {
      cycles: new LatentGp(zs, this.targets.cycles.ys, n, d, state.cycles, varianceRows),
      energy: new LatentGp(zs, this.targets.energy.ys, n, d, state.energy, varianceRows),
    };
    return {
      encoder: this.encoder, gps, state, latentMean: this.latentMean, latentStd: this.latentStd,
      logMarginalLikelihoodPerRow: (gps.cycles.logMarginalLikelihood + gps.energy.logMarginalLikelihood) / n,
    };
  }

  /** Frees the tensors of an abandoned fit (after {@link finish}, nothing is left to free). */
  dispose(): void {
    if (this.finished) return;
    this.finished = true;
    this.x.dispose();
    this.encoder.dispose();
  }
}

/** Rows `rows` (all when null) of a row-major matrix of `width` columns. */
function pickRows(values: Float64Array, rows: readonly number[] | null, width: number): Float64Array {
  if (!rows) return values;
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, k) => out.set(values.subarray(r * width, (r + 1) * width), k * width));
  return out;
}

/** One Adam ascent step on `theta` in place (bias-corrected; β = 0.9, 0.999). */
function adamAscent(theta: Float64Array, g: Float64Array, s: { m: Float64Array; v: Float64Array }, t: number, rate: number): void {
  for (let i = 0; i < theta.length; i++) {
    s.m[i] = 0.9 * s.m[i] + 0.1 * g[i];
    s.v[i] = 0.999 * s.v[i] + 0.001 * g[i] * g[i];
    theta[i] += (rate * s.m[i] / (1 - 0.9 ** t)) / (Math.sqrt(s.v[i] / (1 - 0.999 ** t)) + 1e-8);
  }
}
