import type { Node, Tape } from './tape.js';
import { bump, ramp } from './smooth.js';

/**
 * One DRAM loop as the input walk sees it: its trip, its "non-trivial" gate, and the step its
 * iteration moves the input tile by, along one axis of the input (W, H, C or N) or none (K).
 */
export interface InputLoop {
  /** x = ln trip (a tape node). */
  readonly logTrip: Node;
  /** The trip e^x. */
  readonly trip: Node;
  /** gate(x): 0 for a trip-1 loop, 1 for trip ≥ 2 (smooth.ts). */
  readonly active: Node;
  /** Axis stepped: 0 W, 1 H, 2 C, 3 N, −1 none (K does not index inputs). */
  readonly axis: number;
  /** Step in words along `axis` (P: P-extent·Wstride, R: R-extent·Wdilation, C: C-extent, …); unused when axis = −1. */
  readonly step: Node;
  /**
   * Words of the tile still present after the step (the halo kept), or null when the step
   * moves past the whole tile (C and N steps: nothing is kept, for every factor value).
   */
  readonly overlap: Node | null;
}

/**
 * Relaxed input fills of the scratchpad from DRAM: Timeloop's walk (exact form at `inputFills`
 * in model/layer-kernel.ts) with its three discrete decisions made smooth, each exactly as the
 * exact model at integer trips:
 *
 *   fills = tile + Σ_j (t_j − 1) · O_j · (tile − Z_j·ov_j − Σ_{k inside j} μ_k · b_jk · ov_k)
 *
 * over the DRAM loops j (outer → inner), where O_j = Π of the trips outside j, ov_k the overlap
 * of the tile with itself shifted by loop k's step, and
 * - "m is the innermost non-trivial loop": Z_j = Π_{k inside j} (1 − a_k) is the weight of j
 *   being m and μ_k = a_k·Z_k the weight of k being m, with a = gate(ln t) (1 or 0 at integers);
 * - "the tile moved by the same translation as m": b_jk = bump(|v_j − S_j − v_k|²) with
 *   S_j = Σ_{i inside j} a_i·v_i (the exact model's sum over non-trivial inner loops); the steps
 *   are integers at integer factors, where the bump is 1 on equality and 0 otherwise;
 * - the halo overlap max(0, extent − step) is smooth.ts's `ramp` (exact at integer arguments).
 * At integer factors this is term for term the exact expression tile + (t_m−1)·O_m·δ + Σ_{j≠m}
 * (t_j−1)·O_j·(same ? δ : tile) with δ = tile − ov_m.
 * @param loops the DRAM loops outer → inner.
 */
export function relaxedInputFills(tape: Tape, tile: Node, loops: readonly InputLoop[]): Node {
  const n = loops.length;
  const one = tape.leaf(1);
  // Z[j]: weight of "no non-trivial loop inside j"; mu[k] = a_k · Z[k]; inner[j][axis] = S_j on that axis.
  const Z: Node[] = new Array<Node>(n);
  const mu: Node[] = new Array<Node>(n);
  const inner: (Node | null)[][] = new Array<(Node | null)[]>(n);
  let none: Node = one;
  let sums: (Node | null)[] = [null, null, null, null];
  for (let j = n - 1; j >= 0; j--) {
    const loop = loops[j];
    Z[j] = none;
    mu[j] = tape.mul(loop.active, none);
    inner[j] = sums;
    none = tape.mul(none, tape.sub(one, loop.active));
    if (loop.axis >= 0) {
      sums = [...sums];
      const weighted = tape.mul(loop.active, loop.step);
      const before = sums[loop.axis];
      sums[loop.axis] = before === null ? weighted : tape.add(before, weighted);
    }
  }
  const terms: Node[] = [tile];
  const outerLogs: Node[] = [];
  for (let j = 0; j < n; j++) {
    const loop = loops[j];
    const outside = tape.exp(tape.sum(outerLogs)); // O_j: the trips of the loops outside j
    outerLogs.push(loop.logTrip);
    const kept: Node[] = [];
    if (loop.overlap !== null) kept.push(tape.mul(Z[j], loop.overlap));
    for (let k = j + 1; k < n; k++) {
      const overlap = loops[k].overlap;
      if (overlap === null || tape.value(mu[k]) === 0) continue; // this term and its slope are 0
      const same = bump(tape, translationMismatch(tape, loop, inner[j], loops[k]));
      if (tape.value(same) === 0) continue; // bump is flat where it is 0
      kept.push(tape.mul(tape.mul(mu[k], same), overlap));
    }
    const charged = kept.length === 0 ? tile : tape.sub(tile, tape.sum(kept));
    terms.push(tape.mul(tape.mul(tape.affine(loop.trip, 1, -1), outside), charged));
  }
  return tape.sum(terms);
}

/** |v_j − S_j − v_k|² over the four input axes (`inner` = S_j per axis, null for 0). */
function translationMismatch(tape: Tape, j: InputLoop, inner: readonly (Node | null)[], k: InputLoop): Node {
  const squares: Node[] = [];
  for (let axis = 0; axis < 4; axis++) {
    const parts: Node[] = [];
    const weights: number[] = [];
    if (j.axis === axis) { parts.push(j.step); weights.push(1); }
    const s = inner[axis];
    if (s !== null) { parts.push(s); weights.push(-1); }
    if (k.axis === axis) { parts.push(k.step); weights.push(-1); }
    if (parts.length === 0) continue;
    const difference = tape.weightedSum(parts, weights);
    squares.push(tape.mul(difference, difference));
  }
  return tape.sum(squares);
}

/** The overlap of a tile with itself moved by `step` along an axis of `extent` words: ramp(extent − step) · crossSection. */
export function haloOverlap(tape: Tape, extent: Node, step: Node, crossSection: Node): Node {
  return tape.mul(ramp(tape, tape.sub(extent, step)), crossSection);
}
