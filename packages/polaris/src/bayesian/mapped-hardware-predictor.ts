import type { DesignPoint, HardwareConfig, PerformanceModel, Prediction, Workload } from '@polaris/core';
import { withBatchSignal } from '../mapping/batch-signal.js';
import { type MappingSampler, hardwareKey } from '../mapping/mapping-sampler.js';
import type { HardwarePredictor } from './batch-ranking.js';
import { type CandidatePool, keepCandidates } from './candidate-pool.js';

/**
 * Lets `bayesian` score hardware with a model that reads mappings (Starlight, DOSA's predictor:
 * no `predictHardware`): every pool candidate is mapped by the optimizer's {@link MappingSampler}
 * — the same seeded mappings a pick then gets, so a pick is exactly the point that was scored,
 * and its mapping afterwards is a cache hit — and the design points are predicted in one batch.
 *
 * Such a model cannot condition on pending points, so the `believer` rule ranks by the
 * acquisition alone (a batch is the q best distinct candidates); `penalisation` keeps a batch apart.
 *
 * Lifecycle: one per ask, made after the model was fitted; it remembers the last prediction
 * (the believer asks for the same pool at every pick).
 */
export class MappedHardwarePredictor implements HardwarePredictor {
  private last?: { readonly hardware: readonly HardwareConfig[]; readonly prediction: Prediction };

  constructor(private readonly model: PerformanceModel, private readonly sampler: MappingSampler) {}

  /**
   * `pool` without the candidates on which some layer fits no mapping, mapping every candidate
   * (concurrently, through the sampler's batches).
   * @throws (rejects) with `signal.reason` when aborted.
   */
  async feasiblePool(pool: CandidatePool, signal: AbortSignal): Promise<CandidatePool> {
    const mapped = await withBatchSignal(signal, pool.hardware.length, (batch) => Promise.all(pool.hardware.map((hardware) => this.sampler.mapAll(hardware, batch))));
    return keepCandidates(pool, mapped.map((mappings) => mappings !== undefined));
  }

  /** The model's prediction of `hardware` with the mapper's mappings; `options.pending` is ignored (see the class comment). */
  async predictHardware(hardware: readonly HardwareConfig[], workload: Workload): Promise<Prediction> {
    if (this.last?.hardware === hardware) return this.last.prediction;
    const points = await Promise.all(hardware.map(async (h): Promise<DesignPoint> => {
      const mappings = await this.sampler.mapAll(h);
      if (!mappings) throw new Error(`bayesian: hardware ${hardwareKey(h)} fits no mapping of ${workload.name}, so model "${this.model.id}" cannot score it`);
      return { hardware: h, mappings };
    }));
    const prediction = await this.model.predict(points, workload);
    this.last = { hardware, prediction };
    return prediction;
  }
}
