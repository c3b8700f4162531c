import {
  ACCUMULATOR_WORD_BYTES, DIMS, type Dim, type DesignPoint, type HardwareConfig, type HardwareSpace, type Layer, type LoopOrders, type Loop, type Mapping,
  RELAXED_FACTORS_PER_LAYER, RELAXED_SPATIAL_C, RELAXED_SPATIAL_K, type Workload, inputHeight, inputWidth, makeMapping,
  minimalHardware, relaxedTemporalIndex, splitIntoFactors, tileExtents, tileWords,
} from '@polaris/core';

/**
 * From a relaxed design vector back to a valid design point: DOSA's `round_mapping` (each
 * factor to the nearest divisor of what is left of its dimension, spatial first, then L0, L1,
 * L2; DRAM takes the rest), then the minimal hardware of the rounded mappings (core's
 * `minimalHardware`) kept inside the run's {@link HardwareSpace}.
 *
 * Factors here are linear integers in core's relaxed layout (30 per layer: `[level·7 + d]`
 * temporal, `[28]` spatial C at L1, `[29]` spatial K at L2).
 */

/** Largest tiles the space's biggest buffers hold, and its largest PE array. */
export interface TileLimits {
  /** Largest power of two within the space's peDim range: the cap on every spatial factor. */
  readonly maxSpatial: number;
  /** Smallest power of two within the space's peDim range: the least PE array a design gets. */
  readonly minPeDim: number;
  /** W + I words (bytes) of the largest scratchpad. */
  readonly scratchpadWords: number;
  /** KiB of the largest accumulator. */
  readonly accumulatorKB: number;
}

export function tileLimits(space: HardwareSpace): TileLimits {
  return {
    maxSpatial: 2 ** Math.floor(Math.log2(space.ranges.peDim[1])),
    minPeDim: Math.max(2, 2 ** Math.ceil(Math.log2(space.ranges.peDim[0]))),
    scratchpadWords: Math.floor(space.ranges.spKB[1]) * 1024,
    accumulatorKB: Math.floor(space.ranges.accKB[1]),
  };
}

/**
 * The slots of a dimension in rounding order, as offsets in a layer's block (DRAM last): spatial,
 * then temporal L0 (only P, Q and N: a PE register holds one weight), L1, L2, L3.
 */
function roundingSlots(dim: Dim): number[] {
  const slots: number[] = [];
  if (dim === 'C') slots.push(RELAXED_SPATIAL_C);
  if (dim === 'K') slots.push(RELAXED_SPATIAL_K);
  for (let level = dim === 'P' || dim === 'Q' || dim === 'N' ? 0 : 1; level < 4; level++) slots.push(relaxedTemporalIndex(level, dim));
  return slots;
}
const SLOTS: Readonly<Record<Dim, number[]>> = Object.fromEntries(DIMS.map((d) => [d, roundingSlots(d)])) as Record<Dim, number[]>;

/**
 * Integer factors of one layer from its ln factors `x` (offset `base`; per dimension they should
 * sum to ln of the dimension, as the optimizer's do): per dimension, each slot takes the divisor
 * of what is left closest in ln to its share (core's `splitIntoFactors`: shares renormalised over
 * the slots still open; ln factors below 0 count as 0), spatial factors capped at `maxSpatial`;
 * DRAM takes the rest.
 */
export function roundLayer(layer: Layer, x: ArrayLike<number>, base: number, maxSpatial: number): Float64Array {
  const factors = new Float64Array(RELAXED_FACTORS_PER_LAYER).fill(1);
  for (const dim of DIMS) {
    const slots = SLOTS[dim];
    const weights = slots.map((s) => Math.max(0, x[base + s]));
    const caps = slots.map((s) => (s === RELAXED_SPATIAL_C || s === RELAXED_SPATIAL_K ? maxSpatial : undefined));
    splitIntoFactors(layer[dim], weights, caps).forEach((f, i) => { factors[slots[i]] = f; });
  }
  return factors;
}

/** Extent of `dim` over levels 0 … `level` (temporal and, where present, spatial). */
function extent(f: Float64Array, dim: Dim, level: number): number {
  let e = 1;
  for (let l = 0; l <= level; l++) e *= f[relaxedTemporalIndex(l, dim)];
  if (dim === 'C' && level >= 1) e *= f[RELAXED_SPATIAL_C];
  if (dim === 'K' && level >= 2) e *= f[RELAXED_SPATIAL_K];
  return e;
}

const scratchpadWords = (layer: Layer, f: Float64Array): number => {
  const [r, s, p, q, c, k, n] = DIMS.map((d) => extent(f, d, 2));
  return r * s * c * k + n * c * inputWidth(layer, p, r) * inputHeight(layer, q, s);
};
const accumulatorWords = (f: Float64Array): number => (['P', 'Q', 'K', 'N'] as const).reduce((w, d) => w * extent(f, d, 1), 1);

/**
 * Moves factors out to DRAM until the layer's tiles fit the largest buffers of the space: the
 * largest factor among `offsets` loses its smallest prime to the dimension's DRAM factor, until
 * `fits`. Rounding rarely needs it (the model already prices big buffers); it keeps every
 * rounded design inside the space.
 */
function shrinkUntil(f: Float64Array, offsets: readonly number[], fits: () => boolean): void {
  while (!fits()) {
    let best = -1;
    for (const o of offsets) if (f[o] > 1 && (best < 0 || f[o] > f[best])) best = o;
    if (best < 0) return; // nothing left to move
    const prime = smallestPrime(f[best]);
    const dim = best === RELAXED_SPATIAL_C ? 4 : best === RELAXED_SPATIAL_K ? 5 : best % 7;
    f[best] /= prime;
    f[21 + dim] *= prime;
  }
}

function smallestPrime(n: number): number {
  for (let p = 2; p * p <= n; p++) if (n % p === 0) return p;
  return n;
}

const TEMPORAL_L2_DOWN = [2, 1, 0].flatMap((level) => DIMS.map((d) => relaxedTemporalIndex(level, d)));
const OUTPUT_L1_DOWN = [1, 0].flatMap((level) => (['P', 'Q', 'K', 'N'] as const).map((d) => relaxedTemporalIndex(level, d)));

/** {@link shrinkUntil} for both buffers: the scratchpad's W + I tile, then the accumulator's O tile on `peDim`. */
export function fitTiles(layer: Layer, f: Float64Array, limits: TileLimits, peDim: number): void {
  shrinkUntil(f, [...TEMPORAL_L2_DOWN, RELAXED_SPATIAL_K, RELAXED_SPATIAL_C], () => scratchpadWords(layer, f) <= limits.scratchpadWords);
  const accumulatorLimit = Math.floor((limits.accumulatorKB * 1024) / 4 / peDim);
  shrinkUntil(f, OUTPUT_L1_DOWN, () => accumulatorWords(f) <= accumulatorLimit);
}

/**
 * The mapping of integer factors under `orders`: per level, its temporal loops with factor > 1
 * in order (outer → inner), then its spatial loop (innermost, as the template writes it); a level
 * with neither prints `N1`, as the analytical mapper and DOSA write it.
 */
export function mappingOf(f: Float64Array, orders: LoopOrders): Mapping {
  const levels: Loop[][] = orders.map((order, level) => {
    const loops: Loop[] = [];
    for (const dim of order) {
      const factor = f[relaxedTemporalIndex(level, dim)];
      if (factor > 1) loops.push({ dim, factor, spatial: false });
    }
    if (level === 1 && f[RELAXED_SPATIAL_C] > 1) loops.push({ dim: 'C', factor: f[RELAXED_SPATIAL_C], spatial: true });
    if (level === 2 && f[RELAXED_SPATIAL_K] > 1) loops.push({ dim: 'K', factor: f[RELAXED_SPATIAL_K], spatial: true });
    if (loops.length === 0) loops.push({ dim: 'N', factor: 1, spatial: false }); // an empty level, as DOSA writes it
    return loops;
  });
  return makeMapping(levels);
}

/** The minimal hardware of `mappings`, raised to the space's lower bounds (a power of two for peDim). */
export function hardwareFor(workload: Workload, mappings: readonly Mapping[], space: HardwareSpace): HardwareConfig {
  const minimal = minimalHardware(workload, mappings);
  const peDim = Math.max(minimal.peDim, tileLimits(space).minPeDim);
  // The accumulator holds the largest L1 output tile in each of its peDim instances.
  const outputWords = Math.max(...workload.layers.map(({ layer }, i) => tileWords(layer, tileExtents(mappings[i], 1), 'O')));
  return {
    peDim,
    spKB: Math.max(minimal.spKB, Math.ceil(space.ranges.spKB[0])),
    accKB: Math.max(Math.ceil((peDim * outputWords * ACCUMULATOR_WORD_BYTES) / 1024), Math.ceil(space.ranges.accKB[0])),
  };
}

/** Rounds every layer of `x` to integer factors that fit the space (the peDim is the rounded design's own). */
export function roundDesign(workload: Workload, x: Float64Array, limits: TileLimits): Float64Array[] {
  const factors = workload.layers.map(({ layer }, l) => roundLayer(layer, x, l * RELAXED_FACTORS_PER_LAYER, limits.maxSpatial));
  let spatial = 2;
  for (const f of factors) spatial = Math.max(spatial, f[RELAXED_SPATIAL_C], f[RELAXED_SPATIAL_K]);
  const peDim = Math.max(limits.minPeDim, 2 ** Math.ceil(Math.log2(spatial)));
  workload.layers.forEach(({ layer }, l) => fitTiles(layer, factors[l], limits, peDim));
  return factors;
}

/** The design point of integer factors under `orders`, on its minimal hardware within the space. */
export function designOf(workload: Workload, factors: readonly Float64Array[], orders: readonly LoopOrders[], space: HardwareSpace): DesignPoint {
  const mappings = factors.map((f, l) => mappingOf(f, orders[l]));
  return { hardware: hardwareFor(workload, mappings, space), mappings };
}
