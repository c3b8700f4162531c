import { type GpHyperparameters, kernelMatrix, scaleByLengthscales } from './ard-kernel.js';
import { choleskyInverse, choleskySolve, choleskyWithJitter } from './cholesky.js';

/** Log marginal likelihood of a GP on given data and its gradient in the log hyperparameters. */
export interface MarginalLikelihood {
  /** `log p(y | X, θ) = −½ yᵀα − Σ log Lᵢᵢ − n/2 log 2π`. */
  readonly value: number;
  /**
   * `∂ value / ∂θ` with θ = [log ℓ₁ … log ℓ_d, log σf², log σn²] (length d + 2); absent when
   * not asked for.
   */
  readonly gradient?: Float64Array;
  /**
   * `∂ value / ∂x` (`n × d`, row-major, in the units of `x`): what deep kernel learning
   * backpropagates into the feature map. Present only when asked for.
   */
  readonly inputGradient?: Float64Array;
}

/** Packs hyperparameters into θ = [log ℓ…, log σf², log σn²]. */
export function packHyperparameters(h: GpHyperparameters): Float64Array {
  const theta = new Float64Array(h.logLengthscales.length + 2);
  theta.set(h.logLengthscales);
  theta[theta.length - 2] = h.logSignalVariance;
  theta[theta.length - 1] = h.logNoiseVariance;
  return theta;
}

/** Inverse of {@link packHyperparameters}. */
export function unpackHyperparameters(theta: Float64Array): GpHyperparameters {
  return {
    logLengthscales: theta.slice(0, theta.length - 2),
    logSignalVariance: theta[theta.length - 2],
    logNoiseVariance: theta[theta.length - 1],
  };
}

/**
 * Log marginal likelihood of targets `y` (n) at inputs `x` (`n × d`, row-major), and optionally
 * its analytic gradient `½ tr((ααᵀ − K⁻¹) ∂K/∂θⱼ)`. Cost: n³/3 for the factor, plus n³ for
 * `K⁻¹` and n²·d/2 for the lengthscale terms when the gradient is asked for.
 */
export function marginalLikelihood(
  x: Float64Array, y: Float64Array, n: number, d: number, h: GpHyperparameters, withGradient = true, withInputGradient = false,
): MarginalLikelihood {
  const scaled = scaleByLengthscales(x, n, d, h.logLengthscales);
  const signal = Math.exp(h.logSignalVariance);
  const noise = Math.exp(h.logNoiseVariance);
  const kse = kernelMatrix(scaled, n, d, signal);
  const k = new Float64Array(kse);
  for (let i = 0; i < n; i++) k[i * n + i] += noise;
  const { factor } = choleskyWithJitter(k, n);
  const alpha = choleskySolve(factor, n, y);
  let value = -0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value -= 0.5 * y[i] * alpha[i] + Math.log(factor[i * n + i]);
  if (!withGradient) return { value };

  const kinv = choleskyInverse(factor, n);
  const gradient = new Float64Array(d + 2);
  // ∂K_ab/∂x_ai = −K_ab (s_ai − s_bi)/ℓᵢ (s = x/ℓ); both K_ab and K_ba move with x_a, cancelling the ½.
  const inputGradient = withInputGradient ? new Float64Array(n * d) : undefined;
  const invLengthscale = Float64Array.from(h.logLengthscales, (l) => Math.exp(-l));
  let gSignal = 0;
  let gNoise = 0;
  for (let a = 0; a < n; a++) {
    const oa = a * d;
    // Diagonal: W_aa·K_aa contributes to the signal and noise terms; lengthscale terms vanish.
    const waa = alpha[a] * alpha[a] - kinv[a * n + a];
    gSignal += waa * signal;
    gNoise += waa * noise;
    for (let b = 0; b < a; b++) {
      const m = (alpha[a] * alpha[b] - kinv[a * n + b]) * kse[a * n + b];
      gSignal += 2 * m;
      const ob = b * d;
      // ∂K_ab/∂log ℓᵢ = K_ab · (a_i − b_i)²/ℓᵢ²: the pair counts twice (symmetry), times ½.
      for (let i = 0; i < d; i++) {
        const diff = scaled[oa + i] - scaled[ob + i];
        gradient[i] += m * diff * diff;
      }
      if (inputGradient) {
        for (let i = 0; i < d; i++) {
          const g = m * (scaled[oa + i] - scaled[ob + i]) * invLengthscale[i];
          inputGradient[oa + i] -= g;
          inputGradient[ob + i] += g;
        }
      }
    }
  }
  gradient[d] = 0.5 * gSignal;
  gradient[d + 1] = 0.5 * gNoise;
  return inputGradient ? { value, gradient, inputGradient } : { value, gradient };
}
