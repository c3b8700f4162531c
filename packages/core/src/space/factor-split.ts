/** Divisors of a positive integer, ascending. */
export function divisors(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`divisors: ${n} is not a positive integer`);
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      low.push(d);
      if (d * d !== n) high.push(n / d);
    }
  }
  return [...low, ...high.reverse()];
}

/**
 * Splits `n` into one integer factor per slot whose product is exactly `n`, following
 * `weights` (≥ 0): slot i should get about `n^(weights[i] / Σweights)`.
 *
 * Slots are filled in order; each takes the divisor of what is left that is closest in log
 * to its share of what is left (ties → the smaller divisor), capped by `caps[i]` when given;
 * the last slot takes the remainder and must be uncapped. Because every slot's target is
 * renormalised over the slots still open, exact targets (weights that are logs of an actual
 * factorisation) are reproduced exactly. All-zero weights put everything in the last slot.
 *
 * @returns factors, one per slot, with product `n`.
 */
export function splitIntoFactors(n: number, weights: ArrayLike<number>, caps?: readonly (number | undefined)[]): number[] {
  const slots = weights.length;
  if (slots === 0) throw new RangeError('splitIntoFactors: need at least one slot');
  if (caps?.[slots - 1] !== undefined) throw new RangeError('splitIntoFactors: the last slot takes the remainder and cannot be capped');
  const factors = new Array<number>(slots).fill(1);
  let remaining = n;
  let openWeight = 0;
  for (let i = 0; i < slots; i++) openWeight += sanitise(weights[i]);
  for (let i = 0; i < slots - 1; i++) {
    const w = sanitise(weights[i]);
    if (remaining === 1 || w === 0 || openWeight <= 0) {
      openWeight -= w;
      continue;
    }
    const targetLog = (Math.log(remaining) * w) / openWeight;
    const cap = caps?.[i] ?? Infinity;
    let best = 1;
    let bestDistance = Math.abs(targetLog);
    for (const d of divisors(remaining)) {
      if (d > cap) break;
      const distance = Math.abs(Math.log(d) - targetLog);
      if (distance < bestDistance - 1e-9) {
        best = d;
        bestDistance = distance;
      }
    }
    factors[i] = best;
    remaining /= best;
    openWeight -= w;
  }
  factors[slots - 1] = remaining;
  return factors;
}

/** Weights for {@link splitIntoFactors} that reproduce `factors` exactly: log(f) / log(Πf). */
export function factorWeights(factors: readonly number[]): number[] {
  const total = factors.reduce((p, f) => p * f, 1);
  if (total === 1) return factors.map(() => 0);
  return factors.map((f) => Math.log(f) / Math.log(total));
}

function sanitise(w: number): number {
  return Number.isFinite(w) && w > 0 ? w : 0;
}
