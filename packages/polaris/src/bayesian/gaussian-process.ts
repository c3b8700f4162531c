import { type CholeskyFactor, choleskySolve, choleskyWithJitter, extendCholesky } from './cholesky.js';
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
 * Immutable; {@link at} gives the posterior at fixed points, to which the kriging believer adds.
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
    const { mean, variance } = this.at(points);
    return { mean, variance };
  }

  /** The posterior at m fixed points (m×d row-major), to which believed observations can be added. */
  at(points: Float64Array): PointsPosterior {
    return new PointsPosterior(this.inputs, this.d, this.hyperparameters, this.factor, this.alpha, points);
  }
}

/**
 * The posterior at m fixed points, kept current as the kriging believer adds observations one
 * at a time, each at its posterior mean: the mean never changes, the variance shrinks near them.
 * V = L⁻¹·k(X, points) (n×m) is computed once, O(n²·m); each believed point adds a row to L and
 * to V, O((n+k)² + (n+k)·m) — instead of refactorising and re-solving for every batch member.
 */
export class PointsPosterior implements LatentPosterior {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  /** Rows of V = L⁻¹·k(X', points), one per observation (real, then believed), each of length m. */
  private readonly rows: Float64Array[] = [];

  constructor(
    private inputs: Float64Array,
    private readonly d: number,
    private readonly hp: KernelHyperparameters,
    private factor: CholeskyFactor,
    alpha: Float64Array,
    /** m×d row-major. */
    private readonly points: Float64Array,
  ) {
    const n = factor.n;
    const m = points.length / d;
    const cross = crossKernel(inputs, n, points, m, hp); // n×m
    this.mean = new Float64Array(m);
    this.variance = new Float64Array(m).fill(hp.signalVariance);
    const l = factor.lower;
    for (let i = 0; i < n; i++) {
      const row = cross.slice(i * m, (i + 1) * m);
      for (let c = 0; c < m; c++) this.mean[c] += alpha[i] * row[c];
      this.addRow(row, l.subarray(i * n, i * n + i + 1));
    }
  }

  /** Adds an observation at `point` (length d, encoded) equal to its posterior mean. */
  believe(point: Float64Array): void {
    const { d, hp } = this;
    const m = this.mean.length;
    const size = this.factor.n;
    const column = crossKernel(this.inputs, size, point, 1, hp);
    this.factor = extendCholesky(this.factor, column, hp.signalVariance + hp.noiseVariance);
    const n1 = size + 1;
    this.addRow(crossKernel(point, 1, this.points, m, hp), this.factor.lower.subarray(size * n1, size * n1 + n1));
    const grown = new Float64Array(this.inputs.length + d);
    grown.set(this.inputs);
    grown.set(point, this.inputs.length);
    this.inputs = grown;
  }

  /**
   * Forward substitution of one row of V: `row` (k(x_r, points), length m) minus Σ_k L_rk·V_k,
   * divided by L_rr, where `factorRow` is row r of L up to its diagonal; then σ² −= row².
   */
  private addRow(row: Float64Array, factorRow: Float64Array): void {
    const r = factorRow.length - 1;
    for (let k = 0; k < r; k++) {
      const lrk = factorRow[k];
      const earlier = this.rows[k];
      for (let c = 0; c < row.length; c++) row[c] -= lrk * earlier[c];
    }
    const pivot = factorRow[r];
    for (let c = 0; c < row.length; c++) {
      row[c] /= pivot;
      this.variance[c] = Math.max(0, this.variance[c] - row[c] * row[c]);
    }
    this.rows.push(row);
  }
}
