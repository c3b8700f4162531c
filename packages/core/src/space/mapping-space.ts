import { DIMS, type Dim, type Layer } from '../domain/layer.js';
import { LEVEL_COUNT, levelFactor, type Loop, makeMapping, type Mapping, TEMPLATE_SPATIAL } from '../domain/mapping.js';
import type { Random } from '../domain/random.js';
import { factorWeights, splitIntoFactors } from './factor-split.js';

/** One factor slot of a dimension: a level's temporal loop, or a level's spatial loop. */
interface Slot {
  readonly level: number;
  readonly spatial: boolean;
}

/**
 * Slots of a dimension in assignment order: the spatial slot first (so the PE-array cap
 * applies before anything else), then temporal L0, L1, L2 and L3 last (DRAM takes the rest).
 */
function slotsOf(dim: Dim): Slot[] {
  const slots: Slot[] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) if (TEMPLATE_SPATIAL[level] === dim) slots.push({ level, spatial: true });
  for (let level = 0; level < LEVEL_COUNT; level++) slots.push({ level, spatial: false });
  return slots;
}

const SLOTS: Readonly<Record<Dim, readonly Slot[]>> = Object.fromEntries(DIMS.map((d) => [d, slotsOf(d)])) as Record<Dim, Slot[]>;
/** Columns of the tiling part: 4 temporal slots per dimension plus C's and K's spatial slot (30). */
const TILING_WIDTH = DIMS.reduce((sum, d) => sum + SLOTS[d].length, 0);
/** Columns of the loop-order part: one random key per (level, dimension) (28). */
const ORDER_WIDTH = LEVEL_COUNT * DIMS.length;

/**
 * The mapping space of one layer on the Gemmini template, encoded in [0, 1]^58.
 *
 * **Tiling** (30 columns, dimension-major in {@link DIMS} order): for each dimension, one
 * weight per slot — spatial (C at L1, K at L2 only), then temporal L0, L1, L2, L3. A slot's
 * share of log(dim) is its weight over the dimension's weight sum; decoding rounds the shares
 * to a factorisation into divisors whose product is exactly the dimension
 * ({@link splitIntoFactors}), with spatial factors capped at `peDim`. Encoding writes
 * log(factor)/log(dim), which decodes back exactly.
 *
 * **Loop order** (28 columns, level-major L0..L3, then {@link DIMS} order): random keys. A
 * level's temporal loops are listed outer→inner by ascending key (ties in {@link DIMS}
 * order); its spatial loop, if any, goes innermost, as in the template. Random keys represent
 * every permutation, unlike a categorical over a few fixed orders, and stay continuous for
 * optimizers; encoding puts the k-th loop's key at the centre of the k-th of 7 bins.
 *
 * Decoded mappings list only loops with factor > 1 and use the template's `keeps`. They
 * satisfy the factor-product and spatial rules; fitting the buffers is the evaluator's or
 * mapper's concern.
 */
export class MappingSpace {
  /** Number of columns of an encoded mapping (58). */
  readonly dimension = TILING_WIDTH + ORDER_WIDTH;
  /** Column names: `C@L1X`, `C@L0`, …, then `order@L0.R`, …. */
  readonly columns: readonly string[];

  constructor(readonly layer: Layer) {
    const tiling = DIMS.flatMap((d) => SLOTS[d].map((s) => `${d}@L${s.level}${s.spatial ? 'X' : ''}`));
    const order: string[] = [];
    for (let level = 0; level < LEVEL_COUNT; level++) for (const d of DIMS) order.push(`order@L${level}.${d}`);
    this.columns = [...tiling, ...order];
  }

  /**
   * Encodes a mapping of this layer into `out` (a new array by default) at `offset`.
   * @throws RangeError when a dimension's factors do not multiply to the layer's size or a
   *   spatial loop sits where the template has none.
   */
  encode(mapping: Mapping, out = new Float64Array(this.dimension), offset = 0): Float64Array {
    let column = offset;
    for (const dim of DIMS) {
      for (let level = 0; level < LEVEL_COUNT; level++) {
        if (TEMPLATE_SPATIAL[level] !== dim && levelFactor(mapping, level, dim, true) !== 1) {
          throw new RangeError(`cannot encode: spatial ${dim} at L${level}; the template allows only C at L1 and K at L2`);
        }
      }
      const factors = SLOTS[dim].map((s) => levelFactor(mapping, s.level, dim, s.spatial));
      const product = factors.reduce((p, f) => p * f, 1);
      if (product !== this.layer[dim]) {
        throw new RangeError(`cannot encode: ${dim} factors multiply to ${product}, but the layer has ${dim}=${this.layer[dim]}`);
      }
      for (const w of factorWeights(factors)) out[column++] = w;
    }
    for (let level = 0; level < LEVEL_COUNT; level++) {
      const ordered: Dim[] = [];
      for (const loop of mapping.levels[level].loops) {
        if (!loop.spatial && loop.factor > 1 && !ordered.includes(loop.dim)) ordered.push(loop.dim);
      }
      for (const d of DIMS) if (!ordered.includes(d)) ordered.push(d);
      for (const d of DIMS) out[column + DIMS.indexOf(d)] = (ordered.indexOf(d) + 0.5) / DIMS.length;
      column += DIMS.length;
    }
    return out;
  }

  /**
   * Decodes `dimension` columns of `x` from `offset` into a mapping of this layer.
   * @param peDim caps the spatial factors (PE array side); omit for no cap.
   */
  decode(x: ArrayLike<number>, offset = 0, peDim?: number): Mapping {
    if (x.length - offset < this.dimension) {
      throw new RangeError(`cannot decode: need ${this.dimension} columns from offset ${offset}, got ${x.length - offset}`);
    }
    const temporal: number[][] = Array.from({ length: LEVEL_COUNT }, () => new Array<number>(DIMS.length).fill(1));
    const spatial: number[][] = Array.from({ length: LEVEL_COUNT }, () => new Array<number>(DIMS.length).fill(1));
    let column = offset;
    DIMS.forEach((dim, d) => {
      const slots = SLOTS[dim];
      const weights = Array.from({ length: slots.length }, (_, i) => clamp01(x[column + i]));
      const caps = slots.map((s) => (s.spatial ? peDim : undefined));
      const factors = splitIntoFactors(this.layer[dim], weights, caps);
      slots.forEach((s, i) => {
        (s.spatial ? spatial : temporal)[s.level][d] = factors[i];
      });
      column += slots.length;
    });
    const loopsPerLevel: Loop[][] = [];
    for (let level = 0; level < LEVEL_COUNT; level++) {
      const keys = DIMS.map((_, d) => clamp01(x[column + d]));
      const order = DIMS.map((_, d) => d).sort((a, b) => keys[a] - keys[b] || a - b);
      const loops: Loop[] = [];
      for (const d of order) if (temporal[level][d] > 1) loops.push({ dim: DIMS[d], factor: temporal[level][d], spatial: false });
      for (const d of order) if (spatial[level][d] > 1) loops.push({ dim: DIMS[d], factor: spatial[level][d], spatial: true });
      loopsPerLevel.push(loops);
      column += DIMS.length;
    }
    return makeMapping(loopsPerLevel);
  }

  /** A mapping drawn uniformly in the encoded cube, spatial factors capped at `peDim`. */
  sample(rng: Random, peDim?: number): Mapping {
    const x = new Float64Array(this.dimension);
    for (let i = 0; i < x.length; i++) x[i] = rng.next();
    return this.decode(x, 0, peDim);
  }
}

function clamp01(v: number): number {
  return Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
}
