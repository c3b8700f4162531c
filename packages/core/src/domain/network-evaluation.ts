import type { Evaluation, Fidelity, LayerEvaluation } from './evaluation.js';
import { cycles, energyDelayProduct, milliseconds, picoJoules } from './units.js';
import type { Workload } from './workload.js';

/** Who produced an evaluation, and at what cost. */
export interface EvaluationOrigin {
  readonly fidelity: Fidelity;
  readonly evaluator: string;
  readonly evaluatorVersion: string;
  /** Wall time spent, ms. */
  readonly costMs: number;
}

/**
 * Composes a network {@link Evaluation} from per-layer results (workload order), as the domain
 * defines it: cycles = Σ count·layer cycles, energy = Σ count·layer energy, EDP = Σenergy·Σcycles.
 * @throws RangeError when the number of layer results differs from the workload's layers.
 */
export function networkEvaluation(workload: Workload, layers: readonly LayerEvaluation[], origin: EvaluationOrigin): Evaluation {
  if (layers.length !== workload.layers.length) {
    throw new RangeError(`${layers.length} layer results for the ${workload.layers.length} unique layers of workload "${workload.name}"`);
  }
  let totalCycles = 0;
  let totalEnergy = 0;
  workload.layers.forEach((entry, i) => {
    totalCycles += entry.count * layers[i].cycles;
    totalEnergy += entry.count * layers[i].energy;
  });
  return {
    fidelity: origin.fidelity,
    evaluator: origin.evaluator,
    evaluatorVersion: origin.evaluatorVersion,
    layers,
    cycles: cycles(totalCycles),
    energy: picoJoules(totalEnergy),
    edp: energyDelayProduct(picoJoules(totalEnergy), cycles(totalCycles)),
    cost: milliseconds(origin.costMs),
  };
}
