import type { Evaluation, Mapping, Workload } from '@polaris/core';
import type { Individual } from './genetic-population.js';

/**
 * Layer-wise credit for the genetic optimizer. An evaluation reports every layer's cycles and
 * energy, so a trial tells us how good each of its layer mappings is, not only the network:
 * on one hardware configuration, the best mapping of each layer can be taken from whichever
 * trial had it, and a child that starts from those best mappings and mutates a few layers
 * tests each mutation on its own layer. Everything here is a function of the told trials.
 */

/** A told trial's network totals and its layers' shares of them (repeat counts applied). */
export interface LayerCosts {
  /** Σ count·energy over the layers, pJ. */
  readonly energy: number;
  /** Σ count·cycles over the layers. */
  readonly cycles: number;
  /** Per unique layer (workload order): count·energy in pJ and count·cycles. */
  readonly layers: readonly { readonly energy: number; readonly cycles: number }[];
}

/** The layer costs of an evaluation, or undefined when it does not report one finite result per layer. */
export function layerCostsOf(evaluation: Evaluation, workload: Workload): LayerCosts | undefined {
  if (evaluation.layers.length !== workload.layers.length) return undefined;
  const layers = evaluation.layers.map((layer, l) => ({ energy: workload.layers[l].count * layer.energy, cycles: workload.layers[l].count * layer.cycles }));
  if (!(evaluation.energy > 0 && evaluation.cycles > 0) || layers.some((c) => !Number.isFinite(c.energy) || !Number.isFinite(c.cycles))) return undefined;
  return { energy: evaluation.energy, cycles: evaluation.cycles, layers };
}

/**
 * The best mapping of each layer among `sameHardware` (trials on one hardware configuration
 * that have {@link LayerCosts}), or undefined when none has. A layer's mappings are compared by
 * their first-order effect on the network's ln EDP around the fittest of these trials,
 * `energy / E* + cycles / T*` (E*, T* its totals): for EDP = E·T, d ln EDP = dE/E + dT/T.
 * Ties go to the earlier trial.
 */
export function bestLayerMappings(sameHardware: readonly Individual[]): Mapping[] | undefined {
  const scored = sameHardware.filter((individual) => individual.costs !== undefined);
  if (scored.length === 0) return undefined;
  const anchor = scored.reduce((best, individual) => (individual.edp < best.edp ? individual : best)).costs!;
  return anchor.layers.map((_, l) => {
    let best = scored[0];
    let bestScore = Infinity;
    for (const individual of scored) {
      const cost = individual.costs!.layers[l];
      const score = cost.energy / anchor.energy + cost.cycles / anchor.cycles;
      if (score < bestScore) {
        best = individual;
        bestScore = score;
      }
    }
    return best.point.mappings[l];
  });
}

/**
 * Per layer, the chance it mutates: `rate` per layer on average, spread in proportion to each
 * layer's share of the network's cost, `(energy / E + cycles / T) / 2` from `costs`, and capped at
 * 1 — so the search works where the EDP is (in BERT two of the five layers hold about 80 % of
 * it). Without costs (a failed or foreign-fidelity parent), every layer gets `rate`.
 */
export function mutationChances(costs: LayerCosts | undefined, rate: number): number[] | undefined {
  if (!costs) return undefined;
  const count = costs.layers.length;
  return costs.layers.map((layer) => Math.min(1, rate * count * ((layer.energy / costs.energy + layer.cycles / costs.cycles) / 2)));
}
