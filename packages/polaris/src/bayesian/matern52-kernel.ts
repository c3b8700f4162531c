/**
 * The ARD Matérn-5/2 kernel on encoded points (rows of a row-major n×d `Float64Array`, each
 * column in the unit interval):
 *
 *   k(a, b) = s² · (1 + √5·r + 5r²/3) · exp(−√5·r),   r² = Σ_d ((a_d − b_d) / ℓ_d)².
 *
 * Hyperparameters travel packed as θ = [ln ℓ_1 … ln ℓ_d, ln s², ln σn²] (length d + 2), so a
 * gradient method can move them freely; lengthscales are in encoded units, the signal and noise
 * variances in units of the standardised target.
 */

const SQRT5 = Math.sqrt(5);

/** Hyperparameters in natural units, unpacked from θ. */
export interface KernelHyperparameters {
  /** ℓ_d per encoded column, length d. */
  readonly lengthscales: Float64Array;
  /** s², the prior variance of the latent function. */
  readonly signalVariance: number;
  /** σn², the observation noise variance. */
  readonly noiseVariance: number;
}

/** Unpacks θ (length d + 2) into natural units. */
export function unpackHyperparameters(theta: ArrayLike<number>, d: number): KernelHyperparameters {
  const lengthscales = new Float64Array(d);
  for (let k = 0; k < d; k++) lengthscales[k] = Math.exp(theta[k]);
  return { lengthscales, signalVariance: Math.exp(theta[d]), noiseVariance: Math.exp(theta[d + 1]) };
}

/** The Matérn-5/2 correlation (1 + √5 r + 5r²/3) e^{−√5 r} at scaled distance r ≥ 0. */
export function matern52(r: number): number {
  const sr = SQRT5 * r;
  return (1 + sr + (sr * sr) / 3) * Math.exp(-sr);
}

/**
 * The factor g(r) = (5/3)(1 + √5 r) e^{−√5 r} with ∂k/∂(ln ℓ_d) = s²·g(r)·(Δ_d/ℓ_d)² and
 * ∂k/∂a_d = −s²·g(r)·Δ_d/ℓ_d² (Δ = a − b). Finite at r = 0, unlike dk/dr / r.
 */
export function matern52Slope(r: number): number {
  const sr = SQRT5 * r;
  return (5 / 3) * (1 + sr) * Math.exp(-sr);
}

/** Scaled distance r between row `i` of `a` and row `j` of `b` (both with d columns). */
export function scaledDistance(a: Float64Array, i: number, b: Float64Array, j: number, inverseLengthscales: Float64Array): number {
  const d = inverseLengthscales.length;
  let sum = 0;
  for (let k = 0; k < d; k++) {
    const t = (a[i * d + k] - b[j * d + k]) * inverseLengthscales[k];
    sum += t * t;
  }
  return Math.sqrt(sum);
}

/** 1/ℓ_d, length d. */
export function inverseLengthscales(hp: KernelHyperparameters): Float64Array {
  return hp.lengthscales.map((l) => 1 / l);
}

/**
 * The cross-covariance matrix between `na` rows of `a` and `nb` rows of `b` (signal only).
 * @returns row-major na×nb.
 */
export function crossKernel(a: Float64Array, na: number, b: Float64Array, nb: number, hp: KernelHyperparameters): Float64Array {
  const inverse = inverseLengthscales(hp);
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) out[i * nb + j] = hp.signalVariance * matern52(scaledDistance(a, i, b, j, inverse));
  }
  return out;
}

/**
 * K + σn²·I for the n rows of `x`: the covariance of noisy observations.
 * @returns row-major n×n, symmetric.
 */
export function observationCovariance(x: Float64Array, n: number, hp: KernelHyperparameters): Float64Array {
  const inverse = inverseLengthscales(hp);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = hp.signalVariance + hp.noiseVariance;
    for (let j = 0; j < i; j++) {
      const value = hp.signalVariance * matern52(scaledDistance(x, i, x, j, inverse));
      out[i * n + j] = value;
      out[j * n + i] = value;
    }
  }
  return out;
}
