import type { Node, Tape } from './tape.js';

/**
 * The smooth stand-ins for the exact model's discrete steps. Each is C¹ (continuous value and
 * slope) and each EQUALS its exact counterpart at the integer arguments the exact model sees,
 * so the relaxation agrees with the exact model at integer factors wherever only these steps
 * are involved (see relaxed-layer.ts for where each is used).
 */

const LN2 = Math.LN2;

/**
 * The "loop is non-trivial" test `trip > 1` on x = ln trip: smoothstep(u) = 3u² − 2u³ of
 * u = log2(trip) clamped to [0, 1]. 0 at trip ≤ 1, 1 at trip ≥ 2 (so exact at every integer
 * trip), rising smoothly in between.
 */
export function gate(tape: Tape, x: Node): Node {
  const u = tape.value(x) / LN2;
  if (u <= 0) return tape.unary(0, x, 0);
  if (u >= 1) return tape.unary(1, x, 0);
  return tape.unary(u * u * (3 - 2 * u), x, (6 * u * (1 - u)) / LN2);
}

/**
 * max(0, z) smoothed on (0, 1) by the cubic 2z² − z³ (value and slope match at both ends):
 * exact at every integer z. Used for halo overlaps and for counts that are ≥ 0 at valid mappings.
 */
export function ramp(tape: Tape, z: Node): Node {
  const v = tape.value(z);
  if (v <= 0) return tape.unary(0, z, 0);
  if (v >= 1) return tape.unary(v, z, 1);
  return tape.unary(v * v * (2 - v), z, v * (4 - 3 * v));
}

/**
 * The equality test `d = 0` on q = |d|² for integer step vectors d: (1 − q)² for q < 1, else 0.
 * 1 at q = 0 and 0 at every q ≥ 1 (any integer d ≠ 0), C¹ at q = 1.
 */
export function bump(tape: Tape, q: Node): Node {
  const v = tape.value(q);
  if (v >= 1) return tape.unary(0, q, 0);
  const w = 1 - v;
  return tape.unary(w * w, q, -2 * w);
}

/**
 * A positive floor for extents that are ≥ 1 at valid factors but could reach ≤ 0 when a
 * relaxed factor drops below 1: z itself for z ≥ ½, ½·e^{2z−1} below (C¹ at ½, always > 0).
 */
export function positive(tape: Tape, z: Node): Node {
  const v = tape.value(z);
  if (v >= 0.5) return tape.unary(v, z, 1);
  const e = 0.5 * Math.exp(2 * v - 1);
  return tape.unary(e, z, 2 * e);
}

/**
 * Smooth maximum of positive terms that is EXACT wherever the largest term exceeds every other
 * by more than the relative `band`: the terms are folded in their given order (so the result
 * does not jump when two terms swap rank) with the pairwise maximum in log space smoothed as
 *
 *   ln smax(a, b) = max(α, β) + h(|α − β|),  α = ln a, β = ln b,  h(d) = (band − d)² / (4·band) for d < band, else 0,
 *
 * which is C¹ (∂/∂α goes from ½ at a tie to 1 at d = band). It reads high by at most band/4
 * (in ln) for two tied terms and by less than band for any number of them. `band = 0` is the
 * hard maximum (sub-gradient 1 on the first arg-max), as DOSA's model uses. Terms ≤ 0 are ignored.
 */
export function smoothMax(tape: Tape, terms: readonly Node[], band: number): Node {
  let acc: Node | null = null;
  let passed: Node | null = null; // the term `acc` is the log of, while no smoothing has applied
  for (const t of terms) {
    if (tape.value(t) <= 0) continue;
    const lt = tape.log(t);
    if (acc === null) {
      acc = lt;
      passed = t;
      continue;
    }
    const d = Math.abs(tape.value(acc) - tape.value(lt));
    if (d >= band) {
      if (tape.value(lt) > tape.value(acc)) {
        acc = lt;
        passed = t;
      }
      continue;
    }
    acc = pairMax(tape, acc, lt, band);
    passed = null;
  }
  if (acc === null) return tape.leaf(0);
  return passed ?? tape.exp(acc);
}

/** The smoothed max of two logs closer than `band` (see {@link smoothMax}). */
function pairMax(tape: Tape, a: Node, b: Node, band: number): Node {
  const va = tape.value(a), vb = tape.value(b);
  const d = Math.abs(va - vb);
  const h = ((band - d) * (band - d)) / (4 * band);
  const slope = (band - d) / (2 * band); // −h'(d)
  const [da, db] = va >= vb ? [1 - slope, slope] : [slope, 1 - slope];
  return tape.binary(Math.max(va, vb) + h, a, da, b, db);
}
