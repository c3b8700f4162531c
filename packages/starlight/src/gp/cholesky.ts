/**
 * Dense Cholesky factorisation and triangular solves on row-major `Float64Array` matrices.
 * An `n × n` matrix `a` stores element (i, j) at `a[i * n + j]`.
 */

/** The matrix could not be factorised even with the largest jitter tried. */
export class NotPositiveDefiniteError extends Error {
  override readonly name = 'NotPositiveDefiniteError';
}

/**
 * Lower Cholesky factor `L` of a symmetric `n × n` matrix (`L Lᵀ = a`); only the lower
 * triangle of `a` is read and the upper triangle of the result is zero.
 * @returns a new array; `a` is not modified.
 * @throws NotPositiveDefiniteError when a pivot is not positive.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let sum = a[ri + j];
      for (let k = 0; k < j; k++) sum -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(sum > 0)) throw new NotPositiveDefiniteError(`matrix is not positive definite (pivot ${i} is ${sum})`);
        l[ri + i] = Math.sqrt(sum);
      } else {
        l[ri + j] = sum / l[rj + j];
      }
    }
  }
  return l;
}

/**
 * Cholesky factor of `a + jitter·I`, retrying with jitter growing ×10 from `1e-10·mean(diag)`
 * up to `1e-4·mean(diag)` when the plain factorisation fails.
 * @returns the factor and the jitter that was added (0 when none was needed).
 */
export function choleskyWithJitter(a: Float64Array, n: number): { readonly factor: Float64Array; readonly jitter: number } {
  try {
    return { factor: cholesky(a, n), jitter: 0 };
  } catch (error) {
    if (!(error instanceof NotPositiveDefiniteError)) throw error;
  }
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += a[i * n + i] / n;
  const shifted = new Float64Array(a);
  for (let jitter = 1e-10 * meanDiag; jitter <= 1e-4 * meanDiag * 1.0001; jitter *= 10) {
    for (let i = 0; i < n; i++) shifted[i * n + i] = a[i * n + i] + jitter;
    try {
      return { factor: cholesky(shifted, n), jitter };
    } catch (error) {
      if (!(error instanceof NotPositiveDefiniteError)) throw error;
    }
  }
  throw new NotPositiveDefiniteError(`matrix is not positive definite even with jitter ${1e-4 * meanDiag}`);
}

/** Solves `L x = b` in place (`b` becomes `x`) for a lower-triangular row-major `L`. */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[ri + k] * b[k];
    b[i] = sum / l[ri + i];
  }
  return b;
}

/** Solves `Lᵀ x = b` in place for a lower-triangular row-major `L`. */
export function solveUpperTransposedInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i];
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i] * b[k];
    b[i] = sum / l[i * n + i];
  }
  return b;
}

/** Solves `(L Lᵀ) x = b`, returning a new array. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  solveLowerInPlace(l, n, x);
  return solveUpperTransposedInPlace(l, n, x);
}

/** `(L Lᵀ)⁻¹` as a dense symmetric row-major matrix, from the inverse of `L` (n³/3 + n³/3 flops). */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  const li = lowerTriangularInverse(l, n);
  // K⁻¹ = L⁻ᵀ L⁻¹: (i, j) = Σ_{k ≥ max(i,j)} li[k,i]·li[k,j].
  const inv = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const lki = li[rk + i];
      if (lki === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) inv[ri + j] += lki * li[rk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j];
  return inv;
}

/** `L⁻¹` of a lower-triangular row-major `L` (lower triangular, n³/3 flops), column by column of the identity. */
export function lowerTriangularInverse(l: Float64Array, n: number): Float64Array {
  const li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[ri + k] * li[k * n + j];
      li[ri + j] = sum / l[ri + i];
    }
  }
  return li;
}
