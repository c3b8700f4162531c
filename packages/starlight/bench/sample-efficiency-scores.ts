/**
 * Scores of the sample-efficiency benchmark: one prediction against the held-out samples
 * (Spearman ρ, MAPE, σ coverage), the median over seeds per model × n, DOSA's best, and the
 * samples each model needs to reach it. Pure: no files, no models.
 */
import { coverage } from '../src/dkl/calibration.js';
import { type DatasetSample, meanAbsolutePercentageError, spearman } from '../src/index.js';

export const METRIC_TARGETS = ['cycles', 'energy', 'edp'] as const;
export type MetricTarget = (typeof METRIC_TARGETS)[number];

/** Predicted natural logs per sample, optionally with a standard deviation (same units). */
export interface ModelPrediction {
  readonly logCycles: Float64Array;
  readonly logEnergy: Float64Array;
  readonly stdLogCycles?: Float64Array;
  readonly stdLogEnergy?: Float64Array;
}

/** Fractions (0..1) of samples whose true ln EDP lies within ±1σ and ±2σ of the predicted ln EDP. */
export interface Coverage {
  readonly within1: number;
  readonly within2: number;
}

/**
 * Accuracy on the held-out split: Spearman ρ (unitless) and MAPE (%) per target; for models with
 * a σ, `edpCoverage` at ±1σ and ±2σ, σ of ln EDP = hypot(σ lnC, σ lnE) (the two logs taken as
 * independent; a calibrated Gaussian gives 0.68 and 0.95).
 */
export type Scores = Record<MetricTarget, { readonly rho: number; readonly mape: number }> & { readonly edpCoverage?: Coverage };

/** Scores of a prediction against the samples' targets (linear units; EDP = cycles × energy per layer). */
export function scorePrediction(prediction: ModelPrediction, samples: readonly DatasetSample[]): Scores {
  const n = samples.length;
  const truth = { cycles: new Float64Array(n), energy: new Float64Array(n), edp: new Float64Array(n) };
  const pred = { cycles: new Float64Array(n), energy: new Float64Array(n), edp: new Float64Array(n) };
  samples.forEach((s, i) => {
    truth.cycles[i] = s.target.cycles;
    truth.energy[i] = s.target.energy;
    truth.edp[i] = s.target.cycles * s.target.energy;
    pred.cycles[i] = Math.exp(prediction.logCycles[i]);
    pred.energy[i] = Math.exp(prediction.logEnergy[i]);
    pred.edp[i] = Math.exp(prediction.logCycles[i] + prediction.logEnergy[i]);
  });
  const out = {} as Record<MetricTarget, { rho: number; mape: number }>;
  for (const t of METRIC_TARGETS) out[t] = { rho: spearman(pred[t], truth[t]), mape: meanAbsolutePercentageError(pred[t], truth[t]) };
  const { stdLogCycles: sc, stdLogEnergy: se } = prediction;
  if (!sc || !se) return out;
  const errors = Float64Array.from(samples, (_, i) => Math.log(truth.edp[i]) - (prediction.logCycles[i] + prediction.logEnergy[i]));
  const [within1, within2] = coverage(errors, Float64Array.from(samples, (_, i) => Math.hypot(sc[i], se[i])));
  return { ...out, edpCoverage: { within1, within2 } };
}

/** Median of the numbers (NaN and null — NaN as JSON stores it — are ignored); NaN when none is left. */
export function median(xs: readonly (number | null)[]): number {
  const s = xs.filter((x): x is number => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The scores of one (model, n, seed) cell, as far as the aggregation needs them. */
export interface ScoredCell {
  readonly model: string;
  readonly n: number;
  readonly seed: number;
  readonly scores: Scores;
  readonly trainMs: number;
}

/** The median over seeds of one model at one n. */
export interface ScoreRow {
  readonly model: string;
  readonly n: number;
  readonly seeds: number;
  readonly median: Scores;
  readonly medianTrainMs: number;
}

/** Medians over seeds per model × n (models in first-seen order, n ascending). */
export function medianRows(cells: readonly ScoredCell[]): ScoreRow[] {
  const rows: ScoreRow[] = [];
  for (const model of new Set(cells.map((c) => c.model))) {
    const mine = cells.filter((c) => c.model === model);
    for (const n of [...new Set(mine.map((c) => c.n))].sort((a, b) => a - b)) {
      const at = mine.filter((c) => c.n === n);
      const med = {} as Record<MetricTarget, { rho: number; mape: number }> & { edpCoverage?: Coverage };
      for (const t of METRIC_TARGETS) med[t] = { rho: median(at.map((c) => c.scores[t].rho)), mape: median(at.map((c) => c.scores[t].mape)) };
      const covered = at.flatMap((c) => (c.scores.edpCoverage ? [c.scores.edpCoverage] : []));
      if (covered.length > 0) med.edpCoverage = { within1: median(covered.map((c) => c.within1)), within2: median(covered.map((c) => c.within2)) };
      rows.push({ model, n, seeds: at.length, median: med, medianTrainMs: median(at.map((c) => c.trainMs)) });
    }
  }
  return rows;
}

/** The best median EDP MAPE and ρ any reference (DOSA) model reaches at any n, and where. */
export interface ReferenceBest {
  readonly edpMape: number;
  readonly edpMapeAt?: { readonly model: string; readonly n: number };
  readonly edpRho: number;
  readonly edpRhoAt?: { readonly model: string; readonly n: number };
}

export function referenceBest(rows: readonly ScoreRow[], referenceModels: readonly string[]): ReferenceBest {
  let best: { edpMape: number; edpMapeAt?: { model: string; n: number }; edpRho: number; edpRhoAt?: { model: string; n: number } } = { edpMape: Number.NaN, edpRho: Number.NaN };
  for (const r of rows) {
    if (!referenceModels.includes(r.model)) continue;
    if (!(r.median.edp.mape >= best.edpMape)) best = { ...best, edpMape: r.median.edp.mape, edpMapeAt: { model: r.model, n: r.n } };
    if (!(r.median.edp.rho <= best.edpRho)) best = { ...best, edpRho: r.median.edp.rho, edpRhoAt: { model: r.model, n: r.n } };
  }
  return best;
}

/** Per model, the smallest n whose median reaches the reference's best EDP MAPE / ρ (null: never). */
export interface Reach {
  readonly model: string;
  readonly mapeN: number | null;
  readonly rhoN: number | null;
}

export function samplesToReach(rows: readonly ScoreRow[], best: ReferenceBest): Reach[] {
  return [...new Set(rows.map((r) => r.model))].map((model) => {
    const mine = rows.filter((r) => r.model === model);
    return {
      model,
      mapeN: mine.find((r) => r.median.edp.mape <= best.edpMape)?.n ?? null,
      rhoN: mine.find((r) => r.median.edp.rho >= best.edpRho)?.n ?? null,
    };
  });
}
