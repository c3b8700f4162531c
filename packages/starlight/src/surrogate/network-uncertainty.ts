/**
 * Uncertainty of a network's totals from the per-layer lognormal predictions of a surrogate.
 *
 * A surrogate predicts each unique layer's cycles (and energy) as a lognormal: ln X_i ~ N(μ_i, σ_i²).
 * The network total is S = Σ_i c_i·X_i with c_i the layer's repeat count. The repeats of one
 * layer share one prediction, so they are perfectly correlated (the term is c_i·X_i, not a sum of
 * c_i independent copies); distinct unique layers are taken as independent.
 *
 * S is not lognormal, but Fenton–Wilkinson moment matching approximates it by the lognormal with
 * the same mean and variance:
 *
 *   E[X_i]   = exp(μ_i + σ_i²/2)
 *   Var[X_i] = (exp(σ_i²) − 1)·E[X_i]²
 *   E[S]     = Σ c_i·E[X_i],     Var[S] = Σ c_i²·Var[X_i]
 *   σ_S²     = ln(1 + Var[S]/E[S]²),   μ_S = ln E[S] − σ_S²/2
 *
 * Network EDP = S_cycles·S_energy; taking the two totals' errors as independent,
 * σ(ln EDP)² = σ²(ln S_cycles) + σ²(ln S_energy).
 */
import type { LayerPredictions, LogPredictions, NetworkPredictions, Prediction } from '@polaris/core';

/** One term c·X of a sum, X lognormal with ln X ~ N(logMean, logStd²). */
export interface LognormalTerm {
  /** Multiplier c ≥ 0 (a layer's repeat count). */
  readonly weight: number;
  readonly logMean: number;
  readonly logStd: number;
}

/** The lognormal matched to a sum's first two moments. */
export interface LognormalSum {
  /** μ_S of the matched lognormal. */
  readonly logMean: number;
  /** σ_S of the matched lognormal. */
  readonly logStd: number;
  /** E[S]. */
  readonly mean: number;
}

/**
 * Fenton–Wilkinson: the lognormal with the mean and variance of Σ weight·X over independent
 * lognormal terms. Computed relative to the largest term so large log-means do not overflow.
 * @throws RangeError for no terms, a negative or non-finite weight or σ, or a zero total weight.
 */
export function fentonWilkinson(terms: readonly LognormalTerm[]): LognormalSum {
  if (terms.length === 0) throw new RangeError('fentonWilkinson: no terms');
  for (const [i, t] of terms.entries()) {
    if (!(t.weight >= 0) || !Number.isFinite(t.weight)) throw new RangeError(`fentonWilkinson: term ${i} has weight ${t.weight}; must be finite and ≥ 0`);
    if (!(t.logStd >= 0) || !Number.isFinite(t.logStd)) throw new RangeError(`fentonWilkinson: term ${i} has logStd ${t.logStd}; must be finite and ≥ 0`);
    if (!Number.isFinite(t.logMean)) throw new RangeError(`fentonWilkinson: term ${i} has logMean ${t.logMean}; must be finite`);
  }
  // ln of each term's mean c·E[X]; work with means scaled by exp(−shift).
  const logTermMeans = terms.map((t) => (t.weight > 0 ? Math.log(t.weight) + t.logMean + (t.logStd * t.logStd) / 2 : -Infinity));
  const shift = Math.max(...logTermMeans);
  if (shift === -Infinity) throw new RangeError('fentonWilkinson: every weight is 0');
  let mean = 0;
  let variance = 0;
  terms.forEach((t, i) => {
    const m = Math.exp(logTermMeans[i] - shift);
    mean += m;
    variance += Math.expm1(t.logStd * t.logStd) * m * m;
  });
  const logStd2 = Math.log1p(variance / (mean * mean));
  const logMeanS = Math.log(mean) + shift;
  return { logMean: logMeanS - logStd2 / 2, logStd: Math.sqrt(logStd2), mean: Math.exp(logMeanS) };
}

/** A unique layer's surrogate prediction (natural logs of one execution) and its repeat count. */
export interface LayerLogPrediction {
  readonly count: number;
  readonly logCycles: { readonly mean: number; readonly std: number };
  readonly logEnergy: { readonly mean: number; readonly std: number };
}

/** σ of the network's ln cycles, ln energy and ln EDP. */
export interface NetworkLogStd {
  readonly logCycles: number;
  readonly logEnergy: number;
  readonly logEdp: number;
}

/**
 * σ of ln(network cycles), ln(network energy) and ln(network EDP) from per-layer lognormal
 * predictions, by {@link fentonWilkinson} over Σ count·cycles and Σ count·energy (independent
 * unique layers), then σ_lnEDP = √(σ²_lnC + σ²_lnE).
 */
export function networkLogStd(layers: readonly LayerLogPrediction[]): NetworkLogStd {
  const cycles = fentonWilkinson(layers.map((l) => ({ weight: l.count, logMean: l.logCycles.mean, logStd: l.logCycles.std })));
  const energy = fentonWilkinson(layers.map((l) => ({ weight: l.count, logMean: l.logEnergy.mean, logStd: l.logEnergy.std })));
  return { logCycles: cycles.logStd, logEnergy: energy.logStd, logEdp: Math.hypot(cycles.logStd, energy.logStd) };
}

/**
 * The network predictions of a batch composed from its per-layer lognormal predictions
 * (`layers`: arrays of `points × layers`, see core's `LayerPredictions`), as the starlight
 * evaluator composes them: per point, the totals are the sums of the layers' medians,
 * ln Σ count·e^μ (so `exp(network.logCycles.mean)` is the evaluator's `Evaluation.cycles`), and
 * their σ that of {@link networkLogStd}; ln EDP's mean is ln Σcycles + ln Σenergy and its σ
 * √(σ²_lnC + σ²_lnE). `counts` are the unique layers' repeat counts, in workload order.
 * @throws RangeError when the arrays are not `points × counts.length`.
 */
export function composeNetworkPrediction(layers: LayerPredictions, counts: readonly number[]): Prediction & { readonly layers: LayerPredictions; readonly network: NetworkPredictions } {
  const width = counts.length;
  if (layers.layers !== width) throw new RangeError(`composeNetworkPrediction: ${layers.layers} layers per point, but ${width} repeat counts`);
  const rows = layers.logCycles.mean.length;
  if (width === 0 ? rows !== 0 : rows % width !== 0) throw new RangeError(`composeNetworkPrediction: ${rows} layer rows is not a whole number of points of ${width} layers`);
  const points = width === 0 ? 0 : rows / width;
  const arrays = () => ({ mean: new Float64Array(points), std: new Float64Array(points) });
  const network = { logCycles: arrays(), logEnergy: arrays() };
  const mean = new Float64Array(points);
  const std = new Float64Array(points);
  for (let p = 0; p < points; p++) {
    const at = (t: LogPredictions, l: number) => ({ mean: t.mean[p * width + l], std: t.std[p * width + l] });
    const terms = counts.map((count, l) => ({ count, logCycles: at(layers.logCycles, l), logEnergy: at(layers.logEnergy, l) }));
    const sigma = networkLogStd(terms);
    network.logCycles.mean[p] = logSumOfMedians(terms.map((t) => [t.count, t.logCycles.mean]));
    network.logEnergy.mean[p] = logSumOfMedians(terms.map((t) => [t.count, t.logEnergy.mean]));
    network.logCycles.std[p] = sigma.logCycles;
    network.logEnergy.std[p] = sigma.logEnergy;
    mean[p] = network.logCycles.mean[p] + network.logEnergy.mean[p];
    std[p] = sigma.logEdp;
  }
  return { mean, std, layers, network };
}

/** ln Σ count·e^logMedian, computed relative to the largest term. */
function logSumOfMedians(terms: readonly (readonly [count: number, logMedian: number])[]): number {
  const logs = terms.map(([count, m]) => (count > 0 ? Math.log(count) + m : -Infinity));
  const shift = Math.max(...logs);
  if (shift === -Infinity) throw new RangeError('composeNetworkPrediction: every repeat count is 0');
  return shift + Math.log(logs.reduce((sum, v) => sum + Math.exp(v - shift), 0));
}
