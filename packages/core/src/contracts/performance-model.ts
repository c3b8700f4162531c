import type { DesignPoint } from '../domain/design-point.js';
import type { Evaluation } from '../domain/evaluation.js';
import type { HardwareConfig } from '../domain/hardware.js';
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

/** Options of {@link PerformanceModel.predictHardware}. */
export interface HardwarePredictionOptions {
  /**
   * Hardware to treat as already observed at its predicted mean (the kriging believer's
   * fantasy, for choosing a batch): the mean is unchanged, σ shrinks near these points.
   */
  readonly pending?: readonly HardwareConfig[];
}

/** A learned model of a fidelity (Starlight, DOSA's predictor, …). */
export interface PerformanceModel {
  readonly id: string;
  fit(samples: readonly Sample[]): Promise<void>;
  update(samples: readonly Sample[]): Promise<void>;
  predict(points: readonly DesignPoint[], workload: Workload): Promise<Prediction>;
  /**
   * Optional, for models of the hardware alone (whose mappings are the ones the run's mapper
   * chooses, e.g. a GP on the encoded hardware): predicts unmapped hardware, so an optimizer can
   * score a large candidate pool without mapping it. Models that read mappings leave it out.
   */
  predictHardware?(hardware: readonly HardwareConfig[], workload: Workload, options?: HardwarePredictionOptions): Promise<Prediction>;
  save(dir: string): Promise<void>;
  load(dir: string): Promise<void>;
}
/** DI token for {@link PerformanceModel}. */
export const PerformanceModel = Symbol.for('polaris.PerformanceModel');
