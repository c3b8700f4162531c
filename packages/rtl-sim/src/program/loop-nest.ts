import { type Dim, type Mapping, DIMS } from '@polaris/core';

/**
 * A mapping flattened into one temporal loop nest, the form the program generator walks.
 *
 * Loops run outer→inner: L3's temporal loops in the mapping's order, then L2's, L1's and L0's
 * (factor-1 loops dropped). The two spatial loops are not loops of the program: C at L1 is the
 * `c` PE rows of a weight block, K at L2 the `k` PE columns.
 *
 * Each dimension's global index is composed from its factors outer→inner in nest order, with
 * one deliberate choice: spatial K is the INNERMOST part of K (below L1's temporal K loops),
 * so a block's `k` columns are `k` consecutive output channels (contiguous in DRAM and in an
 * accumulator row). Timeloop puts spatial K between L2's and L1's temporal loops; the two
 * labellings differ only by a permutation of the output channels, so tiles, reuse and traffic
 * are the same. Spatial C at L1 is innermost in C anyway (L0 holds no C in a valid mapping).
 */
export interface NestLoop {
  /** Mapping level 0..3 the loop belongs to. */
  readonly level: number;
  readonly dim: Dim;
  /** Trip count (> 1). */
  readonly factor: number;
  /** Multiplier of this loop's index in its dimension's global index. */
  readonly mult: number;
}

/** The flattened nest of a mapping and its spatial block shape. */
export interface LoopNest {
  /** Temporal loops with factor > 1, outer→inner. */
  readonly loops: readonly NestLoop[];
  /** Spatial C at L1: PE rows in use, input channels per scratchpad row. */
  readonly c: number;
  /** Spatial K at L2: PE columns in use, output channels per accumulator row. */
  readonly k: number;
  /** Per dimension, the product of factors at levels ≤ 1 (the accumulator tile, spatial K excluded). */
  readonly l1: Readonly<Record<Dim, number>>;
  /** Per dimension, the product of factors at levels ≤ 2 (the scratchpad tile, spatial loops included). */
  readonly l2: Readonly<Record<Dim, number>>;
}

/** Dimensions that index each tensor, as sets for the generator's tests. */
export const WEIGHT_DIMS: ReadonlySet<Dim> = new Set<Dim>(['R', 'S', 'C', 'K']);
export const OUTPUT_DIMS: ReadonlySet<Dim> = new Set<Dim>(['N', 'P', 'Q', 'K']);
export const INPUT_DIMS: ReadonlySet<Dim> = new Set<Dim>(['N', 'P', 'Q', 'R', 'S', 'C']);
/** Reduction dimensions: they index no output. */
export const REDUCTION_DIMS: ReadonlySet<Dim> = new Set<Dim>(['R', 'S', 'C']);

const ones = (): Record<Dim, number> => ({ R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1 });

/** Flattens a mapping (assumed valid for the template: spatial C only at L1, K only at L2). */
export function buildLoopNest(mapping: Mapping): LoopNest {
  const raw: { level: number; dim: Dim; factor: number }[] = [];
  /** Per dimension, indices into `raw` (temporal) or −1 (a spatial factor), outer→inner. */
  const sequence = Object.fromEntries(DIMS.map((d) => [d, [] as { ref: number; factor: number }[]])) as Record<Dim, { ref: number; factor: number }[]>;
  const l1 = ones();
  const l2 = ones();
  let c = 1;
  let k = 1;
  for (let level = 3; level >= 0; level--) {
    const loops = mapping.levels[level].loops;
    for (const loop of loops) {
      if (loop.spatial || loop.factor === 1) continue;
      sequence[loop.dim].push({ ref: raw.length, factor: loop.factor });
      raw.push({ level, dim: loop.dim, factor: loop.factor });
    }
    for (const loop of loops) {
      if (!loop.spatial) continue;
      if (loop.dim === 'C') {
        c *= loop.factor;
        sequence.C.push({ ref: -1, factor: loop.factor });
      } else if (loop.dim === 'K') {
        k *= loop.factor;
      } else {
        throw new RangeError(`spatial ${loop.dim} at L${level} is not in the template (only C at L1 and K at L2)`);
      }
    }
    for (const loop of loops) {
      if (level <= 1 && !(loop.spatial && loop.dim === 'K')) l1[loop.dim] *= loop.factor;
      if (level <= 2) l2[loop.dim] *= loop.factor;
    }
  }
  sequence.K.push({ ref: -1, factor: k });
  const mult = new Array<number>(raw.length).fill(1);
  for (const dim of DIMS) {
    let product = 1;
    const seq = sequence[dim];
    for (let i = seq.length - 1; i >= 0; i--) {
      if (seq[i].ref >= 0) mult[seq[i].ref] = product;
      product *= seq[i].factor;
    }
  }
  return { loops: raw.map((l, i) => ({ ...l, mult: mult[i] })), c, k, l1, l2 };
}
