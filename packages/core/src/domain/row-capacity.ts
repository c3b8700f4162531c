import { ACCUMULATOR_WORD_BYTES, type HardwareConfig } from './hardware.js';
import { DIMS, type Dim, type Layer, inputHeight, inputWidth } from './layer.js';
import type { Mapping } from './mapping.js';
import type { MappingViolation } from './mapping-validity.js';

/**
 * Row-granular buffer capacity: the Gemmini template's row-organised scratchpad and accumulator,
 * which is what our RTL accelerator (packages/rtl-sim) implements and its program generator
 * allocates. This is the single source of truth for that rule; it is STRICTER than Timeloop's
 * word-count rule in mapping-validity.ts, which packs tiles byte by byte.
 *
 * Buffers are arrays of rows, DIM = peDim wide:
 * - a scratchpad row holds DIM bytes; there are floor(spKB·1024 / DIM) rows;
 * - an accumulator row holds DIM int32 words; there are floor(accKB·1024 / (4·DIM)) rows.
 *
 * With `c` = the spatial C factor at L1 (PE rows in use) and `k` = the spatial K factor at L2
 * (PE columns in use), the generator fills only `k` bytes of a weight row and `c` bytes of an
 * input row:
 * - weights: the L2 tile is R2·S2·(K2/k)·(C2/c) blocks of `c` rows (a PRELOAD block is `c`
 *   consecutive rows, each holding the `k` output channels of one input channel), so
 *   weightRows = R2·S2·(K2/k)·(C2/c)·c;
 * - inputs: one row per pixel of the L2 tile's input bounding box and channel block,
 *   inputRows = N2·H2·W2·(C2/c), H2/W2 the sliding-window extents of the tile (halo included);
 * - scratchpad rows = weightRows + inputRows (one copy of each tile; double-buffering is extra);
 * - accumulator: one row per (n, p, q, k-block) of the L1 output tile,
 *   accumulatorRows = N1·P1·Q1·K1.
 * X2 are the L2 tile extents (every loop at levels 0..2, both spatial loops included); X1 the L1
 * tile extents (levels 0..1) without L2's spatial K, so K1 counts k-blocks. The accumulator rule
 * is numerically Timeloop's per-instance word rule (one instance per PE column = one word of
 * each row); the scratchpad rule differs whenever c < DIM or k < DIM: the unused (DIM − k) bytes
 * of each weight row and (DIM − c) bytes of each input row are wasted.
 *
 * The functions assume the template's spatial structure (spatial C only at L1, K only at L2,
 * factors dividing exactly); `mappingViolations` reports anything else.
 */

/** The tile shape the row rule reads: L1/L2 extents and the spatial block `c × k`. */
export interface RowTileShape {
  /** Per dimension, the product of the factors at levels ≤ 1, L2's spatial K excluded. */
  readonly l1: Readonly<Record<Dim, number>>;
  /** Per dimension, the product of the factors at levels ≤ 2, both spatial loops included. */
  readonly l2: Readonly<Record<Dim, number>>;
  /** Spatial C at L1: PE rows in use, input channels per scratchpad row. */
  readonly c: number;
  /** Spatial K at L2: PE columns in use, output channels per weight and accumulator row. */
  readonly k: number;
}

/** Rows of one copy of each tile and the rows the buffers have. */
export interface RowFootprint {
  /** Scratchpad rows of the L2 weight tile: R2·S2·(K2/k)·(C2/c)·c. */
  readonly weightRows: number;
  /** Scratchpad rows of the L2 input tile: N2·H2·W2·(C2/c). */
  readonly inputRows: number;
  /** weightRows + inputRows. */
  readonly scratchpadRows: number;
  /** floor(spKB·1024 / DIM). */
  readonly scratchpadLimitRows: number;
  /** Accumulator rows of the L1 output tile: N1·P1·Q1·K1. */
  readonly accumulatorRows: number;
  /** floor(accKB·1024 / (4·DIM)). */
  readonly accumulatorLimitRows: number;
}

/** Rows of the scratchpad (DIM bytes each) and the accumulator (DIM int32 each), floored. */
export function rowCapacityLimits(hardware: HardwareConfig): { readonly scratchpadLimitRows: number; readonly accumulatorLimitRows: number } {
  const dim = hardware.peDim;
  return {
    scratchpadLimitRows: Math.floor((hardware.spKB * 1024) / dim),
    accumulatorLimitRows: Math.floor((hardware.accKB * 1024) / (ACCUMULATOR_WORD_BYTES * dim)),
  };
}

const ones = (): Record<Dim, number> => ({ R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1 });

/** The {@link RowTileShape} of a mapping. */
export function rowTileShape(mapping: Mapping): RowTileShape {
  const l1 = ones();
  const l2 = ones();
  let c = 1;
  let k = 1;
  for (let level = 0; level <= 2; level++) {
    for (const loop of mapping.levels[level].loops) {
      l2[loop.dim] *= loop.factor;
      if (level <= 1 && !(loop.spatial && loop.dim === 'K')) l1[loop.dim] *= loop.factor;
      if (loop.spatial && level === 1 && loop.dim === 'C') c *= loop.factor;
      if (loop.spatial && level === 2 && loop.dim === 'K') k *= loop.factor;
    }
  }
  return { l1, l2, c, k };
}

/** The {@link RowFootprint} of a tile shape (the program generator calls this with its loop nest). */
export function rowFootprintOfShape(layer: Layer, hardware: HardwareConfig, shape: RowTileShape): RowFootprint {
  const { l1, l2, c, k } = shape;
  const weightRows = l2.R * l2.S * (l2.K / k) * (l2.C / c) * c;
  const inputRows = l2.N * inputHeight(layer, l2.Q, l2.S) * inputWidth(layer, l2.P, l2.R) * (l2.C / c);
  return {
    weightRows,
    inputRows,
    scratchpadRows: weightRows + inputRows,
    accumulatorRows: l1.N * l1.P * l1.Q * l1.K,
    ...rowCapacityLimits(hardware),
  };
}

/** Rows the mapping's tiles need in the row-organised buffers, and the rows available. */
export function rowGranularFootprint(layer: Layer, hardware: HardwareConfig, mapping: Mapping): RowFootprint {
  return rowFootprintOfShape(layer, hardware, rowTileShape(mapping));
}

const tileText = (e: Readonly<Record<Dim, number>>, dims: readonly Dim[]): string => dims.map((d) => `${d}${e[d]}`).join(' ');

/**
 * Every way the mapping's tiles overflow the row-organised buffers ('scratchpad-rows',
 * 'accumulator-rows'); empty when they fit. Assumes a mapping that is otherwise valid
 * (see `mappingViolations`), which checks Timeloop's word-count rule.
 */
export function rowCapacityViolations(layer: Layer, hardware: HardwareConfig, mapping: Mapping): MappingViolation[] {
  const shape = rowTileShape(mapping);
  const f = rowFootprintOfShape(layer, hardware, shape);
  const { l1, l2, c, k } = shape;
  const dim = hardware.peDim;
  const out: MappingViolation[] = [];
  if (f.scratchpadRows > f.scratchpadLimitRows) {
    out.push({
      code: 'scratchpad-rows',
      message: `scratchpad rows: the L2 tile (${tileText(l2, DIMS)}) needs ${f.scratchpadRows} rows of ${dim} bytes `
        + `(weights ${f.weightRows}: ${f.weightRows / c} blocks of c=${c} rows, each row holding k=${k} of ${dim} bytes; `
        + `inputs ${f.inputRows}: one row of c=${c} bytes per input pixel and channel block) but spKB=${hardware.spKB} gives ${f.scratchpadLimitRows} rows; `
        + `the row layout wastes ${dim - k} bytes per weight row and ${dim - c} per input row, which Timeloop's word count does not see; `
        + `use spatial C and K factors closer to ${dim}, move factors from L0–L2 to L3, or use spKB ≥ ${(f.scratchpadRows * dim) / 1024}`,
    });
  }
  if (f.accumulatorRows > f.accumulatorLimitRows) {
    out.push({
      code: 'accumulator-rows',
      message: `accumulator rows: the L1 output tile (${tileText(l1, ['N', 'P', 'Q'])} K${l1.K}×${k}) needs ${f.accumulatorRows} rows of ${dim} int32 `
        + `but accKB=${hardware.accKB} gives ${f.accumulatorLimitRows} rows; move N/K/P/Q factors from L0–L1 to L2 or L3, `
        + `or use accKB ≥ ${(f.accumulatorRows * ACCUMULATOR_WORD_BYTES * dim) / 1024}`,
    });
  }
  return out;
}
