import type { Prediction } from '@polaris/core';

/** Acquisition functions for minimising ln EDP. */
export type AcquisitionKind = 'lcb' | 'ei';

/** How candidates are scored. */
export interface AcquisitionOptions {
  /** `'lcb'`: lower confidence bound μ − κσ; `'ei'`: expected improvement over the best observed. */
  readonly kind: AcquisitionKind;
  /** κ of the lower confidence bound (σ multiples of optimism). */
  readonly kappa: number;
}

/**
 * Acquisition scores, higher is better, of predictions of ln EDP (mean μ and σ, per candidate):
 * LCB scores −(μ − κσ); EI scores E[max(best − f, 0)] = (best − μ)Φ(z) + σφ(z), z = (best − μ)/σ.
 * @param best the lowest ln EDP observed (used by EI).
 * @returns one score per candidate, in ln EDP units.
 */
export function acquisitionScores(prediction: Prediction, options: AcquisitionOptions, best: number): Float64Array {
  const { mean, std } = prediction;
  const scores = new Float64Array(mean.length);
  for (let i = 0; i < mean.length; i++) {
    scores[i] = options.kind === 'lcb' ? -(mean[i] - options.kappa * std[i]) : expectedImprovement(mean[i], std[i], best);
  }
  return scores;
}

/** E[max(best − f, 0)] for f ~ N(mean, std²); max(best − mean, 0) when std = 0. */
export function expectedImprovement(mean: number, std: number, best: number): number {
  const gain = best - mean;
  if (!(std > 0)) return Math.max(0, gain);
  const z = gain / std;
  return Math.max(0, gain * normalCdf(z) + std * normalPdf(z));
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal distribution function Φ(z), through {@link erfc}. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * The complementary error function, Chebyshev fit with fractional error below 1.2e-7
 * everywhere (the classic `erfcc` approximation).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
    + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const value = t * Math.exp(poly);
  return x >= 0 ? value : 2 - value;
}
