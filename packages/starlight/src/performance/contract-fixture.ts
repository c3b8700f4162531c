/**
 * Fixtures for the performance-model specs of this package (not exported from the package): a
 * synthetic "high fidelity" that differs from the analytical model by a factor per target, one
 * factor where the models are fitted and another where they are updated, so an update has
 * something to learn. The caller supplies the analytical evaluator and mapper (specs may import
 * fidelities; product code here may not).
 */
import {
  type Evaluator, HardwareSpace, type HardwareRanges, type Mapper, type Sample, type Workload, cycles, networkEvaluation, picoJoules,
} from '@polaris/core';
import type { DatasetSample } from '../datasets/dataset-sample.js';
import { sampleDesignPoints } from '../datasets/sample-design-points.js';
import { samplesFromEvaluations } from '../datasets/samples-from-store.js';
import { featureEvaluations } from './featurize-points.js';

/** Where and how the synthetic high fidelity differs from the analytical model (truth = analytical × factor × (spKB/128)^±0.1). */
export interface SyntheticRegion {
  readonly space: HardwareRanges;
  readonly points: number;
  readonly seed: number;
  /** Truth = analytical × these, per layer. */
  readonly cyclesFactor: number;
  readonly energyFactor: number;
}

/** `region.points` samples of `workload` whose truth is the analytical answer scaled by the region's factors. */
export async function syntheticSamples(features: Evaluator, mapper: Mapper, workload: Workload, region: SyntheticRegion): Promise<Sample[]> {
  const points = sampleDesignPoints(workload, region.points, region.seed, { hardwareSpace: new HardwareSpace(region.space), mapper });
  const analytical = await featureEvaluations(features, points, workload, 'fixture');
  return points.map((point, i) => {
    // A smooth dependence on the scratchpad besides the factor, so the truth is not a constant multiple.
    const bend = (point.hardware.spKB / 128) ** 0.1;
    return {
      point, workload,
      evaluation: networkEvaluation(workload, analytical[i].layers.map((l) => ({
        cycles: cycles(region.cyclesFactor * bend * l.cycles), energy: picoJoules(region.energyFactor / bend * l.energy), macs: l.macs,
      })), { fidelity: 'rtl', evaluator: 'synthetic', evaluatorVersion: `x${region.cyclesFactor}/x${region.energyFactor}`, costMs: 0 }),
    };
  });
}

/** Analytical per-layer samples of `n` seeded points (Starlight-Low's pretraining data). */
export async function analyticalDataset(features: Evaluator, mapper: Mapper, workload: Workload, n: number, seed: number, space: HardwareRanges = {}): Promise<DatasetSample[]> {
  const points = sampleDesignPoints(workload, n, seed, { hardwareSpace: new HardwareSpace(space), mapper });
  const evaluations = await featureEvaluations(features, points, workload, 'fixture');
  return points.flatMap((point, i) => samplesFromEvaluations(workload, point, evaluations[i], evaluations[i], 'analytical'));
}

/** Fitted where peDim is 4–16, updated where it is 32–64 with other factors. */
export const FIT_REGION: Omit<SyntheticRegion, 'points'> = { space: { peDim: [4, 16], spKB: [32, 512], accKB: [16, 128] }, seed: 2, cyclesFactor: 1.3, energyFactor: 0.8 };
export const UPDATE_REGION: Omit<SyntheticRegion, 'points'> = { space: { peDim: [32, 64], spKB: [64, 1024], accKB: [32, 256] }, seed: 3, cyclesFactor: 2, energyFactor: 1.2 };
