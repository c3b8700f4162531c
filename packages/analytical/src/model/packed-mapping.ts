import { DIMS, DIM_INDEX, type Loop, LEVEL_COUNT, type Mapping, makeMapping } from '@polaris/core';

/**
 * A mapping packed into 58 int32s for allocation-free search.
 *
 * Layout (d indexes DIMS = R,S,P,Q,C,K,N; levels 0 registers … 3 DRAM):
 * - `[level*7 + d]` — temporal factor of dim d at that level (≥ 1);
 * - `[28 + level*7 + position]` — dim index (0..6) of the loop at that position, outer→inner,
 *   within the level (each level's 7 entries are a permutation of 0..6);
 * - `[56]` — spatial C factor at L1 (PE rows); `[57]` — spatial K factor at L2 (PE columns).
 */
export type PackedMapping = Int32Array;

export const PACKED_MAPPING_LENGTH = 58;
/** Offset of the per-level loop orders. */
export const PACKED_ORDER_OFFSET = 28;
/** Index of the spatial C factor at L1. */
export const PACKED_SPATIAL_C = 56;
/** Index of the spatial K factor at L2. */
export const PACKED_SPATIAL_K = 57;

const DIM_COUNT = DIMS.length;

/** A packed mapping with every factor 1 and loops in DIMS order at every level. */
export function emptyPackedMapping(): PackedMapping {
  const packed = new Int32Array(PACKED_MAPPING_LENGTH);
  for (let level = 0; level < LEVEL_COUNT; level++) {
    for (let d = 0; d < DIM_COUNT; d++) {
      packed[level * DIM_COUNT + d] = 1;
      packed[PACKED_ORDER_OFFSET + level * DIM_COUNT + d] = d;
    }
  }
  packed[PACKED_SPATIAL_C] = 1;
  packed[PACKED_SPATIAL_K] = 1;
  return packed;
}

/**
 * Packs a mapping. Each level's order lists its temporal loops with factor > 1 in text order
 * (outer→inner), then the other dims in DIMS order (a trip-1 loop has no effect wherever it sits),
 * so the packing is canonical: `packMapping(unpackMapping(packMapping(m)))` equals `packMapping(m)`.
 * @throws RangeError for a spatial loop other than C at L1 or K at L2, or a dim repeated
 * temporally within one level (the template has neither).
 */
export function packMapping(mapping: Mapping, into: PackedMapping = new Int32Array(PACKED_MAPPING_LENGTH)): PackedMapping {
  into.fill(0);
  into[PACKED_SPATIAL_C] = 1;
  into[PACKED_SPATIAL_K] = 1;
  for (let level = 0; level < LEVEL_COUNT; level++) {
    const base = level * DIM_COUNT;
    const seen = new Array<boolean>(DIM_COUNT).fill(false);
    let position = 0;
    for (const loop of mapping.levels[level].loops) {
      const d = DIM_INDEX[loop.dim];
      if (loop.spatial) {
        if (level === 1 && loop.dim === 'C') into[PACKED_SPATIAL_C] *= loop.factor;
        else if (level === 2 && loop.dim === 'K') into[PACKED_SPATIAL_K] *= loop.factor;
        else throw new RangeError(`spatial loop ${loop.dim}${loop.factor}X at L${level} is outside the template (only C at L1 and K at L2 are spatial)`);
        continue;
      }
      if (seen[d] || into[base + d] > 0) throw new RangeError(`dimension ${loop.dim} appears twice among the temporal loops of L${level}`);
      into[base + d] = loop.factor;
      if (loop.factor > 1) {
        seen[d] = true;
        into[PACKED_ORDER_OFFSET + base + position++] = d;
      }
    }
    for (let d = 0; d < DIM_COUNT; d++) {
      if (!seen[d]) {
        into[base + d] = Math.max(1, into[base + d]);
        into[PACKED_ORDER_OFFSET + base + position++] = d;
      }
    }
  }
  return into;
}

/**
 * Unpacks to a {@link Mapping}: each level prints its temporal loops with factor > 1 in order,
 * then its spatial loop (if > 1); a level with nothing to print gets `N1`, as DOSA writes it.
 */
export function unpackMapping(packed: PackedMapping): Mapping {
  const levels: Loop[][] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    const base = level * DIM_COUNT;
    const loops: Loop[] = [];
    for (let position = 0; position < DIM_COUNT; position++) {
      const d = packed[PACKED_ORDER_OFFSET + base + position];
      const factor = packed[base + d];
      if (factor > 1) loops.push({ dim: DIMS[d], factor, spatial: false });
    }
    if (level === 1 && packed[PACKED_SPATIAL_C] > 1) loops.push({ dim: 'C', factor: packed[PACKED_SPATIAL_C], spatial: true });
    if (level === 2 && packed[PACKED_SPATIAL_K] > 1) loops.push({ dim: 'K', factor: packed[PACKED_SPATIAL_K], spatial: true });
    if (loops.length === 0) loops.push({ dim: 'N', factor: 1, spatial: false });
    levels.push(loops);
  }
  return makeMapping(levels);
}

/** Product of a dim's factors (temporal and spatial) over all levels of a packed mapping. */
export function packedTotalFactor(packed: PackedMapping, d: number): number {
  let product = packed[d] * packed[DIM_COUNT + d] * packed[2 * DIM_COUNT + d] * packed[3 * DIM_COUNT + d];
  if (d === DIM_INDEX.C) product *= packed[PACKED_SPATIAL_C];
  if (d === DIM_INDEX.K) product *= packed[PACKED_SPATIAL_K];
  return product;
}
