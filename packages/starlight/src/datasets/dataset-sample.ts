import type { HardwareConfig, Layer, LayerEvaluation, Mapping } from '@polaris/core';

/** The high-fidelity truth of one layer: what a model learns to predict. */
export interface DatasetTarget {
  /** Cycles of one execution of the layer. */
  readonly cycles: number;
  /** Energy of one execution of the layer, pJ. */
  readonly energy: number;
}

/**
 * One training example: a layer mapped onto hardware, what the analytical model says of it
 * (the featurizer's strongest input) and the target at the dataset's fidelity.
 */
export interface DatasetSample {
  readonly hardware: HardwareConfig;
  readonly layer: Layer;
  readonly mapping: Mapping;
  /** The analytical model's evaluation of this layer (accesses per level, cycles, energy). */
  readonly analytical: LayerEvaluation;
  readonly target: DatasetTarget;
  /**
   * Where the target comes from: `analytical`, `rtl`, `firesim:<file>`, … — so datasets from
   * different sources can be mixed and told apart.
   */
  readonly source: string;
}
