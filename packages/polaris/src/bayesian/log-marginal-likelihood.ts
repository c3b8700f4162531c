import { choleskySolve, choleskyWithJitter, inverseFromCholesky, logDeterminant } from './cholesky.js';
import {
  inverseLengthscales, matern52, matern52Slope, observationCovariance, unpackHyperparameters,
} from './matern52-kernel.js';

/** The log marginal likelihood of a GP at θ and its gradient with respect to θ. */
export interface LikelihoodValue {
  /** ln p(y | X, θ), nats. */
  readonly value: number;
  /** ∂ ln p / ∂θ, length d + 2 (θ packed as in matern52-kernel.ts); absent when not asked for. */
  readonly gradient?: Float64Array;
}

/**
 * ln p(y | X, θ) = −½ yᵀK⁻¹y − ½ ln det K − (n/2) ln 2π with K = k(X, X) + σn²I, and its
 * analytic gradient ∂/∂θ_j = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_j), α = K⁻¹y.
 *
 * @param x n×d row-major encoded inputs.
 * @param y n targets (standardised).
 * @param theta packed hyperparameters, length d + 2.
 * @throws NotPositiveDefiniteError when K cannot be factorised even with jitter.
 */
export function logMarginalLikelihood(
  x: Float64Array, n: number, d: number, y: Float64Array, theta: ArrayLike<number>, withGradient = true,
): LikelihoodValue {
  const hp = unpackHyperparameters(theta, d);
  const factor = choleskyWithJitter(observationCovariance(x, n, hp), n);
  const alpha = choleskySolve(factor, y);
  let fit = 0;
  for (let i = 0; i < n; i++) fit += y[i] * alpha[i];
  const value = -0.5 * fit - 0.5 * logDeterminant(factor) - 0.5 * n * Math.log(2 * Math.PI);
  if (!withGradient) return { value };

  // W = ααᵀ − K⁻¹; each gradient entry is ½ Σ_ij W_ij ∂K_ij/∂θ.
  const w = inverseFromCholesky(factor);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i * n + j] = alpha[i] * alpha[j] - w[i * n + j];
  const gradient = new Float64Array(d + 2);
  const inverse = inverseLengthscales(hp);
  const scaled = new Float64Array(d);
  let signalSum = 0;
  let noiseSum = 0;
  for (let i = 0; i < n; i++) {
    signalSum += w[i * n + i] * hp.signalVariance;
    noiseSum += w[i * n + i] * hp.noiseVariance;
    for (let j = 0; j < i; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const t = (x[i * d + k] - x[j * d + k]) * inverse[k];
        scaled[k] = t * t;
        r2 += scaled[k];
      }
      const r = Math.sqrt(r2);
      const wij = w[i * n + j]; // the (j, i) entry is equal: count the pair twice
      signalSum += 2 * wij * hp.signalVariance * matern52(r);
      const slope = 2 * wij * hp.signalVariance * matern52Slope(r);
      for (let k = 0; k < d; k++) gradient[k] += slope * scaled[k];
    }
  }
  for (let k = 0; k < d; k++) gradient[k] *= 0.5;
  gradient[d] = 0.5 * signalSum;
  gradient[d + 1] = 0.5 * noiseSum;
  return { value, gradient };
}
