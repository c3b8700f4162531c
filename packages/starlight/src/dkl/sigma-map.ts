/**
 * The σ map of Starlight's calibration (calibration.ts) and its fit on held-out errors.
 *
 * σ_cal = √((s·σ)² + b²): a scale s on the GP's σ and a floor b, the smallest σ any prediction
 * gets. Errors on new layers are heavy-tailed relative to the fine-tuned GP's σ (near its
 * training rows the GP is confident, yet a new layer can be off by a factor of 3): one scale then
 * trades ±1σ against ±2σ coverage, while a floor widens the confident rows (where the far-out
 * errors are) and leaves the wide ones nearly alone. b = 0 is the scale alone (so models saved
 * before the floor keep their σ); a small s with b > 0 is nearly a constant σ = b.
 *
 * Measured on FireSim ln cycles (12 transfers, n = 50–400, every training layer held out once
 * by 5-fold leave-layers-out and pooled, fitted and scored on the same rows): the scale alone
 * reached both bands in 10 of 12, this map in 12 of 12 (typically 0.68 / 0.95 against the
 * scale's 0.72 / 0.95). A power map s·σ^p did as well, but needs a reference σ and never gives
 * a minimum σ; a constant σ reached 11 of 12 — the fine-tuned σ says little about a new layer.
 *
 * Units: errors, σ and b in natural-log units (of cycles or pJ); s and coverages unitless.
 */

/** Two-sided coverage of a standard normal at ±1σ and ±2σ. */
export const GAUSSIAN_COVERAGE = [0.6827, 0.9545] as const;

/** The coverage a calibrated σ should reach on held-out layers: ±1σ in [0.60, 0.76], ±2σ in [0.90, 0.98]. */
export const COVERAGE_BANDS = [[0.6, 0.76], [0.9, 0.98]] as const;

/** Candidate σ scales: 1/16 … 64, 2^(1/4) apart (fine-tuned σ has been 20× too small). */
export const SIGMA_SCALE_GRID: readonly number[] = Array.from({ length: 41 }, (_, i) => 2 ** ((i - 16) / 4));

/**
 * Candidate σ floors (natural-log units), ascending: 0, then 0.01 … 2.56 (√2 apart): from a 1 %
 * error to a factor of 13.
 */
export const SIGMA_FLOOR_GRID: readonly number[] = [0, ...Array.from({ length: 17 }, (_, i) => 0.01 * 2 ** (i / 2))];

/**
 * Weight of coverage outside {@link COVERAGE_BANDS} in {@link coverageLoss}, relative to the
 * squared distance to {@link GAUSSIAN_COVERAGE}: 10 makes a fit inside both bands win over one
 * closer to the Gaussian values on one side and outside the band on the other.
 */
export const BAND_WEIGHT = 10;

/** A σ map: scale s (unitless) and floor b (natural-log units; 0 = the scale alone). */
export interface SigmaMap {
  readonly scale: number;
  readonly floor: number;
}

/** σ_cal = √((s·σ)² + b²) in the units of σ (exactly s·σ when b = 0). */
export function mapSigma(map: SigmaMap, sigma: number): number {
  return map.floor === 0 ? map.scale * sigma : Math.hypot(map.scale * sigma, map.floor);
}

/** Fraction of |errors[i]| ≤ k · scale · sigmas[i], for k = 1 and 2 (σ = 0 with error 0 counts as inside). */
export function coverage(errors: ArrayLike<number>, sigmas: ArrayLike<number>, scale = 1): [number, number] {
  let one = 0;
  let two = 0;
  for (let i = 0; i < errors.length; i++) {
    const z = Math.abs(errors[i]) / Math.max(1e-12, scale * sigmas[i]);
    if (z <= 1) one++;
    if (z <= 2) two++;
  }
  const n = Math.max(1, errors.length);
  return [one / n, two / n];
}

/** Coverage at ±1σ and ±2σ of the errors under a σ map. */
export function mappedCoverage(errors: ArrayLike<number>, sigmas: ArrayLike<number>, map: SigmaMap): [number, number] {
  return coverage(errors, Float64Array.from(sigmas, (s) => mapSigma(map, s)));
}

/** Squared distance of (±1σ, ±2σ) coverage to a Gaussian's (unitless). */
function gaussianDistance([c1, c2]: readonly [number, number]): number {
  return (c1 - GAUSSIAN_COVERAGE[0]) ** 2 + (c2 - GAUSSIAN_COVERAGE[1]) ** 2;
}

/** How far a coverage lies outside {@link COVERAGE_BANDS}, summed over ±1σ and ±2σ (0 inside both). */
export function outsideBands(c: readonly [number, number]): number {
  return c.reduce((sum, x, k) => sum + Math.max(0, COVERAGE_BANDS[k][0] - x, x - COVERAGE_BANDS[k][1]), 0);
}

/** What {@link fitSigmaMap} minimises: {@link BAND_WEIGHT} × distance outside the bands + squared distance to the Gaussian values. */
export function coverageLoss(c: readonly [number, number]): number {
  return BAND_WEIGHT * outsideBands(c) + gaussianDistance(c);
}

/**
 * The scale alone whose coverage is closest (squared distance, no band term) to a Gaussian's;
 * ties to the smaller scale. The calibration before the floor; kept as the reference the floor
 * is measured against.
 */
export function fitSigmaScale(errors: ArrayLike<number>, sigmas: ArrayLike<number>): number {
  let best = 1;
  let bestLoss = Infinity;
  for (const s of SIGMA_SCALE_GRID) {
    const loss = gaussianDistance(coverage(errors, sigmas, s));
    if (loss < bestLoss - 1e-12) { bestLoss = loss; best = s; }
  }
  return best;
}

/**
 * How much a floor must lower the {@link coverageLoss} of the best scale alone, times the number
 * of held-out rows, to be kept. On Gaussian errors with σ right up to a scale (where a floor
 * only fits noise) the gain × rows had a 95 % quantile of 0.56 at 100 and 300 rows and a 99 %
 * quantile of 0.83 at 300 rows (200 seeded draws each); on Student-t (5 d.o.f.) errors with a
 * real floor its median was 21 at 100 rows and 83 at 300.
 */
export const FLOOR_MARGIN_ROWS = 1;

/** The best scale for one floor: its loss and the middle of the run of tied scales (grid index). */
function bestScale(errors: ArrayLike<number>, sigmas: ArrayLike<number>, floor: number): { loss: number; map: SigmaMap } {
  const losses = SIGMA_SCALE_GRID.map((scale) => coverageLoss(mappedCoverage(errors, sigmas, { scale, floor })));
  const loss = Math.min(...losses);
  const first = losses.findIndex((l) => l <= loss + 1e-12);
  let last = first;
  while (last + 1 < losses.length && losses[last + 1] <= loss + 1e-12) last++;
  return { loss, map: { scale: SIGMA_SCALE_GRID[Math.round((first + last) / 2)], floor } };
}

/**
 * The σ map (s from {@link SIGMA_SCALE_GRID}, b from `floors`, default {@link SIGMA_FLOOR_GRID})
 * with the lowest {@link coverageLoss} on the held-out errors. Ties go to the smaller floor and,
 * within a floor, to the middle of the run of tied scales (the ends put a held-out error exactly
 * on the ±1σ or ±2σ edge, which new rows then miss half the time). A floor is kept only when it
 * lowers the loss of the best scale alone by more than {@link FLOOR_MARGIN_ROWS} / rows: on
 * Gaussian errors a second parameter otherwise fits the sampling noise. `floors = [0]` fits the scale alone under the same loss.
 */
export function fitSigmaMap(errors: ArrayLike<number>, sigmas: ArrayLike<number>, floors: readonly number[] = SIGMA_FLOOR_GRID): SigmaMap {
  const alone = floors.includes(0) ? bestScale(errors, sigmas, 0) : null;
  let best = alone;
  for (const floor of floors) {
    if (floor === 0) continue;
    const fit = bestScale(errors, sigmas, floor);
    if (!best || fit.loss < best.loss - 1e-12) best = fit;
  }
  if (!best) return { scale: 1, floor: 0 };
  const margin = FLOOR_MARGIN_ROWS / Math.max(1, errors.length);
  return alone && best.loss > alone.loss - margin ? alone.map : best.map;
}
