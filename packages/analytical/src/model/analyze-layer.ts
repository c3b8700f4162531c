import {
  DIMS, type HardwareConfig, type Layer, type LayerEvaluation, type LevelAccesses, type Mapping, type Tensor,
  TEMPLATE_KEEPS, TENSORS, type TensorAccesses, cycles, picoJoules,
} from '@polaris/core';
import type { AnalyticalOptions } from './analytical-options.js';
import {
  DETAIL_CYCLES, DETAIL_ENERGY, DETAIL_INSTANCES, DETAIL_LENGTH, SCORE, SCORE_LENGTH, createLayerKernel,
} from './layer-kernel.js';
import {
  PACKED_SPATIAL_C, PACKED_SPATIAL_K, type PackedMapping, packMapping, packedTotalFactor,
} from './packed-mapping.js';

/**
 * Every way a packed mapping fails to describe the layer on the hardware: factors whose product
 * differs from the layer's dimension, factors < 1, spatial factors beyond peDim. Capacity is not
 * checked here (see `fitsCapacity`).
 */
export function packedMappingViolations(layer: Layer, hw: HardwareConfig, p: PackedMapping): string[] {
  const problems: string[] = [];
  for (let i = 0; i < p.length; i++) {
    if (i < 28 || i >= 56 ? p[i] < 1 : p[i] < 0 || p[i] > 6) problems.push(`packed entry ${i} = ${p[i]} is out of range`);
  }
  DIMS.forEach((dim, d) => {
    const total = packedTotalFactor(p, d);
    if (total !== layer[dim]) problems.push(`factors of ${dim} multiply to ${total}, but the layer has ${dim} = ${layer[dim]}`);
  });
  if (p[PACKED_SPATIAL_C] > hw.peDim) problems.push(`spatial C${p[PACKED_SPATIAL_C]} at L1 exceeds the ${hw.peDim} PE rows`);
  if (p[PACKED_SPATIAL_K] > hw.peDim) problems.push(`spatial K${p[PACKED_SPATIAL_K]} at L2 exceeds the ${hw.peDim} PE columns`);
  return problems;
}

/**
 * Evaluates one layer under one mapping with Timeloop's semantics for the Gemmini template
 * (DESIGN.md Appendix A). Accesses are reported per level with the instances in use; each
 * tensor's counts are summed over those instances.
 * @throws RangeError if the mapping does not cover the layer or exceeds the PE array.
 */
export function analyzeLayer(layer: Layer, hardware: HardwareConfig, mapping: Mapping, options?: AnalyticalOptions): LayerEvaluation {
  return analyzePackedLayer(layer, hardware, packMapping(mapping), options);
}

/** {@link analyzeLayer} on a packed mapping. */
export function analyzePackedLayer(layer: Layer, hardware: HardwareConfig, packed: PackedMapping, options?: AnalyticalOptions): LayerEvaluation {
  const problems = packedMappingViolations(layer, hardware, packed);
  if (problems.length > 0) throw new RangeError(`mapping does not fit the layer/hardware: ${problems.join('; ')}`);
  const out = new Float64Array(SCORE_LENGTH);
  const detail = new Float64Array(DETAIL_LENGTH);
  createLayerKernel(layer, hardware, options)(packed, out, detail);
  const accesses: LevelAccesses[] = [];
  for (let level = 0; level < 4; level++) {
    const instances = detail[DETAIL_INSTANCES + level];
    const tensors: Partial<Record<Tensor, TensorAccesses>> = {};
    TENSORS.forEach((tensor, t) => {
      if (!TEMPLATE_KEEPS[level].includes(tensor)) return;
      const at = (level * 3 + t) * 3;
      tensors[tensor] = {
        reads: detail[at] * instances,
        fills: detail[at + 1] * instances,
        updates: detail[at + 2] * instances,
      };
    });
    accesses.push({
      level,
      instances,
      tensors,
      energy: picoJoules(detail[DETAIL_ENERGY + level]),
      cycles: cycles(detail[DETAIL_CYCLES + level]),
    });
  }
  return {
    cycles: cycles(out[SCORE.cycles]),
    energy: picoJoules(out[SCORE.energy]),
    macs: out[SCORE.macs],
    accesses,
  };
}
