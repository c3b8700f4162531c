import {
  DIMS, DIM_INDEX, type HardwareConfig, type Layer, type Random, bufferCapacities, rowCapacityLimits,
} from '@polaris/core';
import {
  PACKED_MAPPING_LENGTH, PACKED_ORDER_OFFSET, PACKED_SPATIAL_C, PACKED_SPATIAL_K, type PackedMapping,
} from '../model/packed-mapping.js';
import { scratchpadTileRows } from '../model/tile-footprint.js';

/**
 * The mapping space of one layer on one hardware configuration, as the mapper searches it:
 * every dimension is split into its prime factors and each prime is placed in a *slot* —
 * a temporal level 0..3, or {@link SPATIAL_SLOT} (C spatial at L1, K spatial at L2).
 *
 * Slots are restricted so that every assignment obeys the template's structure:
 * R, S, C, K never sit at L0 (a PE register holds one weight, so the L0 weight tile must be 1);
 * only C and K may take the spatial slot, and a spatial product never exceeds peDim (callers
 * check with {@link FactorSpace.spatialFits}). Buffer capacities are checked by {@link FactorSpace.fits}
 * with the same rule as core's `mappingViolations` and, with the `'rows'` {@link BufferLayout},
 * also core's row rule (`rowCapacityViolations`).
 */
export const SPATIAL_SLOT = 4;
/** Number of slot values (levels 0..3 and the spatial slot). */
export const SLOT_COUNT = 5;

/**
 * Which buffer capacity rule a mapping must satisfy:
 * - `'words'` — Timeloop's word count (core's `mappingViolations`), what DOSA's data obeys;
 * - `'rows'` — additionally the row-organised buffers of the Gemmini template as our RTL builds
 *   them (core's `rowCapacityViolations`): rows of DIM bytes, partly empty when the spatial
 *   factors are below DIM. Use it for mappings the rtl fidelity must run.
 */
export type BufferLayout = 'words' | 'rows';

const DIM_COUNT = DIMS.length;
const { R, S, P, Q, C, K, N } = DIM_INDEX;

/** Prime factors of a positive integer in ascending order (1 → []). */
export function primeFactors(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (let p = 2; p * p <= rest; p++) {
    while (rest % p === 0) {
      out.push(p);
      rest /= p;
    }
  }
  if (rest > 1) out.push(rest);
  return out;
}

/** Search state: one slot per prime (`Uint8Array`, indexed like {@link FactorSpace.primeDim}) and the loop orders. */
export interface MappingState {
  /** Slot (0..3 temporal level, 4 spatial) of each prime factor. */
  readonly slots: Uint8Array;
  /** Per-level loop orders, 4×7 dim indices outer→inner (level-major), as in the packed form. */
  readonly orders: Uint8Array;
}

export class FactorSpace {
  /** Dimension index (into DIMS) of each prime factor. */
  readonly primeDim: Uint8Array;
  /** Value of each prime factor. */
  readonly primeValue: Int32Array;
  /** Bit s set when a prime of that dimension may sit in slot s; indexed by dimension. */
  readonly allowedSlots: Uint8Array;
  /** Per-instance capacities in words (accumulator per PE column, scratchpad). */
  readonly accumulatorWords: number;
  readonly scratchpadWords: number;
  readonly peDim: number;
  /** Scratchpad rows (DIM bytes) and accumulator rows (DIM int32); checked only with the 'rows' layout. */
  readonly scratchpadLimitRows: number;
  readonly accumulatorLimitRows: number;
  /** Bound on the L1 output tile: the words per instance, and with 'rows' also the accumulator rows. */
  private readonly accumulatorLimit: number;
  private readonly rowLayout: boolean;

  constructor(readonly layer: Layer, readonly hardware: HardwareConfig, readonly bufferLayout: BufferLayout = 'words') {
    const dims: number[] = [];
    const values: number[] = [];
    DIMS.forEach((dim, d) => {
      for (const p of primeFactors(layer[dim])) {
        dims.push(d);
        values.push(p);
      }
    });
    this.primeDim = Uint8Array.from(dims);
    this.primeValue = Int32Array.from(values);
    this.allowedSlots = new Uint8Array(DIM_COUNT);
    for (let d = 0; d < DIM_COUNT; d++) {
      const weightDim = d === R || d === S || d === C || d === K;
      let mask = 0b1110; // L1..L3
      if (!weightDim) mask |= 0b0001;
      if (d === C || d === K) mask |= 1 << SPATIAL_SLOT;
      this.allowedSlots[d] = mask;
    }
    const caps = bufferCapacities(hardware);
    this.accumulatorWords = caps.accumulatorWordsPerInstance;
    this.scratchpadWords = caps.scratchpadWords;
    this.peDim = hardware.peDim;
    const rows = rowCapacityLimits(hardware);
    this.scratchpadLimitRows = rows.scratchpadLimitRows;
    this.accumulatorLimitRows = rows.accumulatorLimitRows;
    this.rowLayout = bufferLayout === 'rows';
    // The accumulator's row count is the same tile number as its word count (N1·P1·Q1·K1).
    this.accumulatorLimit = this.rowLayout ? Math.min(this.accumulatorWords, this.accumulatorLimitRows) : this.accumulatorWords;
  }

  get primeCount(): number {
    return this.primeValue.length;
  }

  /**
   * Whether the smallest possible tiles (every factor at DRAM) fit: 1 output word, 1 weight + 1
   * input byte; with 'rows', 1 accumulator row and 2 scratchpad rows.
   */
  get anythingFits(): boolean {
    return this.accumulatorLimit >= 1 && this.scratchpadWords >= 2 && (!this.rowLayout || this.scratchpadLimitRows >= 2);
  }

  isAllowed(prime: number, slot: number): boolean {
    return (this.allowedSlots[this.primeDim[prime]] & (1 << slot)) !== 0;
  }

  /** A fresh state: every prime at DRAM (L3), loops in DIMS order. */
  newState(): MappingState {
    const orders = new Uint8Array(4 * DIM_COUNT);
    for (let i = 0; i < orders.length; i++) orders[i] = i % DIM_COUNT;
    return { slots: new Uint8Array(this.primeCount).fill(3), orders };
  }

  copyState(from: MappingState, to: MappingState): void {
    to.slots.set(from.slots);
    to.orders.set(from.orders);
  }

  /** Product of the spatial C (dim = C) or K (dim = K) primes of a state. */
  spatialProduct(slots: Uint8Array, dim: number): number {
    let product = 1;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === SPATIAL_SLOT && this.primeDim[i] === dim) product *= this.primeValue[i];
    }
    return product;
  }

  /** Whether both spatial products are ≤ peDim. */
  spatialFits(slots: Uint8Array): boolean {
    return this.spatialProduct(slots, C) <= this.peDim && this.spatialProduct(slots, K) <= this.peDim;
  }

  /** Writes the packed mapping of a state into `out` (length {@link PACKED_MAPPING_LENGTH}). */
  pack(state: MappingState, out: PackedMapping = new Int32Array(PACKED_MAPPING_LENGTH)): PackedMapping {
    for (let i = 0; i < 4 * DIM_COUNT; i++) out[i] = 1;
    out[PACKED_SPATIAL_C] = 1;
    out[PACKED_SPATIAL_K] = 1;
    const { slots } = state;
    for (let i = 0; i < slots.length; i++) {
      const d = this.primeDim[i];
      const slot = slots[i];
      if (slot === SPATIAL_SLOT) out[d === C ? PACKED_SPATIAL_C : PACKED_SPATIAL_K] *= this.primeValue[i];
      else out[slot * DIM_COUNT + d] *= this.primeValue[i];
    }
    for (let i = 0; i < 4 * DIM_COUNT; i++) out[PACKED_ORDER_OFFSET + i] = state.orders[i];
    return out;
  }

  /** Output words of the L1 tile (one accumulator instance) of a packed mapping. */
  accumulatorTile(p: PackedMapping): number {
    return p[N] * p[DIM_COUNT + N] * p[K] * p[DIM_COUNT + K] * p[P] * p[DIM_COUNT + P] * p[Q] * p[DIM_COUNT + Q];
  }

  /** Bytes of the L2 weight + input tiles (the scratchpad) of a packed mapping. */
  scratchpadTile(p: PackedMapping): number {
    const l = this.layer;
    const e = (d: number): number => p[d] * p[DIM_COUNT + d] * p[2 * DIM_COUNT + d];
    const c = e(C) * p[PACKED_SPATIAL_C];
    const k = e(K) * p[PACKED_SPATIAL_K];
    const r = e(R);
    const s = e(S);
    const w = c * k * r * s;
    const width = (e(P) - 1) * l.Wstride + (r - 1) * l.Wdilation + 1;
    const height = (e(Q) - 1) * l.Hstride + (s - 1) * l.Hdilation + 1;
    return w + e(N) * c * width * height;
  }

  /** Scratchpad rows of the L2 weight + input tiles of a packed mapping (core's row rule). */
  scratchpadRows(p: PackedMapping): number {
    return scratchpadTileRows(this.layer, p);
  }

  /** Whether the scratchpad tiles of a packed mapping overflow under this space's layout. */
  private scratchpadOver(p: PackedMapping): boolean {
    return this.scratchpadTile(p) > this.scratchpadWords || (this.rowLayout && scratchpadTileRows(this.layer, p) > this.scratchpadLimitRows);
  }

  /** Whether a packed mapping's tiles fit the accumulator instance and the scratchpad (and their rows with 'rows'). */
  fits(p: PackedMapping): boolean {
    return this.accumulatorTile(p) <= this.accumulatorLimit && !this.scratchpadOver(p);
  }

  /** Places every prime in a uniformly random allowed slot, keeping spatial products ≤ peDim. */
  randomSlots(rng: Random, slots: Uint8Array): void {
    let spatialC = 1;
    let spatialK = 1;
    for (let i = 0; i < slots.length; i++) {
      const mask = this.allowedSlots[this.primeDim[i]];
      let slot: number;
      do slot = rng.int(0, SLOT_COUNT - 1); while ((mask & (1 << slot)) === 0);
      if (slot === SPATIAL_SLOT) {
        const isC = this.primeDim[i] === C;
        const next = (isC ? spatialC : spatialK) * this.primeValue[i];
        if (next > this.peDim) slot = 3;
        else if (isC) spatialC = next;
        else spatialK = next;
      }
      slots[i] = slot;
    }
  }

  /**
   * Fills the spatial C and K slots as fully as possible (largest product ≤ peDim reachable
   * with the dimension's primes, preferring primes already spatial), taking primes from
   * wherever they are; primes displaced from the spatial slot go to `fallbackSlot`.
   */
  maximiseSpatial(slots: Uint8Array, rng: Random, fallbackSlot = 3): void {
    for (const dim of [C, K]) {
      const primes: number[] = [];
      for (let i = 0; i < slots.length; i++) if (this.primeDim[i] === dim) primes.push(i);
      // Best subset product ≤ peDim: subsets of ≤ ~20 primes with pruning by exhaustive DP on products.
      const best = bestSubset(primes.map((i) => this.primeValue[i]), this.peDim, rng);
      primes.forEach((prime, j) => {
        if (best[j]) slots[prime] = SPATIAL_SLOT;
        else if (slots[prime] === SPATIAL_SLOT) slots[prime] = fallbackSlot;
      });
    }
  }

  /**
   * Moves primes outward until the packed mapping fits the buffers: output-tile primes from
   * L0/L1 to L2 or L3 while the accumulator overflows, then any non-DRAM prime to L3 while the
   * scratchpad overflows. Always terminates; returns false only when nothing fits at all.
   */
  repair(state: MappingState, rng: Random, scratch: PackedMapping): boolean {
    const { slots } = state;
    const candidates: number[] = [];
    for (let guard = 0; guard < 4 * slots.length + 8; guard++) {
      this.pack(state, scratch);
      const accOver = this.accumulatorTile(scratch) > this.accumulatorLimit;
      const spOver = !accOver && this.scratchpadOver(scratch);
      if (!accOver && !spOver) return true;
      candidates.length = 0;
      for (let i = 0; i < slots.length; i++) {
        const d = this.primeDim[i];
        if (accOver ? (slots[i] <= 1 && (d === N || d === K || d === P || d === Q)) : slots[i] !== 3) candidates.push(i);
      }
      if (candidates.length === 0) return false;
      const prime = rng.pick(candidates);
      slots[prime] = accOver && rng.chance(0.5) ? 2 : 3;
    }
    this.pack(state, scratch);
    return this.fits(scratch);
  }
}

/**
 * Which of `values` (primes) to take so their product is the largest ≤ `limit`. Ties are broken
 * at random so equal-product choices of different primes are all reachable.
 */
function bestSubset(values: readonly number[], limit: number, rng: Random): boolean[] {
  // products reachable → one choice mask (as index list); small sets (primes of one dim ≤ ~20).
  let reach = new Map<number, number[]>([[1, []]]);
  values.forEach((v, j) => {
    const next = new Map(reach);
    for (const [product, picks] of reach) {
      const q = product * v;
      if (q <= limit && (!next.has(q) || rng.chance(0.5))) next.set(q, [...picks, j]);
    }
    reach = next;
  });
  const bestProduct = Math.max(...reach.keys());
  const chosen = new Array<boolean>(values.length).fill(false);
  for (const j of reach.get(bestProduct) ?? []) chosen[j] = true;
  return chosen;
}
