import { DIM_INDEX } from '@polaris/core';

/**
 * A small set of good loop orders for one level (outer→inner dim indices, each a permutation
 * of 0..6). Loops that do not index a tensor give it reuse when they sit inside the loops that
 * do, so good orders keep each tensor's irrelevant dimensions together:
 * {P,Q,N} (irrelevant to weights), {K} (irrelevant to inputs), {R,S,C} (irrelevant to outputs).
 * The set is every order of these three groups (6) × 3 rotations within {P,Q,N} × 3 rotations
 * within {R,S,C}: 54 permutations. Rotations vary which dim is innermost, which decides
 * sliding-window input reuse at DRAM.
 */
export const GOOD_LOOP_ORDERS: readonly Uint8Array[] = buildGoodOrders();

function rotations(group: readonly number[]): number[][] {
  return group.map((_, shift) => group.map((__, i) => group[(i + shift) % group.length]));
}

function buildGoodOrders(): Uint8Array[] {
  const { R, S, P, Q, C, K, N } = DIM_INDEX;
  const groupOrders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const out: Uint8Array[] = [];
  for (const pqn of rotations([P, Q, N])) {
    for (const rsc of rotations([R, S, C])) {
      const groups = [pqn, [K], rsc];
      for (const order of groupOrders) out.push(Uint8Array.from(order.flatMap((g) => groups[g])));
    }
  }
  return out;
}
