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

/** Means and standard deviations of a natural logarithm, entry by entry (equal lengths). */
export interface LogPredictions {
  readonly mean: Float64Array;
  /** ≥ 0. */
  readonly std: Float64Array;
}

/**
 * What a per-layer model predicts for each unique layer of each point: arrays of
 * `points × layers`, row-major — entry `p · layers + l` is layer `l` (workload order) of point `p`.
 */
export interface LayerPredictions {
  /** Unique layers per point (`workload.layers.length`). */
  readonly layers: number;
  /** ln(cycles of one execution of the layer). */
  readonly logCycles: LogPredictions;
  /** ln(energy of one execution of the layer, pJ). */
  readonly logEnergy: LogPredictions;
}

/**
 * The network totals composed from {@link LayerPredictions}, per point (length = points):
 * ln Σ count·cycles and ln Σ count·energy (pJ) over the unique layers.
 */
export interface NetworkPredictions {
  readonly logCycles: LogPredictions;
  readonly logEnergy: LogPredictions;
}

/**
 * Predictions for a batch of points. `mean` and `std` (length = points) are of ln EDP, EDP in
 * pJ·cycles (`Evaluation.edp`). Per-layer models also give `layers` and `network`, and then
 * `mean = network.logCycles.mean + network.logEnergy.mean` (ln EDP = ln Σcycles + ln Σenergy).
 */
export interface Prediction {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** Per unique layer (models that predict layers, e.g. Starlight, DOSA's predictor). */
  readonly layers?: LayerPredictions;
  /** The network totals those layers compose to. */
  readonly network?: NetworkPredictions;
}

/** Options of {@link PerformanceModel.predictHardware}. */
export interface HardwarePredictionOptions {
  /**
   * Hardware to treat as already observed at its predicted mean (the kriging believer's
   * fantasy, for choosing a batch): the mean is unchanged, σ shrinks near these points.
   */
  readonly pending?: readonly HardwareConfig[];
}

/**
 * A learned model of a fidelity (Starlight, DOSA's predictor, a plain GP, …).
 *
 * Lifecycle: `fit` (or `load`) before `predict`; `update` adds samples to what the model was
 * fitted on and warm-starts from the current state (a few steps from the current parameters,
 * not a retrain from scratch — cheaper than `fit`, and on a fresh model the same as `fit`);
 * `save` writes everything `load` needs to predict identically and to be updated further.
 * Deterministic for (samples in order, the seed and options the model was made with).
 * The targets are what each sample's evaluation measured (`layers[l].cycles`/`energy` for
 * per-layer models, `edp` for network models).
 */
export interface PerformanceModel {
  readonly id: string;
  fit(samples: readonly Sample[]): Promise<void>;
  update(samples: readonly Sample[]): Promise<void>;
  /** One batched call for many points of one workload; see {@link Prediction} for shapes and units. */
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
