import { ACCUMULATOR_WORD_BYTES, type HardwareConfig, SCRATCHPAD_WORD_BYTES } from '../domain/hardware.js';
import { DIMS, DIM_INDEX, type Dim } from '../domain/layer.js';
import { LEVEL_COUNT, type Mapping, levelFactor } from '../domain/mapping.js';
import { tileExtents, tileWords } from '../domain/mapping-validity.js';
import type { Workload } from '../domain/workload.js';

/**
 * A differentiable model: the value and gradient of a network's ln EDP with respect to a
 * continuous relaxation of a design point, for gradient search in the style of DOSA
 * (mapping-first: the hardware is derived from the mappings, not searched).
 *
 * ## The relaxed design vector `x`
 * A `Float64Array` of `workload.layers.length × RELAXED_FACTORS_PER_LAYER` (= 30) natural
 * logarithms of loop factors, layer-major in workload order. Within layer `l`, at offset
 * `l · 30`:
 * - `[level · 7 + d]` — ln of the temporal factor of dimension `d` (index into DIMS =
 *   R S P Q C K N) at `level` (0 registers, 1 accumulator, 2 scratchpad, 3 DRAM): 28 entries;
 * - `[28]` ({@link RELAXED_SPATIAL_C}) — ln of the spatial C factor at L1 (PE rows);
 * - `[29]` ({@link RELAXED_SPATIAL_K}) — ln of the spatial K factor at L2 (PE columns).
 *
 * `x = 0` everywhere is the mapping with every factor 1. A valid mapping has, per layer and
 * dimension, entries summing to ln(layer dimension), all ≥ 0; the model does NOT enforce either
 * (it evaluates any finite `x`): keeping the factorisation exact (e.g. the DRAM factor as the
 * remainder) and factors ≥ 1 (a penalty) is the caller's job, as are the template's structural
 * zeros (only P, Q, N temporal at L0). The gradient has the same layout.
 *
 * ## Loop orders
 * Discrete, so not part of `x`: {@link DifferentiableModel.relax} fixes them, one
 * {@link LoopOrders} per layer.
 *
 * ## How hardware enters
 * The hardware is not an input: the model derives the minimal hardware that runs the relaxed
 * mappings, as DOSA does (`min_hw` in its `mapping_driven_hw_search.py`), and prices them on it —
 * - peDim = the largest spatial factor of any layer (at least 2);
 * - spKB = the largest scratchpad tile (W + I words at L2, 1 byte each) of any layer / 1024;
 * - accKB = peDim × the largest accumulator tile (O words at L1, one instance) × 4 B / 1024;
 * with the maxima and the rounding relaxed as each model documents (no ceil, a smooth maximum).
 * Hardware then enters through the per-action energies (they grow with spKB and accKB/peDim)
 * and the bandwidths (the scratchpad's grows with peDim). {@link minimalHardware} is the same
 * rule on integer mappings with the template's rounding: what a rounded design is built on.
 */
export interface DifferentiableModel {
  readonly id: string;
  /** Names the model's code and options; changes when its values would. */
  readonly version: string;
  /**
   * Compiles the relaxation of `workload` with the loop orders fixed.
   * @param orders one per unique layer of `workload`, in workload order.
   * @throws RangeError when the number of orders differs from the number of layers or an order
   *   is not a permutation of DIMS at every level.
   */
  relax(workload: Workload, orders: readonly LoopOrders[]): RelaxedObjective;
}
/** DI token for {@link DifferentiableModel}. */
export const DifferentiableModel = Symbol.for('polaris.DifferentiableModel');

/** A workload's relaxed objective with its loop orders fixed; see {@link DifferentiableModel} for `x`. */
export interface RelaxedObjective {
  readonly workload: Workload;
  readonly orders: readonly LoopOrders[];
  /** Length of `x` and of the gradient: layers × {@link RELAXED_FACTORS_PER_LAYER}. */
  readonly length: number;
  /**
   * Evaluates the network at `x`; when `gradient` is given (length {@link length}), writes
   * ∂ ln EDP / ∂x into it (overwriting it). Deterministic and pure.
   * @throws RangeError when `x` or `gradient` has the wrong length.
   */
  evaluate(x: Float64Array, gradient?: Float64Array): RelaxedEvaluation;
}

/** The value of a {@link RelaxedObjective} at one `x`. */
export interface RelaxedEvaluation {
  /** ln(Σ cycles · Σ energy in pJ), repeat counts included: the value whose gradient is returned. */
  readonly lnEdp: number;
  /** Σ count · cycles over the layers. */
  readonly cycles: number;
  /** Σ count · energy in pJ over the layers. */
  readonly energy: number;
  /** The relaxed minimal hardware the value was priced on (real-valued, not rounded). */
  readonly hardware: HardwareConfig;
}

/** Loop order of one level: the 7 dimensions outer → inner (a permutation of DIMS). */
export type LevelOrder = readonly Dim[];
/** Loop orders of one layer's mapping, indexed by level (0 registers … 3 DRAM). */
export type LoopOrders = readonly [LevelOrder, LevelOrder, LevelOrder, LevelOrder];

/** Entries of `x` per layer: 4 levels × 7 temporal factors, spatial C at L1, spatial K at L2. */
export const RELAXED_FACTORS_PER_LAYER = 30;
/** Offset within a layer's block of ln(spatial C at L1). */
export const RELAXED_SPATIAL_C = 28;
/** Offset within a layer's block of ln(spatial K at L2). */
export const RELAXED_SPATIAL_K = 29;

/** Offset within a layer's block of ln(temporal factor of `dim` at `level`). */
export const relaxedTemporalIndex = (level: number, dim: Dim): number => level * DIMS.length + DIM_INDEX[dim];

/**
 * The relaxed vector of integer mappings (one per layer): ln of every factor in the layout of
 * {@link DifferentiableModel}. Several temporal loops of one dim at one level multiply.
 */
export function encodeRelaxedFactors(mappings: readonly Mapping[]): Float64Array {
  const x = new Float64Array(mappings.length * RELAXED_FACTORS_PER_LAYER);
  mappings.forEach((mapping, l) => {
    const base = l * RELAXED_FACTORS_PER_LAYER;
    for (let level = 0; level < LEVEL_COUNT; level++) {
      for (const dim of DIMS) x[base + relaxedTemporalIndex(level, dim)] = Math.log(levelFactor(mapping, level, dim, false));
    }
    x[base + RELAXED_SPATIAL_C] = Math.log(levelFactor(mapping, 1, 'C', true));
    x[base + RELAXED_SPATIAL_K] = Math.log(levelFactor(mapping, 2, 'K', true));
  });
  return x;
}

/**
 * A mapping's loop orders in canonical form: per level, its temporal loops with factor > 1 in
 * text order (outer → inner), then the other dimensions in DIMS order (a trip-1 loop has no
 * effect wherever it sits, so those are innermost).
 */
export function loopOrdersOf(mapping: Mapping): LoopOrders {
  const orders = mapping.levels.map((level) => {
    const nontrivial: Dim[] = [];
    for (const loop of level.loops) if (!loop.spatial && loop.factor > 1 && !nontrivial.includes(loop.dim)) nontrivial.push(loop.dim);
    return [...nontrivial, ...DIMS.filter((d) => !nontrivial.includes(d))];
  });
  return orders as unknown as LoopOrders;
}

/**
 * The minimal hardware on which integer `mappings` run (DOSA's rule, with the template's
 * rounding): peDim = the next power of two ≥ the largest spatial factor (at least 2);
 * spKB = ⌈largest L2 W + I tile in bytes / 1024⌉; accKB = ⌈peDim × largest L1 O tile × 4 B / 1024⌉.
 * Every mapping then fits its buffers (core's `mappingViolations` capacity rule). Not clamped to
 * the template's maxima: check the result with `hardwareViolations`.
 */
export function minimalHardware(workload: Workload, mappings: readonly Mapping[]): HardwareConfig {
  let spatial = 2;
  let scratchpadBytes = 1;
  let accumulatorWords = 1;
  workload.layers.forEach(({ layer }, i) => {
    const mapping = mappings[i];
    spatial = Math.max(spatial, levelFactor(mapping, 1, 'C', true), levelFactor(mapping, 2, 'K', true));
    const e2 = tileExtents(mapping, 2);
    scratchpadBytes = Math.max(scratchpadBytes, (tileWords(layer, e2, 'W') + tileWords(layer, e2, 'I')) * SCRATCHPAD_WORD_BYTES);
    accumulatorWords = Math.max(accumulatorWords, tileWords(layer, tileExtents(mapping, 1), 'O'));
  });
  const peDim = 2 ** Math.ceil(Math.log2(spatial));
  return {
    peDim,
    spKB: Math.ceil(scratchpadBytes / 1024),
    accKB: Math.ceil((peDim * accumulatorWords * ACCUMULATOR_WORD_BYTES) / 1024),
  };
}
