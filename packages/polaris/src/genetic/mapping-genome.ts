import { DIMS, DIM_INDEX, type Dim, LEVEL_COUNT, type Loop, type Mapping, TEMPLATE_SPATIAL, makeMapping } from '@polaris/core';

/**
 * A layer's mapping as the genetic optimizer edits it: one factor per (level, dimension,
 * temporal/spatial) slot and one loop order per level, in plain arrays that operators copy
 * and change. Levels are numbered as in core's {@link Mapping}: 0 registers … 3 DRAM;
 * dimensions are indices into {@link DIMS}.
 *
 * The factors of a dimension over all its slots multiply to the layer's size in that dimension
 * (operators move factors between slots, never create them), and only the template's spatial
 * slots — C at L1, K at L2 ({@link TEMPLATE_SPATIAL}) — hold spatial factors above 1.
 */
export interface MappingGenome {
  /** `temporal[level][d]`: temporal factor of `DIMS[d]` at `level` (≥ 1). */
  readonly temporal: number[][];
  /** `spatial[level][d]`: spatial factor; above 1 only for C at L1 and K at L2. */
  readonly spatial: number[][];
  /**
   * `order[level]`: the level's temporal loops outer→inner, a permutation of 0..6 (dimension
   * indices). Only the relative order of loops with factor > 1 changes the mapping.
   */
  readonly order: number[][];
}

/** Where a factor of one dimension sits: a level's temporal loop, or its spatial loop. */
export interface FactorSlot {
  readonly level: number;
  readonly spatial: boolean;
}

const DIM_COUNT = DIMS.length;
/** Dimensions that index the weights: a factor of one at L0 would need more than the PE's single weight register. */
const WEIGHT_DIMS: ReadonlySet<Dim> = new Set(['R', 'S', 'C', 'K']);

/**
 * The slots a factor of `dim` may live in on the template: temporal L0 (only P, Q and N — the
 * registers hold one weight), L1, L2 and L3, and the template's spatial slot of `dim` if any.
 */
export function slotsOf(dim: Dim): readonly FactorSlot[] {
  const slots: FactorSlot[] = [];
  for (let level = WEIGHT_DIMS.has(dim) ? 1 : 0; level < LEVEL_COUNT; level++) slots.push({ level, spatial: false });
  for (let level = 0; level < LEVEL_COUNT; level++) if (TEMPLATE_SPATIAL[level] === dim) slots.push({ level, spatial: true });
  return slots;
}

/** The factor in `slot` of dimension index `d`. */
export const slotFactor = (genome: MappingGenome, d: number, slot: FactorSlot): number =>
  (slot.spatial ? genome.spatial : genome.temporal)[slot.level][d];

/** Sets the factor in `slot` of dimension index `d` (the genome must be a private copy). */
export function setSlotFactor(genome: MappingGenome, d: number, slot: FactorSlot, factor: number): void {
  (slot.spatial ? genome.spatial : genome.temporal)[slot.level][d] = factor;
}

const grid = (value: number): number[][] => Array.from({ length: LEVEL_COUNT }, () => new Array<number>(DIM_COUNT).fill(value));

/**
 * The genome of a mapping. Repeated temporal loops of one dimension at one level are merged
 * (their product, at the first one's position); a level's order lists its loops with factor > 1
 * as written, then the other dimensions in {@link DIMS} order.
 * @throws RangeError for a spatial loop outside the template (only C at L1 and K at L2).
 */
export function genomeOf(mapping: Mapping): MappingGenome {
  const temporal = grid(1);
  const spatial = grid(1);
  const order: number[][] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    const written: number[] = [];
    for (const loop of mapping.levels[level].loops) {
      const d = DIM_INDEX[loop.dim];
      if (loop.spatial) {
        if (TEMPLATE_SPATIAL[level] !== loop.dim) {
          throw new RangeError(`spatial loop ${loop.dim}${loop.factor}X at L${level} is outside the template (only C at L1 and K at L2 are spatial)`);
        }
        spatial[level][d] *= loop.factor;
        continue;
      }
      temporal[level][d] *= loop.factor;
      if (loop.factor > 1 && !written.includes(d)) written.push(d);
    }
    for (let d = 0; d < DIM_COUNT; d++) if (!written.includes(d)) written.push(d);
    order.push(written);
  }
  return { temporal, spatial, order };
}

/**
 * The mapping of a genome, in the form the analytical mapper prints: per level the temporal
 * loops with factor > 1 in order, then the spatial loop (if > 1); an empty level gets `N1`.
 */
export function mappingOf(genome: MappingGenome): Mapping {
  const levels: Loop[][] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    const loops: Loop[] = [];
    for (const d of genome.order[level]) {
      if (genome.temporal[level][d] > 1) loops.push({ dim: DIMS[d], factor: genome.temporal[level][d], spatial: false });
    }
    for (let d = 0; d < DIM_COUNT; d++) {
      if (genome.spatial[level][d] > 1) loops.push({ dim: DIMS[d], factor: genome.spatial[level][d], spatial: true });
    }
    if (loops.length === 0) loops.push({ dim: 'N', factor: 1, spatial: false });
    levels.push(loops);
  }
  return makeMapping(levels);
}

/** A deep copy that operators may change. */
export function cloneGenome(genome: MappingGenome): MappingGenome {
  return {
    temporal: genome.temporal.map((row) => [...row]),
    spatial: genome.spatial.map((row) => [...row]),
    order: genome.order.map((row) => [...row]),
  };
}

/** Whether two genomes describe the same mapping (equal factors; equal order of the loops with factor > 1). */
export function sameGenome(a: MappingGenome, b: MappingGenome): boolean {
  for (let level = 0; level < LEVEL_COUNT; level++) {
    for (let d = 0; d < DIM_COUNT; d++) {
      if (a.temporal[level][d] !== b.temporal[level][d] || a.spatial[level][d] !== b.spatial[level][d]) return false;
    }
    const loopsOf = (g: MappingGenome) => g.order[level].filter((d) => g.temporal[level][d] > 1);
    const [la, lb] = [loopsOf(a), loopsOf(b)];
    if (la.some((d, i) => d !== lb[i])) return false;
  }
  return true;
}

/** Prime factors of a positive integer, ascending with repeats (1 → []). */
export function primeFactorsOf(n: number): number[] {
  const primes: number[] = [];
  let rest = n;
  for (let p = 2; p * p <= rest; p += p === 2 ? 1 : 2) {
    for (; rest % p === 0; rest /= p) primes.push(p);
  }
  if (rest > 1) primes.push(rest);
  return primes;
}
