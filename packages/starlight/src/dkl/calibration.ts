/**
 * Post-hoc calibration of Starlight, fitted on layers held out of a trial fit (the transfer's
 * validation split: whole layers the trial model never saw, so the held-out errors are what a
 * search meets on a new layer) and kept with the saved model:
 *
 * - **Mean shrinkage λ** per target: the prediction is `prior + λ · residual` with λ from
 *   {@link SHRINKAGE_GRID}, the one with the lowest held-out MAPE of that target (λ = 0 is the
 *   analytical answer itself, so on held-out layers Starlight is never chosen worse than its
 *   prior). Ties go to the larger λ.
 * - **σ map** per target: σ ← √((s·σ)² + b²), a scale s and a floor b (sigma-map.ts), the pair
 *   whose held-out ±1σ and ±2σ coverage of the (shrunk) residual lies inside the target bands
 *   and closest to a Gaussian's 0.683 and 0.954. Models saved before the floor have none (b = 0).
 *
 * Both are fitted on one split of 6–13 held-out layers, and that is their largest error: on
 * FireSim (12 transfers, n = 50–400) a σ map fitted on one fold of a 5-fold leave-layers-out
 * split and scored on three others missed ±1σ = 0.683 by 0.106 on average and ±2σ = 0.954 by
 * 0.074; fitted on two folds, by 0.091 and 0.058. More held-out layers need more trial fits
 * (cross-validation in the transfer), not a different fit here.
 *
 * Units: residuals, σ and b in natural-log units of cycles or pJ; λ and s unitless.
 */
import { Random } from '@polaris/core';
import { type LayerTable, selectRows } from '../model/layer-table.js';
import { coverage, fitSigmaMap, mapSigma } from './sigma-map.js';

export { COVERAGE_BANDS, GAUSSIAN_COVERAGE, SIGMA_FLOOR_GRID, SIGMA_SCALE_GRID, coverage, fitSigmaMap, fitSigmaScale, mappedCoverage } from './sigma-map.js';

/** Calibration of one target (ln cycles or ln energy). */
export interface TargetCalibration {
  /** Weight of the GP's residual mean: 0 = the analytical prior, 1 = the GP as fitted. */
  readonly meanShrinkage: number;
  /** Factor on the GP's σ (unitless). */
  readonly sigmaScale: number;
  /**
   * Floor b of the calibrated σ (natural-log units): σ = √((s·σ_GP)² + b²). Absent (models saved
   * before it) = 0, σ = s·σ_GP.
   */
  readonly sigmaFloor?: number;
}

/** What a model keeps: both targets, and the held-out rows and layers it was fitted on. */
export interface StarlightCalibration {
  readonly cycles: TargetCalibration;
  readonly energy: TargetCalibration;
  readonly heldOutRows: number;
  readonly heldOutGroups: number;
  /** Held-out coverage of ln EDP (σ = hypot of the calibrated σs) at ±1σ and ±2σ after calibration. */
  readonly edpCoverage: readonly [number, number];
}

/** A calibrated σ (natural-log units) from the GP's σ of the same target (natural-log units). */
export function calibratedStd(t: TargetCalibration, std: number): number {
  return mapSigma({ scale: t.sigmaScale, floor: t.sigmaFloor ?? 0 }, std);
}

/** The identity: what an uncalibrated model (or one saved before calibration existed) uses. */
export const IDENTITY_CALIBRATION: TargetCalibration = { meanShrinkage: 1, sigmaScale: 1 };

/** See {@link ShrinkageCriterion}. */
export const DEFAULT_SHRINKAGE_CRITERION: ShrinkageCriterion = 'mape';

/** Candidate λ, ascending. */
export const SHRINKAGE_GRID = [0, 0.25, 0.5, 0.75, 1] as const;

/** Held-out predictions of one target: truth and prior (natural logs), GP residual mean and σ. */
export interface HeldOutTarget {
  readonly truth: ArrayLike<number>;
  readonly prior: ArrayLike<number>;
  readonly residualMean: ArrayLike<number>;
  readonly residualStd: ArrayLike<number>;
}

/**
 * What the mean shrinkage λ minimises on the held-out rows: `mape` — the mean absolute
 * percentage error of exp(prior + λ·residual) (the benchmark's and DOSA's metric, which punishes
 * over-prediction hardest); `log-error` — the mean absolute error of ln values (what a search
 * ranking designs by ln EDP sees).
 */
export type ShrinkageCriterion = 'mape' | 'log-error';

/** Held-out error of prior + λ·residual under `criterion`. */
function shrunkError(t: HeldOutTarget, lambda: number, criterion: ShrinkageCriterion): number {
  let sum = 0;
  for (let i = 0; i < t.truth.length; i++) {
    const e = t.prior[i] + lambda * t.residualMean[i] - t.truth[i];
    sum += criterion === 'mape' ? Math.abs(Math.exp(e) - 1) : Math.abs(e);
  }
  return sum / Math.max(1, t.truth.length);
}

/** λ, s and b of one target from its held-out predictions (see the module comment); b is stored only when nonzero. */
export function calibrateTarget(t: HeldOutTarget, criterion: ShrinkageCriterion = DEFAULT_SHRINKAGE_CRITERION): TargetCalibration {
  let meanShrinkage = 1;
  let best = Infinity;
  for (const lambda of SHRINKAGE_GRID) {
    const error = shrunkError(t, lambda, criterion);
    if (error <= best + 1e-12) { best = error; meanShrinkage = lambda; }
  }
  const errors = Float64Array.from(t.truth, (y, i) => y - t.prior[i] - meanShrinkage * t.residualMean[i]);
  const map = fitSigmaMap(errors, t.residualStd);
  return { meanShrinkage, sigmaScale: map.scale, ...(map.floor > 0 ? { sigmaFloor: map.floor } : {}) };
}

/** Both targets' calibration and the EDP coverage it gives on the same held-out rows. */
export function calibrate(
  cycles: HeldOutTarget, energy: HeldOutTarget, heldOutGroups: number, criterion: ShrinkageCriterion = DEFAULT_SHRINKAGE_CRITERION,
): StarlightCalibration {
  const c = calibrateTarget(cycles, criterion);
  const e = calibrateTarget(energy, criterion);
  const n = cycles.truth.length;
  const errors = new Float64Array(n);
  const sigmas = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    errors[i] = cycles.truth[i] - cycles.prior[i] - c.meanShrinkage * cycles.residualMean[i]
      + energy.truth[i] - energy.prior[i] - e.meanShrinkage * energy.residualMean[i];
    sigmas[i] = Math.hypot(calibratedStd(c, cycles.residualStd[i]), calibratedStd(e, energy.residualStd[i]));
  }
  return { cycles: c, energy: e, heldOutRows: n, heldOutGroups, edpCoverage: coverage(errors, sigmas) };
}

/** One fine-tuning checkpoint of the trial fit, scored on the validation rows. */
export interface ScoredCheckpoint {
  readonly step: number;
  /** Held-out mean absolute error of ln cycles plus that of ln energy (natural-log units). */
  readonly error: number;
  readonly cycles: HeldOutTarget;
  readonly energy: HeldOutTarget;
}

/** Residual predictions per target on the validation rows (from `DeepKernelFit.validationResiduals`). */
export type ValidationResiduals = Readonly<Record<'cycles' | 'energy', { readonly mean: ArrayLike<number>; readonly std: ArrayLike<number> }>>;

/** A checkpoint's held-out predictions and its error. */
export function scoreCheckpoint(step: number, validation: LayerTable, residuals: ValidationResiduals): ScoredCheckpoint {
  const target = (key: 'logCycles' | 'logEnergy', r: ValidationResiduals['cycles']): HeldOutTarget => ({
    truth: validation.targets[key], prior: validation.prior[key], residualMean: r.mean, residualStd: r.std,
  });
  const cycles = target('logCycles', residuals.cycles);
  const energy = target('logEnergy', residuals.energy);
  let error = 0;
  for (const t of [cycles, energy]) {
    for (let i = 0; i < validation.rows; i++) error += Math.abs(t.truth[i] - t.prior[i] - t.residualMean[i]) / validation.rows;
  }
  return { step, error, cycles, energy };
}

/**
 * The checkpoint with the lowest held-out error (ties to fewer steps) and, when asked, the
 * calibration fitted on its held-out predictions.
 */
export function chooseCheckpoint(
  scored: readonly ScoredCheckpoint[], validation: LayerTable, withCalibration: boolean, criterion: ShrinkageCriterion = DEFAULT_SHRINKAGE_CRITERION,
): { step: number; calibration: StarlightCalibration | null } {
  if (scored.length === 0) throw new RangeError('chooseCheckpoint: no checkpoint was scored');
  const best = scored.reduce((b, c) => (c.error < b.error - 1e-9 ? c : b));
  const groups = new Set(validation.groups ?? Array.from({ length: validation.rows }, (_, i) => String(i))).size;
  return { step: best.step, calibration: withCalibration ? calibrate(best.cycles, best.energy, groups, criterion) : null };
}

/**
 * Seeded validation split by group (layer): about a fifth of the groups, at least one, held out.
 * Null when there are fewer than 3 groups or fewer than 10 rows would remain to fit.
 */
export function validationSplit(table: LayerTable, seed: number): { fit: LayerTable; validation: LayerTable } | null {
  const groups = table.groups ?? Array.from({ length: table.rows }, (_, i) => String(i));
  const distinct = [...new Set(groups)];
  if (distinct.length < 3) return null;
  const held = new Set(new Random(seed).fork('fine-tune-validation').shuffle(distinct).slice(0, Math.max(1, Math.round(distinct.length / 5))));
  const fit: number[] = [];
  const validation: number[] = [];
  groups.forEach((g, i) => (held.has(g) ? validation : fit).push(i));
  if (fit.length < 10 || validation.length === 0) return null;
  return { fit: selectRows(table, fit), validation: selectRows(table, validation) };
}
