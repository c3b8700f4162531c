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
 * Units: GP inputs are latents standardised with fixed per-dimension statistics, followed by the
 * hardware in octaves (kernel-inputs.ts); GP targets are the residuals ln(truth) − ln(analytical
 * prior), divided by their root mean square over the rows and not centred — the GPs' prior mean is
 * zero, i.e. the analytical answer.
 */
import type { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';
import { clampTheta, fitHyperparameters } from '../gp/fit-hyperparameters.js';
import { marginalLikelihood, packHyperparameters, unpackHyperparameters } from '../gp/marginal-likelihood.js';
import { DenseNetwork, type NamedWeights } from '../model/dense-network.js';
import { type LayerTable, type LogTargets, columnStatistics, seriesStatistics } from '../model/layer-table.js';
import { type StarlightLowMetadata, standardiseFeatures, starlightLowWidths } from '../low/starlight-low.js';
import { hardwareColumns, hardwareDims, initialKernelHyperparameters, kernelBounds, kernelInputs } from './kernel-inputs.js';
import { LatentGp, type LatentGpState } from './latent-gp.js';
import type { ThetaBounds } from '../gp/fit-hyperparameters.js';

/** The two GP targets. */
export const GP_TARGETS = ['cycles', 'energy'] as const;
export type GpTarget = (typeof GP_TARGETS)[number];

export const TARGET_KEY: Readonly<Record<GpTarget, keyof LogTargets>> = { cycles: 'logCycles', energy: 'logEnergy' };

/** What a fit starts from. */
export interface DeepKernelStart {
  /** Encoder architecture and feature standardisation. */
  readonly low: Pick<StarlightLowMetadata, 'cols' | 'hidden' | 'latentDim' | 'featureMean' | 'featureStd'>;
  /** Encoder weights to start from (copied into a new network). */
  readonly encoderWeights: NamedWeights;
  /** Fixed latent standardisation (an update keeps the model's); from the rows' latents when absent. */
  readonly latent?: { readonly mean: ArrayLike<number>; readonly std: ArrayLike<number> };
  /**
   * Hardware columns in the kernel's inputs (see kernel-inputs.ts); default
   * {@link hardwareDims} of the rows' width. An update keeps its model's (0 for models saved
   * before the hardware was a kernel input).
   */
  readonly hardwareDims?: number;
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
  /** Latent width. */
  readonly d: number;
  /** Hardware columns of the kernel's inputs (0 or 3). */
  readonly h: number;
  /** The kernel's input width, d + h. */
  readonly width: number;
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
  /** The rows' hardware columns, `n × h` (octaves). */
  private readonly hardware: Float64Array;
  private readonly bounds: ThetaBounds;
  private finished = false;

  constructor(private readonly start: DeepKernelStart, private readonly table: LayerTable, private readonly rng: Random) {
    this.n = table.rows;
    this.d = start.low.latentDim;
    this.h = start.hardwareDims ?? hardwareDims(table.cols);
    if (this.h > hardwareDims(table.cols)) throw new RangeError(`DeepKernelFit: ${this.h} hardware kernel inputs asked of ${table.cols}-wide feature rows`);
    this.width = this.d + this.h;
    this.hardware = hardwareColumns(table.features, table.rows, table.cols).subarray(0, table.rows * this.h);
    this.bounds = kernelBounds(this.d, this.h);
    this.encoder = DenseNetwork.fromWeights('encoder', starlightLowWidths(start.low).encoder, start.encoderWeights);
    this.x = standardiseFeatures(start.low, table.features, table.rows);
    this.initialLatent = this.latent();
    const statistics = start.latent
      ? { mean: Float64Array.from(start.latent.mean), std: Float64Array.from(start.latent.std) }
      : columnStatistics(this.initialLatent, this.n, this.d);
    this.latentMean = statistics.mean;
    this.latentStd = statistics.std;
    // Zero prior mean on the residual: scaled by its root mean square, not centred, so that
    // far from every training row the prediction is the analytical answer itself.
    const normalise = (t: GpTarget) => {
      const key = TARGET_KEY[t];
      const r = Float64Array.from(table.targets[key], (v, i) => v - table.prior[key][i]);
      const [mean, std] = seriesStatistics(r);
      const rms = Math.max(1e-6, Math.sqrt(mean * mean + std * std));
      return { ys: Float64Array.from(r, (v) => Math.fround(v / rms)), mean: 0, std: rms };
    };
    this.targets = { cycles: normalise('cycles'), energy: normalise('energy') };
    this.theta = { cycles: new Float64Array(this.width + 2), energy: new Float64Array(this.width + 2) };
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

  /** Kernel inputs `[standardised latent | hardware]` of `rows` (all when null) from their latents (`m × d`). */
  private inputs(standardisedLatent: Float64Array, rows: readonly number[] | null): Float64Array {
    const m = rows ? rows.length : this.n;
    return kernelInputs(standardisedLatent, pickRows(this.hardware, rows, this.h), m, this.d, this.h);
  }

  /** Step 1: both GPs' hyperparameters by marginal likelihood on the starting encoder's latents. */
  fitHyperparameters(step: HyperparameterStep): void {
    const { d, h, width } = this;
    const rows = this.subset(step.rows, 'hyperparameter-rows');
    const m = rows ? rows.length : this.n;
    const zs = this.inputs(pickRows(this.standardiseLatent(this.initialLatent), rows, d), rows);
    GP_TARGETS.forEach((t, k) => {
      const warm = step.initial?.[t];
      if (warm && warm.logLengthscales.length !== width) {
        throw new RangeError(`DeepKernelFit: the warm start has ${warm.logLengthscales.length} lengthscales, the kernel reads ${width} inputs`);
      }
      if (warm && step.iterations === 0 && step.restarts === 0) {
        // Nothing to fit: keep the warm start (projected onto the bounds).
        this.theta[t] = packHyperparameters({ logLengthscales: Float64Array.from(warm.logLengthscales), logSignalVariance: warm.logSignalVariance, logNoiseVariance: warm.logNoiseVariance });
        clampTheta(this.theta[t], width, this.bounds);
        return;
      }
      this.theta[t] = packHyperparameters(fitHyperparameters(zs, pickRows(this.targets[t].ys, rows, 1), m, width, {
        seed: step.seed + k, restarts: step.restarts, iterations: step.iterations, bounds: this.bounds,
        initial: warm
          ? { logLengthscales: Float64Array.from(warm.logLengthscales), logSignalVariance: warm.logSignalVariance, logNoiseVariance: warm.logNoiseVariance }
          : initialKernelHyperparameters(d, h),
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

  /**
   * GP residual predictions (natural-log units) on `validation` rows with GPs conditioned on the
   * current encoder, with the final model's variance and inducing rows (so that a calibration
   * fitted on them fits the model it is kept with): per target the mean and σ of ln(truth) − ln(prior), each of length
   * `validation.rows`.
   */
  validationResiduals(
    validation: LayerTable, rows: { readonly varianceRows: number; readonly inducingRows: number },
  ): Record<GpTarget, { readonly mean: Float32Array; readonly std: Float32Array }> {
    const { d, h, width } = this;
    const zs = Float64Array.from(this.inputs(this.standardiseLatent(this.latent()), null), Math.fround);
    const latentV = tf.tidy(() => {
      const xv = standardiseFeatures(this.start.low, validation.features, validation.rows);
      return tf.slice(this.encoder.apply(xv), [0, 0], [-1, d]).dataSync();
    });
    const hardwareV = hardwareColumns(validation.features, validation.rows, validation.cols).subarray(0, validation.rows * h);
    const zv = tf.tensor2d(Float32Array.from(kernelInputs(this.standardiseLatent(Float64Array.from(latentV)), hardwareV, validation.rows, d, h)), [validation.rows, width]);
    const out = {} as Record<GpTarget, { mean: Float32Array; std: Float32Array }>;
    for (const t of GP_TARGETS) {
      const gp = new LatentGp(zs, this.targets[t].ys, this.n, width, this.state(t), rows.varianceRows, rows.inducingRows);
      out[t] = tf.tidy(() => {
        const p = gp.predict(zv);
        return { mean: p.mean.dataSync() as Float32Array, std: p.std.dataSync() as Float32Array };
      });
      gp.dispose();
    }
    zv.dispose();
    return out;
  }

  /**
   * Step 2: `steps` joint steps — Adam ascent of both GPs' summed log marginal likelihood in the
   * hyperparameters, and descent of −LML/m in the encoder weights through its analytic input
   * gradient. Calls `afterStep(step)` after each.
   * @returns the mean per-row log marginal likelihood before each step.
   */
  fineTune(steps: number, options: FineTuneStep, afterStep?: (step: number) => void): number[] {
    const { n, d, width } = this;
    const optimizer = tf.train.adam(options.encoderLearningRate);
    const moments = () => ({ m: new Float64Array(width + 2), v: new Float64Array(width + 2) });
    const adam = { cycles: moments(), energy: moments() };
    const stepRng = this.rng.fork('fine-tune-rows');
    const perRow: number[] = [];
    try {
      for (let step = 1; step <= steps; step++) {
        const rows = n <= options.rows ? null : stepRng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, options.rows).sort((a, b) => a - b);
        const rowTensor = rows ? tf.tensor1d(rows, 'int32') : undefined;
        const m = rows ? rows.length : n;
        const zs = this.inputs(this.standardiseLatent(this.latent(rowTensor)), rows);
        // ∂LML/∂(latent) only: the hardware columns are data, not the encoder's output.
        const gradient = new Float64Array(m * d);
        let value = 0;
        for (const t of GP_TARGETS) {
          const ml = marginalLikelihood(zs, pickRows(this.targets[t].ys, rows, 1), m, width, unpackHyperparameters(this.theta[t]), true, true);
          value += ml.value;
          for (let r = 0; r < m; r++) for (let j = 0; j < d; j++) gradient[r * d + j] += ml.inputGradient![r * width + j];
          adamAscent(this.theta[t], ml.gradient!, adam[t], step, options.hyperparameterLearningRate);
          clampTheta(this.theta[t], width, this.bounds);
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
  finish(varianceRows: number, inducingRows = Number.POSITIVE_INFINITY): DeepKernelResult {
    const { n, width } = this;
    const zs = Float64Array.from(this.inputs(this.standardiseLatent(this.latent()), null), Math.fround);
    this.x.dispose();
    this.finished = true;
    const state = { cycles: this.state('cycles'), energy: this.state('energy') };
    const gps = {
      cycles: new LatentGp(zs, this.targets.cycles.ys, n, width, state.cycles, varianceRows, inducingRows),
      energy: new LatentGp(zs, this.targets.energy.ys, n, width, state.energy, varianceRows, inducingRows),
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
