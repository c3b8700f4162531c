/**
 * Accuracy metrics for performance models, on plain numeric arrays (any `ArrayLike<number>`:
 * arrays, Float64Array, …). Both inputs of a metric must have the same length, one entry per
 * sample, in the same sample order.
 */

/** 1-based ranks of `values`, ties getting the average of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 (0-based) hold rank start+1..end; their mean is (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

function checkPair(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`${name}: inputs have different lengths (${a.length} and ${b.length})`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new RangeError(`${name}: entry ${i} is not finite (${a[i]}, ${b[i]})`);
  }
}

/**
 * Spearman's rank correlation ρ of two samples: Pearson's correlation of their ranks, ties
 * taking the average rank (so it is exact with ties, unlike the 1 − 6Σd²/(n(n²−1)) shortcut).
 * Unitless, in [−1, 1]; invariant to any strictly increasing transform of either input, so
 * log or linear units give the same value.
 * @returns NaN when there are fewer than two samples or either input is constant (no ranking).
 * @throws RangeError when the lengths differ or an entry is not finite.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair('spearman', a, b);
  const n = a.length;
  if (n < 2) return Number.NaN;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (n + 1) / 2; // the mean rank, ties or not
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = ra[i] - mean;
    const db = rb[i] - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return Number.NaN;
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Mean absolute percentage error, `100 · mean(|predicted − truth| / |truth|)`, in percent, on
 * linear values (cycles, pJ, EDP — not their logarithms; exponentiate log predictions first).
 * @returns NaN for empty inputs.
 * @throws RangeError when the lengths differ, an entry is not finite or a truth value is 0.
 */
export function meanAbsolutePercentageError(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkPair('meanAbsolutePercentageError', predicted, truth);
  const n = truth.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (truth[i] === 0) throw new RangeError(`meanAbsolutePercentageError: truth entry ${i} is 0, the percentage error is undefined`);
    sum += Math.abs(predicted[i] - truth[i]) / Math.abs(truth[i]);
  }
  return (100 * sum) / n;
}
