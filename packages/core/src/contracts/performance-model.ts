import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';

/** A training sample: a point on a workload and what a fidelity measured. */
export interface Sample {
  readonly point: DesignPoint;
  readonly workload: Workload;
  readonly evaluation: Evaluation;
}

/** Predictions for a batch: arrays of length batch, log-EDP mean and standard deviation. */
export interface Prediction {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/** A learned model of a fidelity (Starlight, DOSA's predictor, …). */
export interface PerformanceModel {
  readonly id: string;
  fit(samples: readonly Sample[]): Promise<void>;
  update(samples: readonly Sample[]): Promise<void>;
  predict(points: readonly DesignPoint[], workload: Workload): Promise<Prediction>;
  save(dir: string): Promise<void>;
  load(dir: string): Promise<void>;
}
/** DI token for {@link PerformanceModel}. */
export const PerformanceModel = Symbol.for('polaris.PerformanceModel');
