/**
 * The ARD squared-exponential kernel `k(a, b) = σf² · exp(-½ Σᵢ (aᵢ − bᵢ)² / ℓᵢ²)` on feature
 * vectors stored row-major in `Float64Array`s (`rows × d`). Chosen over Matérn-5/2 because the
 * features it sees (log-scaled tile factors, the analytical model's log cycles/energy, later a
 * learned latent) vary smoothly, and because its gradient in the lengthscales is a cheap
 * elementwise product (see `marginal-likelihood.ts`).
 *
 * Hyperparameters live in log space: one log-lengthscale per feature, the log signal variance
 * `log σf²` and the log noise variance `log σn²`.
 */
export interface GpHyperparameters {
  /** `log ℓᵢ`, one per feature (in the GP's standardised input units). */
  readonly logLengthscales: Float64Array;
  /** `log σf²` (in normalised target units). */
  readonly logSignalVariance: number;
  /** `log σn²` (in normalised target units). */
  readonly logNoiseVariance: number;
}

/** Rows of `x` (`rows × d`) divided feature-wise by the lengthscales: distances become plain Euclidean. */
export function scaleByLengthscales(x: Float64Array, rows: number, d: number, logLengthscales: Float64Array): Float64Array {
  const inv = new Float64Array(d);
  for (let i = 0; i < d; i++) inv[i] = Math.exp(-logLengthscales[i]);
  const out = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) out[o + i] = x[o + i] * inv[i];
  }
  return out;
}

/**
 * The `n × n` kernel matrix of scaled inputs (see {@link scaleByLengthscales}) without noise.
 * @returns row-major, symmetric.
 */
export function kernelMatrix(scaled: Float64Array, n: number, d: number, signalVariance: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    k[a * n + a] = signalVariance;
    const oa = a * d;
    for (let b = 0; b < a; b++) {
      const ob = b * d;
      let sq = 0;
      for (let i = 0; i < d; i++) {
        const diff = scaled[oa + i] - scaled[ob + i];
        sq += diff * diff;
      }
      const v = signalVariance * Math.exp(-0.5 * sq);
      k[a * n + b] = v;
      k[b * n + a] = v;
    }
  }
  return k;
}

/**
 * The `m × n` cross-kernel between scaled test rows and scaled training rows, computed as
 * `‖a‖² + ‖b‖² − 2 a·b` (one dot product per pair).
 */
export function crossKernel(
  test: Float64Array, m: number, train: Float64Array, n: number, d: number, signalVariance: number,
): Float64Array {
  const trainNorms = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += train[b * d + i] * train[b * d + i];
    trainNorms[b] = s;
  }
  const testNorms = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += test[a * d + i] * test[a * d + i];
    testNorms[a] = s;
  }
  const out = new Float64Array(m * n);
  const finish = (a: number, b: number, dot: number) => {
    out[a * n + b] = signalVariance * Math.exp(-0.5 * Math.max(0, testNorms[a] + trainNorms[b] - 2 * dot));
  };
  // Four test rows at a time: each training value loaded once feeds four independent sums.
  let a = 0;
  for (; a + 4 <= m; a += 4) {
    const o0 = a * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    for (let b = 0; b < n; b++) {
      const ob = b * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < d; i++) {
        const t = train[ob + i];
        s0 += test[o0 + i] * t;
        s1 += test[o1 + i] * t;
        s2 += test[o2 + i] * t;
        s3 += test[o3 + i] * t;
      }
      finish(a, b, s0);
      finish(a + 1, b, s1);
      finish(a + 2, b, s2);
      finish(a + 3, b, s3);
    }
  }
  for (; a < m; a++) {
    const oa = a * d;
    for (let b = 0; b < n; b++) {
      const ob = b * d;
      let dot = 0;
      for (let i = 0; i < d; i++) dot += test[oa + i] * train[ob + i];
      finish(a, b, dot);
    }
  }
  return out;
}
