/**
 * The sparse pieces of {@link LatentGp}: inducing rows chosen by a greedy pivoted Cholesky, and
 * the subset-of-regressors (projected process / DTC) mean weights with their log marginal
 * likelihood. Matrices are row-major `Float64Array`s; `k` is the training kernel matrix
 * `n × n` *with* the noise variance on its diagonal (as `LatentGp` builds it).
 */
import { choleskySolve, choleskyWithJitter } from '../gp/cholesky.js';

/**
 * `count` row indices of the symmetric positive-definite `k` (`n × n`) in the order a greedy
 * pivoted Cholesky picks them: each next row is the one with the largest residual diagonal (the
 * variance the rows chosen so far leave unexplained). O(n · count²), the partial factor kept as
 * contiguous rows so the update of each new column is one pass per earlier column.
 */
export function pivotedCholeskyOrder(k: Float64Array, n: number, count: number): number[] {
  const residual = Float64Array.from({ length: n }, (_, i) => k[i * n + i]);
  const limit = Math.min(count, n);
  const factor = new Float64Array(limit * n);
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  for (let r = 0; r < limit; r++) {
    let p = -1;
    for (let i = 0; i < n; i++) if (!taken[i] && (p < 0 || residual[i] > residual[p])) p = i;
    if (residual[p] <= 0) break;
    const pivot = Math.sqrt(residual[p]);
    const column = factor.subarray(r * n, (r + 1) * n);
    column.set(k.subarray(p * n, (p + 1) * n));
    for (let c = 0; c < r; c++) {
      const earlier = factor.subarray(c * n, (c + 1) * n);
      const weight = earlier[p];
      if (weight === 0) continue;
      for (let j = 0; j < n; j++) column[j] -= weight * earlier[j];
    }
    for (let j = 0; j < n; j++) {
      column[j] /= pivot;
      residual[j] -= column[j] * column[j];
    }
    chosen.push(p);
    taken[p] = 1;
  }
  return chosen;
}

/** {@link pivotedCholeskyOrder}'s rows, ascending. */
export function pivotedCholeskyRows(k: Float64Array, n: number, count: number): number[] {
  return pivotedCholeskyOrder(k, n, count).sort((a, b) => a - b);
}

/** Mean weights of the inducing rows and the model's log marginal likelihood. */
export interface SubsetOfRegressors {
  /** `w = (σn² K_MM + K_MN K_NM)⁻¹ K_MN y` (length M): the mean at x is `k(x, M) · w`. */
  readonly weights: Float64Array;
  /** `log N(y | 0, Q + σn² I)` with `Q = K_NM K_MM⁻¹ K_MN` (the DTC marginal likelihood). */
  readonly logMarginalLikelihood: number;
}

/**
 * Subset-of-regressors weights of the inducing rows `rows` (M of the n), and the DTC log
 * marginal likelihood by Woodbury's identities: with A = σn² K_MM + K_MN K_NM and b = K_MN y,
 * `yᵀ(Q + σn²I)⁻¹y = (yᵀy − bᵀA⁻¹b)/σn²` and `log|Q + σn²I| = (n − M) log σn² + log|A| − log|K_MM|`.
 * O(M² n); no n × n factorisation.
 */
export function subsetOfRegressors(k: Float64Array, n: number, rows: readonly number[], ys: Float64Array, noise: number): SubsetOfRegressors {
  const m = rows.length;
  const kmn = new Float64Array(m * n);
  rows.forEach((r, a) => {
    kmn.set(k.subarray(r * n, (r + 1) * n), a * n);
    kmn[a * n + r] -= noise;
  });
  const system = new Float64Array(m * m);
  const kmm = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    const ra = kmn.subarray(a * n, (a + 1) * n);
    for (let b = 0; b <= a; b++) {
      const rb = kmn.subarray(b * n, (b + 1) * n);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += ra[j] * rb[j];
      const inducing = ra[rows[b]];
      kmm[a * m + b] = inducing;
      kmm[b * m + a] = inducing;
      system[a * m + b] = sum + noise * inducing;
      system[b * m + a] = system[a * m + b];
    }
  }
  const rhs = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    const ra = kmn.subarray(a * n, (a + 1) * n);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += ra[j] * ys[j];
    rhs[a] = sum;
  }
  const systemFactor = choleskyWithJitter(system, m).factor;
  const weights = choleskySolve(systemFactor, m, rhs);
  const inducingFactor = choleskyWithJitter(kmm, m).factor;
  let yy = 0;
  for (let j = 0; j < n; j++) yy += ys[j] * ys[j];
  let bAb = 0;
  for (let a = 0; a < m; a++) bAb += rhs[a] * weights[a];
  let logDet = (n - m) * Math.log(noise);
  for (let a = 0; a < m; a++) logDet += 2 * Math.log(systemFactor[a * m + a]) - 2 * Math.log(inducingFactor[a * m + a]);
  const logMarginalLikelihood = -0.5 * ((yy - bAb) / noise) - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
  return { weights, logMarginalLikelihood };
}
