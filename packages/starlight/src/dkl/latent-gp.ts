/**
 * The exact GP of deep kernel learning, conditioned on latent training inputs, with batched
 * prediction on the tfjs backend.
 *
 * Inputs: standardised latents `z` (`n × d`). Targets: residuals r = ln(truth) − ln(prior),
 * normalised to mean 0, std 1 with the training set's statistics. Kernel: ARD squared
 * exponential (see `gp/ard-kernel.ts`), hyperparameters in those normalised units.
 *
 * Prediction of `m` points costs m·n·d (cross-kernel, one matMul) + m·n (mean) + m·s² (variance,
 * `‖L_S⁻¹k*_S‖²` as one matMul with a precomputed `L_S⁻ᵀ`), all on the active tfjs backend.
 * The mean always uses every training row. The variance is exact when n ≤ `varianceRows`
 * (s = n); above it, it is the posterior variance given the s = `varianceRows` rows a pivoted
 * Cholesky of K picks (greedy: each next row is the one the chosen rows explain least) — an
 * upper bound of the exact variance, since conditioning on fewer observations never shrinks it,
 * and close to it because the chosen rows span the kernel. This keeps σ at m·s² instead of m·n².
 * The standard deviation returned is of an observation (latent variance + noise variance): the
 * noise term is the part of the truth the kernel does not explain, which a search must see.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GpHyperparameters } from '../gp/ard-kernel.js';
import { kernelMatrix, scaleByLengthscales } from '../gp/ard-kernel.js';
import { choleskySolve, choleskyWithJitter, lowerTriangularInverse } from '../gp/cholesky.js';
import { pivotedCholeskyOrder, subsetOfRegressors } from './sparse-gp.js';

/** JSON-serialisable part of a {@link LatentGp} (training inputs/targets are stored as tensors). */
export interface LatentGpState {
  readonly logLengthscales: readonly number[];
  readonly logSignalVariance: number;
  readonly logNoiseVariance: number;
  /** Mean and std of the raw residuals (ln units), used to normalise them. */
  readonly residualMean: number;
  readonly residualStd: number;
}

/** Mean and std of normalised residuals → raw residual mean and std (ln units). */
export interface ResidualPrediction {
  /** Length m. */
  readonly mean: tf.Tensor1D;
  /** Length m, ≥ 0. */
  readonly std: tf.Tensor1D;
}

export class LatentGp {
  /**
   * `(d + 2) × n`: rows 0..d−1 the scaled training inputs (transposed), row d all −½, row d+1
   * `log σf² − ½‖b‖²`, so `[a, ‖a‖², 1] · this` is `log k(a, b)` for every training row b in one
   * matMul (`−½‖a − b‖² = a·b − ½‖a‖² − ½‖b‖²`).
   */
  private readonly logKernelRight: tf.Tensor2D;
  private readonly alpha: tf.Tensor2D;
  private readonly inverseFactorT: tf.Tensor2D;
  private readonly inverseLengthscales: tf.Tensor1D;
  /** The variance rows are the first this-many columns of the cross-kernel. */
  private readonly varianceColumns: number;
  /**
   * Log marginal likelihood of the normalised residuals under the state's hyperparameters
   * (with a sparse mean, that of the subset-of-regressors / DTC model).
   */
  readonly logMarginalLikelihood: number;

  /**
   * @param z standardised latents `n × d` (row-major); @param ys normalised residuals (n).
   */
  /** Training rows behind the variance (all of them when n ≤ varianceRows), ascending. */
  readonly varianceRowIndices: readonly number[];
  /** Training rows behind the mean — all of them when n ≤ inducingRows, else the inducing rows — the variance rows first, each part ascending. */
  readonly meanRowIndices: readonly number[];

  /**
   * @param varianceRows training rows behind σ (see the module comment).
   * @param inducingRows above this many training rows the mean is the subset-of-regressors
   *   (projected-process) mean on that many inducing rows chosen by pivoted Cholesky —
   *   `k*_M (σn² K_MM + K_MN K_NM)⁻¹ K_MN y` — which costs m·M instead of m·n per prediction
   *   and equals the exact mean when M = n. `Infinity` (the default): always exact.
   */
  constructor(
    readonly z: Float64Array, readonly ys: Float64Array, readonly n: number, readonly d: number, readonly state: LatentGpState,
    varianceRows = DEFAULT_VARIANCE_ROWS, inducingRows = Number.POSITIVE_INFINITY,
  ) {
    const h: GpHyperparameters = {
      logLengthscales: Float64Array.from(state.logLengthscales), logSignalVariance: state.logSignalVariance, logNoiseVariance: state.logNoiseVariance,
    };
    const scaled = scaleByLengthscales(z, n, d, h.logLengthscales);
    const k = kernelMatrix(scaled, n, d, Math.exp(h.logSignalVariance));
    const noise = Math.exp(h.logNoiseVariance);
    for (let i = 0; i < n; i++) k[i * n + i] += noise;
    const sparse = n > inducingRows;
    // With a sparse mean, σ comes from (at most) the inducing rows: the cross-kernel is over them only.
    const varianceCount = sparse ? Math.min(varianceRows, inducingRows) : varianceRows;
    const greedy = sparse || n > varianceCount ? pivotedCholeskyOrder(k, n, Math.max(sparse ? inducingRows : 0, n > varianceCount ? varianceCount : 0)) : [];
    // Variance rows: every row, or the first `varianceRows` greedy picks (inside the mean rows when sparse).
    const all = Array.from({ length: n }, (_, i) => i);
    const rows = n <= varianceCount ? all : [...greedy.slice(0, varianceCount)].sort((a, b) => a - b);
    this.varianceRowIndices = rows;
    // Mean rows with the variance rows first, so σ reads the cross-kernel's first s columns (a slice, not a gather).
    const inVariance = new Set(rows);
    const meanRows = [...rows, ...(sparse ? [...greedy.slice(0, inducingRows)].sort((a, b) => a - b) : all).filter((r) => !inVariance.has(r))];
    this.meanRowIndices = meanRows;
    // Mean weights: exact (K + σn²I)⁻¹y, or the inducing rows' subset-of-regressors weights.
    let weights: Float64Array;
    let factor: Float64Array | undefined;
    if (sparse) {
      const sor = subsetOfRegressors(k, n, meanRows, ys, noise);
      weights = sor.weights;
      this.logMarginalLikelihood = sor.logMarginalLikelihood;
    } else {
      factor = choleskyWithJitter(k, n).factor;
      const alpha = choleskySolve(factor, n, ys);
      let lml = -0.5 * n * Math.log(2 * Math.PI);
      for (let i = 0; i < n; i++) lml -= 0.5 * ys[i] * alpha[i] + Math.log(factor[i * n + i]);
      this.logMarginalLikelihood = lml;
      weights = Float64Array.from(meanRows, (r) => alpha[r]);
    }
    const s = rows.length;
    const ks = new Float64Array(s * s);
    for (let a = 0; a < s; a++) for (let b = 0; b < s; b++) ks[a * s + b] = k[rows[a] * n + rows[b]];
    const varianceFactor = s === n && factor ? factor : choleskyWithJitter(ks, s).factor;
    const li = lowerTriangularInverse(varianceFactor, s);
    const m = meanRows.length;
    const right = new Float32Array((d + 2) * m);
    const logSignal = h.logSignalVariance;
    meanRows.forEach((row, b) => {
      let norm = 0;
      for (let i = 0; i < d; i++) {
        right[i * m + b] = scaled[row * d + i];
        norm += scaled[row * d + i] ** 2;
      }
      right[d * m + b] = -0.5;
      right[(d + 1) * m + b] = logSignal - 0.5 * norm;
    });
    this.logKernelRight = tf.tensor2d(right, [d + 2, m]);
    this.alpha = tf.tensor2d(Float32Array.from(weights), [m, 1]);
    // (L⁻¹)ᵀ so that V = K* · L⁻ᵀ has rows (L⁻¹k*)ᵀ.
    this.inverseFactorT = tf.transpose(tf.tensor2d(Float32Array.from(li), [s, s]));
    this.varianceColumns = s;
    this.inverseLengthscales = tf.tensor1d(Float32Array.from(h.logLengthscales, (l) => Math.exp(-l)));
  }

  /**
   * Raw residual mean and std (ln units) at standardised latents `zs` (`m × d`). Call inside `tf.tidy`.
   */
  predict(zs: tf.Tensor2D): ResidualPrediction {
    const signal = Math.exp(this.state.logSignalVariance);
    const noise = Math.exp(this.state.logNoiseVariance);
    const scaled = tf.mul(zs, this.inverseLengthscales);
    const left = tf.concat([scaled, tf.sum(tf.square(scaled), 1, true), tf.onesLike(tf.slice(scaled, [0, 0], [-1, 1]))], 1);
    // One matMul and one exp over the m × n cross-kernel (its elementwise passes dominate on WASM).
    const kStar = tf.exp(tf.matMul(left, this.logKernelRight));
    const meanNorm = tf.reshape(tf.matMul(kStar, this.alpha), [-1]);
    const v = tf.matMul(this.varianceColumns === this.meanRowIndices.length ? kStar : tf.slice(kStar, [0, 0], [-1, this.varianceColumns]), this.inverseFactorT);
    const variance = tf.relu(tf.sub(signal + noise, tf.sum(tf.square(v), 1)));
    const { residualMean, residualStd } = this.state;
    return {
      mean: tf.add(tf.mul(meanNorm, residualStd), residualMean) as tf.Tensor1D,
      std: tf.mul(tf.sqrt(variance), residualStd) as tf.Tensor1D,
    };
  }

  dispose(): void {
    for (const t of [this.logKernelRight, this.alpha, this.inverseFactorT, this.inverseLengthscales]) t.dispose();
  }
}

/** Training rows behind σ by default: exact σ up to this many rows, and the m·s² cost bound above it. */
export const DEFAULT_VARIANCE_ROWS = 64;

export { pivotedCholeskyOrder, pivotedCholeskyRows } from './sparse-gp.js';
