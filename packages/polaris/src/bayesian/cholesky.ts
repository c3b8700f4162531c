/**
 * Dense Cholesky factorisation and triangular solves for the Gaussian process.
 *
 * Matrices are row-major `Float64Array`s of n·n entries (entry (i, j) at `i * n + j`); a
 * Cholesky factor L is lower triangular (the upper triangle is zero) with K = L·Lᵀ.
 */

/** A Cholesky factor and the jitter that was added to the diagonal to obtain it. */
export interface CholeskyFactor {
  /** Lower-triangular n×n factor, row-major. */
  readonly lower: Float64Array;
  readonly n: number;
  /** Added to every diagonal entry before factorising (0 when K was positive definite as given). */
  readonly jitter: number;
}

/** K was not positive definite even with the largest jitter tried. */
export class NotPositiveDefiniteError extends Error {
  override readonly name = 'NotPositiveDefiniteError';
}

/**
 * Factorises in place: on success the lower triangle of `a` holds L and the upper is zeroed.
 * @returns false when a pivot is not positive (a is then garbage).
 */
function factorInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diagonal = a[rowJ + j];
    for (let k = 0; k < j; k++) diagonal -= a[rowJ + k] * a[rowJ + k];
    if (!(diagonal > 0)) return false;
    const ljj = Math.sqrt(diagonal);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let sum = a[rowI + j];
      for (let k = 0; k < j; k++) sum -= a[rowI + k] * a[rowJ + k];
      a[rowI + j] = sum / ljj;
    }
    for (let k = j + 1; k < n; k++) a[rowJ + k] = 0;
  }
  return true;
}

/** Jitters tried, relative to the mean diagonal. */
const JITTERS = [0, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4];

/**
 * Cholesky factor of a symmetric matrix, adding jitter to the diagonal when needed: none first,
 * then 1e-10, 1e-9, … up to 1e-4 times the mean diagonal.
 * @param k symmetric n×n, row-major; not modified.
 * @throws NotPositiveDefiniteError when even the largest jitter fails.
 */
export function choleskyWithJitter(k: Float64Array, n: number): CholeskyFactor {
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += k[i * n + i];
  meanDiagonal = n > 0 ? Math.abs(meanDiagonal / n) || 1 : 1;
  for (const relative of JITTERS) {
    const jitter = meanDiagonal * relative;
    const a = Float64Array.from(k);
    for (let i = 0; i < n; i++) a[i * n + i] += jitter;
    if (factorInPlace(a, n)) return { lower: a, n, jitter };
  }
  throw new NotPositiveDefiniteError(`a ${n}×${n} kernel matrix is not positive definite even with jitter 1e-4 × its mean diagonal`);
}

/** Solves L·x = b (forward substitution); `b` of length n is not modified. */
export function solveLower(factor: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { lower: l, n } = factor;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[row + k] * x[k];
    x[i] = sum / l[row + i];
  }
  return x;
}

/** Solves Lᵀ·x = b (backward substitution); `b` of length n is not modified. */
export function solveUpper(factor: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  const { lower: l, n } = factor;
  const x = Float64Array.from(b as ArrayLike<number>);
  for (let i = n - 1; i >= 0; i--) {
    x[i] /= l[i * n + i];
    const xi = x[i];
    for (let k = 0; k < i; k++) x[k] -= l[i * n + k] * xi;
  }
  return x;
}

/** Solves K·x = b with K = L·Lᵀ. */
export function choleskySolve(factor: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  return solveUpper(factor, solveLower(factor, b));
}

/** ln det K = 2 Σ ln L_ii. */
export function logDeterminant(factor: CholeskyFactor): number {
  let sum = 0;
  for (let i = 0; i < factor.n; i++) sum += Math.log(factor.lower[i * factor.n + i]);
  return 2 * sum;
}

/** K⁻¹ = L⁻ᵀ·L⁻¹ as a full symmetric n×n row-major matrix. */
export function inverseFromCholesky(factor: CholeskyFactor): Float64Array {
  const { lower: l, n } = factor;
  // M = L⁻¹ (lower triangular), row by row: M_ij = (δ_ij − Σ_{j ≤ k < i} L_ik M_kj) / L_ii.
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < i; k++) {
      const lik = l[row + k];
      if (lik === 0) continue;
      const from = k * n;
      for (let j = 0; j <= k; j++) m[row + j] -= lik * m[from + j];
    }
    m[row + i] = 1;
    const lii = l[row + i];
    for (let j = 0; j <= i; j++) m[row + j] /= lii;
  }
  // K⁻¹_ij = Σ_{k ≥ max(i,j)} M_ki M_kj.
  const inverse = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const row = k * n;
    for (let i = 0; i <= k; i++) {
      const mki = m[row + i];
      if (mki === 0) continue;
      const out = i * n;
      for (let j = 0; j <= i; j++) inverse[out + j] += mki * m[row + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inverse[j * n + i] = inverse[i * n + j];
  return inverse;
}

/**
 * Extends the factor of K (n×n) to that of [[K, c], [cᵀ, d]] ((n+1)×(n+1)) in O(n²).
 * @param column c, the new point's covariances with the n old ones.
 * @param diagonal d, the new point's variance (noise and jitter included).
 * @throws NotPositiveDefiniteError when the new pivot is not positive.
 */
export function extendCholesky(factor: CholeskyFactor, column: ArrayLike<number>, diagonal: number): CholeskyFactor {
  const { n } = factor;
  const v = solveLower(factor, column);
  let pivot = diagonal + factor.jitter;
  for (let k = 0; k < n; k++) pivot -= v[k] * v[k];
  if (!(pivot > 0)) throw new NotPositiveDefiniteError(`extending a ${n}×${n} Cholesky factor: the new pivot ${pivot} is not positive`);
  const m = n + 1;
  const lower = new Float64Array(m * m);
  for (let i = 0; i < n; i++) lower.set(factor.lower.subarray(i * n, i * n + i + 1), i * m);
  lower.set(v, n * m);
  lower[n * m + n] = Math.sqrt(pivot);
  return { lower, n: m, jitter: factor.jitter };
}
