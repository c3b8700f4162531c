import {
  type HardwareConfig, InvalidMappingError, type Layer, LayerDoesNotFitError, type MapperResult, Random, assertValidMapping,
  bufferCapacities, describeLayer, formatHardware, layerKey, printMapping, rowCapacityLimits, rowCapacityViolations,
} from '@polaris/core';
import type { AnalyticalOptions } from '../model/analytical-options.js';
import { createLayerScorer } from '../model/layer-scorer.js';
import { unpackMapping } from '../model/packed-mapping.js';
import { type BufferLayout, FactorSpace } from './factor-space.js';
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
  /**
   * Buffer capacity rule every candidate must satisfy (default `'words'`, Timeloop's rule as in
   * DOSA). `'rows'` also requires the RTL's row-organised buffers to hold the tiles (core's
   * `rowCapacityViolations`), so the mapping can be run by the rtl fidelity; see {@link BufferLayout}.
   */
  readonly bufferLayout?: BufferLayout;
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
 * With `bufferLayout: 'rows'` the result also has no `rowCapacityViolations`.
 * @throws LayerDoesNotFitError when not even the all-DRAM mapping fits the buffers; the message
 * names the layer and the smallest buffers that work (in rows with the 'rows' layout).
 */
export function mapLayer(layer: Layer, hardware: HardwareConfig, seed: number, options: MapperOptions = {}): LayerMapping {
  const bufferLayout = options.bufferLayout ?? 'words';
  const space = new FactorSpace(layer, hardware, bufferLayout);
  if (!space.anythingFits) throw doesNotFit(layer, hardware, bufferLayout);
  const scorer = createLayerScorer(layer, hardware, options.model);
  const rng = new Random(seed).fork(`map ${layerKey(layer)}`);
  const result = searchMapping(space, scorer, rng, {
    samples: options.samples ?? DEFAULT_SEARCH_BUDGET.samples,
    improvementSteps: options.improvementSteps ?? DEFAULT_SEARCH_BUDGET.improvementSteps,
    starts: options.starts ?? DEFAULT_SEARCH_BUDGET.starts,
  });
  const mapping = unpackMapping(result.packed);
  assertValidMapping(layer, hardware, mapping);
  if (bufferLayout === 'rows') {
    const violations = rowCapacityViolations(layer, hardware, mapping);
    if (violations.length > 0) {
      throw new InvalidMappingError(`mapper bug: "${printMapping(mapping)}" breaks the row rule: ${violations.map((v) => v.message).join('; ')}`, violations);
    }
  }
  return { mapping, cycles: result.cycles, energy: result.energy, edp: result.edp, evaluations: result.evaluations };
}

function doesNotFit(layer: Layer, hw: HardwareConfig, bufferLayout: BufferLayout): LayerDoesNotFitError {
  const caps = bufferCapacities(hw);
  const rows = rowCapacityLimits(hw);
  const problems: string[] = [];
  if (caps.accumulatorWordsPerInstance < 1) {
    const minAccKB = (4 * hw.peDim) / 1024;
    problems.push(`each of the ${hw.peDim} accumulator instances (one per PE column) gets ${(hw.accKB * 1024) / hw.peDim} bytes, less than one 4-byte output word; use accKB ≥ ${minAccKB} (4 B × peDim) or a smaller peDim`);
  }
  if (caps.scratchpadWords < 2) {
    problems.push(`the scratchpad holds ${caps.scratchpadWords} byte(s), less than one weight plus one input byte; use spKB ≥ ${2 / 1024} (2 bytes)`);
  }
  if (bufferLayout === 'rows') {
    if (rows.accumulatorLimitRows < 1 && caps.accumulatorWordsPerInstance >= 1) {
      problems.push(`the accumulator has ${rows.accumulatorLimitRows} rows of ${hw.peDim} int32 (accKB·1024 / (4·${hw.peDim})), less than the one row an output tile needs; use accKB ≥ ${(4 * hw.peDim) / 1024}`);
    }
    if (rows.scratchpadLimitRows < 2 && caps.scratchpadWords >= 2) {
      problems.push(`the scratchpad has ${rows.scratchpadLimitRows} row(s) of ${hw.peDim} bytes (spKB·1024 / ${hw.peDim}), less than one weight row plus one input row `
        + `(the RTL's row-organised layout, bufferLayout 'rows'); use spKB ≥ ${(2 * hw.peDim) / 1024} (2 rows) or bufferLayout 'words'`);
    }
  }
  return new LayerDoesNotFitError(
    `layer ${describeLayer(layer)} (${layerKey(layer)}) does not fit on ${formatHardware(hw)} even with every loop at DRAM: ${problems.join('; ')}`,
  );
}
