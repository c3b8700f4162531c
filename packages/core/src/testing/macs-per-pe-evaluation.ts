import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation, Fidelity, LayerEvaluation } from '../domain/evaluation.js';
import { layerMacs } from '../domain/layer.js';
import { networkEvaluation } from '../domain/network-evaluation.js';
import { cycles, picoJoules } from '../domain/units.js';
import type { Workload } from '../domain/workload.js';

/** Who produced a toy evaluation (goes into the Evaluation's identity fields). */
export interface ToyEvaluator {
  readonly id: string;
  readonly version: string;
  readonly fidelity: Fidelity;
}

/**
 * A toy cost model for tests and fixture plugins — not a model of any real accelerator.
 * Per layer: cycles = ⌈MACs / peDim²⌉ (a perfectly used PE array); energy (pJ) =
 * 0.5608·MACs plus a per-column buffer term growing with spKB and accKB, so EDP has an
 * interior optimum over the buffers. Mappings are ignored. Totals follow the domain
 * definitions: Σ count·cycles, Σ count·energy, EDP = energy·cycles.
 */
export function macsPerPeEvaluation(point: DesignPoint, workload: Workload, by: ToyEvaluator, costMs = 0): Evaluation {
  const { peDim, spKB, accKB } = point.hardware;
  const perColumnWord = 0.02513 * spKB + 0.49 + (0.1005 * accKB) / peDim + 1.94 + 4096 / (spKB + accKB);
  const layers: LayerEvaluation[] = workload.layers.map(({ layer }) => {
    const macs = layerMacs(layer);
    return {
      cycles: cycles(Math.ceil(macs / (peDim * peDim))),
      energy: picoJoules(0.5608 * macs + (perColumnWord * macs) / peDim),
      macs,
    };
  });
  return networkEvaluation(workload, layers, { fidelity: by.fidelity, evaluator: by.id, evaluatorVersion: by.version, costMs });
}
