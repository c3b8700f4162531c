import {
  type HardwareConfig, type Layer, LayerDoesNotFitError, type MapperResult, Random, assertValidMapping,
  bufferCapacities, describeLayer, formatHardware, layerKey,
} from '@polaris/core';
import type { AnalyticalOptions } from '../model/analytical-options.js';
import { createLayerScorer } from '../model/layer-scorer.js';
import { unpackMapping } from '../model/packed-mapping.js';
import { FactorSpace } from './factor-space.js';
import { DEFAULT_SEARCH_BUDGET, searchMapping } from './mapping-search.js';

/** Options of {@link mapLayer} and the AnalyticalMapper. Scoring calls per layer ≈ samples + improvementSteps. */
export interface MapperOptions {
  /** Random candidates per layer (default 500). */
  readonly samples?: number;
  /** Local-improvement proposals per layer (default 3000). */
  readonly improvementSteps?: number;
  /** Best samples that local improvement starts from (default 4). */
  readonly starts?: number;
  /** Options of the analytical model the mapper scores with (energy table, bandwidths). */
  readonly model?: AnalyticalOptions;
}

/** A mapper result with the search's bookkeeping. */
export interface LayerMapping extends MapperResult {
  /** energy · cycles of the layer, pJ·cycles. */
  readonly edp: number;
  /** Scoring calls the search made. */
  readonly evaluations: number;
}

/**
 * Finds a valid mapping of `layer` on `hardware` minimising the layer's EDP under the analytical
 * model: seeded random-pruned sampling plus local improvement (see `searchMapping`).
 * Deterministic for a given seed and options.
 * @throws LayerDoesNotFitError when not even the all-DRAM mapping fits the buffers; the message
 * names the layer and the smallest buffers that work.
 */
export function mapLayer(layer: Layer, hardware: HardwareConfig, seed: number, options: MapperOptions = {}): LayerMapping {
  const space = new FactorSpace(layer, hardware);
  if (!space.anythingFits) throw doesNotFit(layer, hardware);
  const scorer = createLayerScorer(layer, hardware, options.model);
  const rng = new Random(seed).fork(`map ${layerKey(layer)}`);
  const result = searchMapping(space, scorer, rng, {
    samples: options.samples ?? DEFAULT_SEARCH_BUDGET.samples,
    improvementSteps: options.improvementSteps ?? DEFAULT_SEARCH_BUDGET.improvementSteps,
    starts: options.starts ?? DEFAULT_SEARCH_BUDGET.starts,
  });
  const mapping = unpackMapping(result.packed);
  assertValidMapping(layer, hardware, mapping);
  return { mapping, cycles: result.cycles, energy: result.energy, edp: result.edp, evaluations: result.evaluations };
}

function doesNotFit(layer: Layer, hw: HardwareConfig): LayerDoesNotFitError {
  const caps = bufferCapacities(hw);
  const problems: string[] = [];
  if (caps.accumulatorWordsPerInstance < 1) {
    const minAccKB = (4 * hw.peDim) / 1024;
    problems.push(`each of the ${hw.peDim} accumulator instances (one per PE column) gets ${(hw.accKB * 1024) / hw.peDim} bytes, less than one 4-byte output word; use accKB ≥ ${minAccKB} (4 B × peDim) or a smaller peDim`);
  }
  if (caps.scratchpadWords < 2) {
    problems.push(`the scratchpad holds ${caps.scratchpadWords} byte(s), less than one weight plus one input byte; use spKB ≥ ${2 / 1024} (2 bytes)`);
  }
  return new LayerDoesNotFitError(
    `layer ${describeLayer(layer)} (${layerKey(layer)}) does not fit on ${formatHardware(hw)} even with every loop at DRAM: ${problems.join('; ')}`,
  );
}
