import { type CholeskyFactor, choleskySolve, choleskyWithJitter, extendCholesky, solveLower } from './cholesky.js';
import { type KernelHyperparameters, crossKernel, observationCovariance, unpackHyperparameters } from './matern52-kernel.js';

/** Posterior of the latent function at m points, in the GP's (standardised) target units. */
export interface LatentPosterior {
  /** μ(x), length m. */
  readonly mean: Float64Array;
  /** Var f(x) (without observation noise), length m; ≥ 0. */
  readonly variance: Float64Array;
}

/**
 * An exact Gaussian process posterior with a zero prior mean and the ARD Matérn-5/2 kernel,
 * for fixed hyperparameters: K = k(X, X) + σn²I = L·Lᵀ (Cholesky with jitter), α = K⁻¹y.
 * Immutable; {@link believe} returns a new posterior.
 */
export class GaussianProcess {
  readonly hyperparameters: KernelHyperparameters;

  private constructor(
    /** n×d row-major training inputs (encoded). */
    readonly inputs: Float64Array,
    /** n training targets (standardised). */
    readonly targets: Float64Array,
    readonly d: number,
    /** Packed θ (see matern52-kernel.ts). */
    readonly theta: Float64Array,
    private readonly factor: CholeskyFactor,
    private readonly alpha: Float64Array,
  ) {
    this.hyperparameters = unpackHyperparameters(theta, d);
  }

  /**
   * Conditions the prior on n observations.
   * @param inputs n×d row-major; targets n; theta packed, length d + 2.
   */
  static condition(inputs: Float64Array, targets: Float64Array, d: number, theta: ArrayLike<number>): GaussianProcess {
    const n = targets.length;
    if (inputs.length !== n * d) throw new RangeError(`GaussianProcess: ${inputs.length} input values for ${n} targets of dimension ${d}`);
    const packed = Float64Array.from(theta);
    const factor = choleskyWithJitter(observationCovariance(inputs, n, unpackHyperparameters(packed, d)), n);
    return new GaussianProcess(Float64Array.from(inputs), Float64Array.from(targets), d, packed, factor, choleskySolve(factor, targets));
  }

  /** Number of observations. */
  get size(): number {
    return this.targets.length;
  }

  /** Jitter that was added to K's diagonal to factorise it. */
  get jitter(): number {
    return this.factor.jitter;
  }

  /**
   * Posterior mean and latent variance at m points.
   * @param points m×d row-major encoded points.
   */
  predict(points: Float64Array): LatentPosterior {
    const { d, size: n } = this;
    const m = points.length / d;
    const cross = crossKernel(this.inputs, n, points, m, this.hyperparameters); // n×m
    const mean = new Float64Array(m);
    const variance = new Float64Array(m);
    const column = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      let mu = 0;
      for (let i = 0; i < n; i++) {
        column[i] = cross[i * m + j];
        mu += column[i] * this.alpha[i];
      }
      mean[j] = mu;
      const v = solveLower(this.factor, column);
      let explained = 0;
      for (let i = 0; i < n; i++) explained += v[i] * v[i];
      variance[j] = Math.max(0, this.hyperparameters.signalVariance - explained);
    }
    return { mean, variance };
  }

  /**
   * The kriging believer: the posterior after also observing each of `points` at its current
   * posterior mean. The mean stays the same everywhere; the variance shrinks near `points`.
   * O(k·n²) for k points (the Cholesky factor is extended row by row).
   * @param points k×d row-major encoded points.
   */
  believe(points: Float64Array): GaussianProcess {
    const { d } = this;
    const k = points.length / d;
    if (k === 0) return this;
    const believed = this.predict(points).mean;
    let factor = this.factor;
    let inputs = this.inputs;
    for (let p = 0; p < k; p++) {
      const point = points.subarray(p * d, (p + 1) * d);
      const column = crossKernel(inputs, inputs.length / d, point, 1, this.hyperparameters);
      factor = extendCholesky(factor, column, this.hyperparameters.signalVariance + this.hyperparameters.noiseVariance);
      const grown = new Float64Array(inputs.length + d);
      grown.set(inputs);
      grown.set(point, inputs.length);
      inputs = grown;
    }
    const targets = new Float64Array(this.size + k);
    targets.set(this.targets);
    targets.set(believed, this.size);
    return new GaussianProcess(inputs, targets, d, this.theta, factor, choleskySolve(factor, targets));
  }
}
