import { type GpHyperparameters, crossKernel, kernelMatrix, scaleByLengthscales } from './ard-kernel.js';
import { choleskySolve, choleskyWithJitter } from './cholesky.js';
import { type HyperparameterFitOptions, defaultHyperparameters, fitHyperparameters } from './fit-hyperparameters.js';
import { marginalLikelihood } from './marginal-likelihood.js';
import { columnStatistics, seriesStatistics } from '../model/layer-table.js';

/** A dense row-major matrix: row r, column c at `data[r * cols + c]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Builds a {@link Matrix} from an array of equal-length rows. */
export function matrixFromRows(rows: readonly ArrayLike<number>[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new RangeError(`matrixFromRows: row ${r} has ${row.length} values, expected ${cols}`);
    for (let c = 0; c < cols; c++) data[r * cols + c] = row[c];
  });
  return { rows: rows.length, cols, data };
}

/** Options of {@link GaussianProcess.fit}. */
export interface GaussianProcessOptions extends HyperparameterFitOptions {
  /** Fit the hyperparameters by marginal likelihood (default true); false keeps `hyperparameters` or the defaults. */
  readonly optimize?: boolean;
  /** Starting / fixed hyperparameters in standardised units (default {@link defaultHyperparameters}). */
  readonly hyperparameters?: GpHyperparameters;
}

/** Posterior of a batch: per point, mean and standard deviation in the targets' units. */
export interface GpPrediction {
  readonly mean: Float64Array;
  /** Standard deviation of the latent function (noise excluded), ≥ 0. */
  readonly std: Float64Array;
}

/** Everything needed to rebuild a fitted GP (plain arrays: JSON-serialisable). */
export interface GaussianProcessState {
  readonly x: number[];
  readonly y: number[];
  readonly rows: number;
  readonly cols: number;
  readonly inputMean: number[];
  readonly inputStd: number[];
  readonly targetMean: number;
  readonly targetStd: number;
  readonly logLengthscales: number[];
  readonly logSignalVariance: number;
  readonly logNoiseVariance: number;
}

/**
 * An exact Gaussian process regressor with an ARD squared-exponential kernel (see
 * `ard-kernel.ts`) and Gaussian noise, constant-zero prior mean on normalised targets.
 *
 * Inputs are standardised per feature (mean 0, std 1; constant features keep std 1) and
 * targets normalised to mean 0, std 1 with the training set's statistics; predictions are
 * mapped back. Lifecycle: {@link GaussianProcess.fit} factorises `K + σn²I` once (n³/3) and
 * keeps `α = K⁻¹y` and the factor; {@link GaussianProcess.predict} costs m·n·d for the
 * cross-kernel plus m·n²/2 for the variances. Measured on this 2-core machine (n = 200,
 * batches of 10,000, mean and σ): d = 100 about 5,000–12,000 points/s, d = 16 about
 * 10,000–25,000 points/s, depending on load (`src/gp/measure-gp-speed.ts`).
 */
export class GaussianProcess {
  private readonly factor: Float64Array;
  private readonly alpha: Float64Array;
  private readonly scaledTrain: Float64Array;

  private constructor(
    /** Standardised training inputs, `n × d`. */
    private readonly x: Float64Array,
    /** Normalised training targets. */
    private readonly y: Float64Array,
    readonly n: number,
    readonly d: number,
    private readonly inputMean: Float64Array,
    private readonly inputStd: Float64Array,
    private readonly targetMean: number,
    private readonly targetStd: number,
    /** In standardised input units and normalised target units. */
    readonly hyperparameters: GpHyperparameters,
  ) {
    this.scaledTrain = scaleByLengthscales(x, n, d, hyperparameters.logLengthscales);
    const k = kernelMatrix(this.scaledTrain, n, d, Math.exp(hyperparameters.logSignalVariance));
    const noise = Math.exp(hyperparameters.logNoiseVariance);
    for (let i = 0; i < n; i++) k[i * n + i] += noise;
    this.factor = choleskyWithJitter(k, n).factor;
    this.alpha = choleskySolve(this.factor, n, y);
  }

  /**
   * Fits a GP to inputs `x` (n × d) and targets `y` (n).
   * @throws RangeError when shapes disagree, n = 0 or a value is not finite.
   */
  static fit(x: Matrix, y: ArrayLike<number>, options: GaussianProcessOptions = {}): GaussianProcess {
    const { rows: n, cols: d } = x;
    if (n === 0) throw new RangeError('GaussianProcess.fit: no training points');
    if (y.length !== n) throw new RangeError(`GaussianProcess.fit: ${n} inputs but ${y.length} targets`);
    if (x.data.some((v) => !Number.isFinite(v)) || Array.from(y).some((v) => !Number.isFinite(v))) {
      throw new RangeError('GaussianProcess.fit: inputs and targets must be finite numbers');
    }
    const { mean: inputMean, std: inputStd } = columnStatistics(x.data, n, d, 1e-12);
    const xs = standardise(x.data, n, d, inputMean, inputStd);
    const [targetMean, targetStd] = seriesStatistics(y, 1e-12);
    const ys = Float64Array.from(y, (v) => (v - targetMean) / targetStd);
    const start = options.hyperparameters ?? defaultHyperparameters(d);
    const hyperparameters = options.optimize === false ? start : fitHyperparameters(xs, ys, n, d, options).hyperparameters;
    return new GaussianProcess(xs, ys, n, d, inputMean, inputStd, targetMean, targetStd, hyperparameters);
  }

  /** Rebuilds a GP from {@link GaussianProcess.state} (no refitting). */
  static fromState(state: GaussianProcessState): GaussianProcess {
    return new GaussianProcess(
      Float64Array.from(state.x), Float64Array.from(state.y), state.rows, state.cols,
      Float64Array.from(state.inputMean), Float64Array.from(state.inputStd), state.targetMean, state.targetStd,
      { logLengthscales: Float64Array.from(state.logLengthscales), logSignalVariance: state.logSignalVariance, logNoiseVariance: state.logNoiseVariance },
    );
  }

  /** Plain-array state for saving. */
  state(): GaussianProcessState {
    return {
      x: Array.from(this.x), y: Array.from(this.y), rows: this.n, cols: this.d,
      inputMean: Array.from(this.inputMean), inputStd: Array.from(this.inputStd),
      targetMean: this.targetMean, targetStd: this.targetStd,
      logLengthscales: Array.from(this.hyperparameters.logLengthscales),
      logSignalVariance: this.hyperparameters.logSignalVariance,
      logNoiseVariance: this.hyperparameters.logNoiseVariance,
    };
  }

  /** Log marginal likelihood of the (normalised) training targets under the current hyperparameters. */
  logMarginalLikelihood(): number {
    return marginalLikelihood(this.x, this.y, this.n, this.d, this.hyperparameters, false).value;
  }

  /**
   * Posterior mean and standard deviation at each row of `x` (m × d), in the targets' units.
   * @throws RangeError when `x` has the wrong number of columns.
   */
  predict(x: Matrix): GpPrediction {
    const { n, d } = this;
    if (x.cols !== d) throw new RangeError(`GaussianProcess.predict: inputs have ${x.cols} features, the GP was fitted on ${d}`);
    const m = x.rows;
    const scaled = scaleByLengthscales(standardise(x.data, m, d, this.inputMean, this.inputStd), m, d, this.hyperparameters.logLengthscales);
    const signal = Math.exp(this.hyperparameters.logSignalVariance);
    const ks = crossKernel(scaled, m, this.scaledTrain, n, d, signal);
    const mean = new Float64Array(m);
    const std = new Float64Array(m);
    // Variances σf² − ‖L⁻¹k*‖², by forward substitution on four test points at a time (each
    // factor entry loaded once feeds four independent sums); `v` holds them interleaved.
    const v = new Float64Array(4 * n);
    const l = this.factor;
    for (let a0 = 0; a0 < m; a0 += 4) {
      const width = Math.min(4, m - a0);
      const o0 = a0 * n;
      // Missing columns of a last partial block repeat the block's first point.
      const o1 = (width > 1 ? a0 + 1 : a0) * n;
      const o2 = (width > 2 ? a0 + 2 : a0) * n;
      const o3 = (width > 3 ? a0 + 3 : a0) * n;
      let q0 = 0;
      let q1 = 0;
      let q2 = 0;
      let q3 = 0;
      for (let i = 0; i < n; i++) {
        const ri = i * n;
        let s0 = ks[o0 + i];
        let s1 = ks[o1 + i];
        let s2 = ks[o2 + i];
        let s3 = ks[o3 + i];
        for (let k = 0; k < i; k++) {
          const lik = l[ri + k];
          const vk = 4 * k;
          s0 -= lik * v[vk];
          s1 -= lik * v[vk + 1];
          s2 -= lik * v[vk + 2];
          s3 -= lik * v[vk + 3];
        }
        const inv = 1 / l[ri + i];
        s0 *= inv;
        s1 *= inv;
        s2 *= inv;
        s3 *= inv;
        v[4 * i] = s0;
        v[4 * i + 1] = s1;
        v[4 * i + 2] = s2;
        v[4 * i + 3] = s3;
        q0 += s0 * s0;
        q1 += s1 * s1;
        q2 += s2 * s2;
        q3 += s3 * s3;
      }
      const q = [q0, q1, q2, q3];
      for (let j = 0; j < width; j++) {
        const a = a0 + j;
        let mu = 0;
        for (let b = 0; b < n; b++) mu += ks[a * n + b] * this.alpha[b];
        mean[a] = this.targetMean + this.targetStd * mu;
        std[a] = this.targetStd * Math.sqrt(Math.max(0, signal - q[j]));
      }
    }
    return { mean, std };
  }
}

function standardise(data: Float64Array, rows: number, d: number, mean: Float64Array, std: Float64Array): Float64Array {
  const out = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) for (let c = 0; c < d; c++) out[r * d + c] = (data[r * d + c] - mean[c]) / std[c];
  return out;
}
