import type { DifferentiableModel, LevelOrder, LoopOrders, Workload } from '@polaris/core';

/**
 * DOSA's three DRAM loop orders (outer → inner; `gen_all_perms` in its
 * `mapping_driven_hw_search.py`, there as RSPQCKN ranks): the innermost loops decide which
 * tensor stays on chip between DRAM iterations.
 */
export const DRAM_ORDERS: Readonly<Record<'weightStationary' | 'inputStationary' | 'outputStationary', LevelOrder>> = {
  /** P, Q, N innermost: they do not index weights. */
  weightStationary: ['K', 'C', 'S', 'R', 'N', 'Q', 'P'],
  /** K innermost: it does not index inputs. */
  inputStationary: ['N', 'C', 'Q', 'P', 'S', 'R', 'K'],
  /** R, S, C innermost: they do not index outputs. */
  outputStationary: ['N', 'Q', 'P', 'K', 'C', 'S', 'R'],
};
const CANDIDATES = Object.values(DRAM_ORDERS);

/**
 * Chooses each layer's DRAM loop order by enumeration, as DOSA does after every rounding: layer
 * by layer in workload order, each of {@link DRAM_ORDERS} replaces the layer's DRAM order when
 * it lowers the differentiable model's ln EDP at `x` (the other layers' orders as chosen so far);
 * the order it had stays when none does. Inner levels keep their orders.
 * @returns the chosen orders (one per layer) and the model's ln EDP with them.
 */
export function chooseDramOrders(
  model: DifferentiableModel, workload: Workload, x: Float64Array, orders: readonly LoopOrders[],
): { orders: LoopOrders[]; lnEdp: number } {
  const chosen = [...orders];
  let best = model.relax(workload, chosen).evaluate(x).lnEdp;
  for (let l = 0; l < chosen.length; l++) {
    let pick = chosen[l];
    for (const dram of CANDIDATES) {
      const candidate: LoopOrders = [chosen[l][0], chosen[l][1], chosen[l][2], dram];
      const trial = chosen.map((o, i) => (i === l ? candidate : o));
      const { lnEdp } = model.relax(workload, trial).evaluate(x);
      if (lnEdp < best) {
        best = lnEdp;
        pick = candidate;
      }
    }
    chosen[l] = pick;
  }
  return { orders: chosen, lnEdp: best };
}
