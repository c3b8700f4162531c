import {
  DIMS, DIM_INDEX, type Dim, ENERGY_TABLES, type EnergyCoefficient, type EnergyTable, type Layer, type LevelBandwidth,
  type LoopOrders, RELAXED_SPATIAL_C, RELAXED_SPATIAL_K, TENSOR_DIMS, type Tensor,
} from '@polaris/core';
import type { AnalyticalOptions } from '../model/analytical-options.js';
import { type InputLoop, haloOverlap, relaxedInputFills } from './relaxed-input-fills.js';
import { gate, positive, ramp, smoothMax } from './smooth.js';
import type { Node, Tape } from './tape.js';

/**
 * One layer of the relaxed analytical model: the exact model of model/layer-kernel.ts (DESIGN.md
 * Appendix A) written on a {@link Tape} over the ln loop factors of core's `DifferentiableModel`
 * layout, so that every count is a smooth function of continuous factors. The exact model's
 * discrete steps and what replaces each:
 * - `trip > 1` (which loops give a tensor reuse, which DRAM loop is the innermost): smooth.ts
 *   `gate`, exact at integer trips — see {@link fillsLog} and relaxed-input-fills.ts;
 * - the equal-translation test and the halo's max(0, ·) in the input walk: `bump`, `ramp`, exact
 *   at integer factors (relaxed-input-fills.ts);
 * - the ≥ 0 counts `T − |O|/K_spatial` and `DRAM updates − |O|`: `ramp` (exact at integers);
 * - block rounding ⌈count / block⌉·block of the Timeloop table: dropped (count · per-word energy;
 *   exact when counts are multiples of the block, and always with the DOSA table);
 * - the roofline max(T, ⌈accesses / bandwidth⌉ per level): no ceil, and `smoothMax`, exact
 *   wherever one term leads the others by more than options.maxBand (0 is DOSA's hard max).
 * Hardware enters as tape nodes (peDim, spKB, accKB): through the per-word energies and the
 * default scratchpad bandwidth 2·peDim; the spatial factors are not checked against peDim.
 */

/** Options of the relaxed model: the analytical model's, plus the smoothing of its maxima. */
export interface RelaxedAnalyticalOptions extends AnalyticalOptions {
  /**
   * Relative band (in ln units) over which the maxima (roofline, and the derived hardware across
   * layers) are smoothed: exact when the largest term leads by more, at most band/4 high at a
   * tie. Default {@link DEFAULT_MAX_BAND}; 0 = the hard maximum, as DOSA.
   */
  readonly maxBand?: number;
}

/** Default band of the smooth maxima: exact beyond a 5 % lead, at most 1.25 % high at a tie of two. */
export const DEFAULT_MAX_BAND = 0.05;

/** Tape nodes of the continuous hardware a layer is priced on. */
export interface HardwareNodes {
  readonly peDim: Node;
  readonly spKB: Node;
  readonly accKB: Node;
}

/** Nodes of one layer's access counts (per instance, as in the exact kernel) and tiles. */
export interface LayerCounts {
  /** Compute cycles T (product of all temporal factors). */
  readonly T: Node;
  readonly macs: Node;
  /** Spatial C at L1 and spatial K at L2. */
  readonly sC: Node;
  readonly sK: Node;
  readonly fillW0: Node;
  readonly fillO1: Node;
  readonly fillW2: Node;
  readonly fillI2: Node;
  /** W + I words of the L2 tile (the scratchpad's need). */
  readonly scratchpadWords: Node;
  /** O words of the L1 tile of one accumulator instance. */
  readonly accumulatorWords: Node;
}

/** A loop of a reuse walk: its offset in the layer's block of x and whether it indexes the tensor. */
interface WalkLoop {
  readonly offset: number;
  readonly relevant: boolean;
}

const TEMPORAL = 28;
const at = (dim: Dim, levels: readonly number[]): number[] => levels.map((l) => l * 7 + DIM_INDEX[dim]);
/** Offsets (in a layer's block of x) summed for ln T, the spatial product, the L0 W tile, the L1 O tile. */
const ALL_TEMPORAL = Array.from({ length: TEMPORAL }, (_, i) => i);
const SPATIAL = [RELAXED_SPATIAL_C, RELAXED_SPATIAL_K];
const W0_OFFSETS = (['R', 'S', 'C', 'K'] as const).flatMap((d) => at(d, [0]));
const O1_OFFSETS = (['P', 'Q', 'K', 'N'] as const).flatMap((d) => at(d, [0, 1]));
/** Per dim (DIMS order), the offsets of its L2 extent: temporal L0–L2, with the spatial C or K. */
const EXTENT_OFFSETS = DIMS.map((d) => [...at(d, [0, 1, 2]), ...(d === 'C' ? [RELAXED_SPATIAL_C] : d === 'K' ? [RELAXED_SPATIAL_K] : [])]);

/** The relaxed model of one layer with its loop orders fixed, ready to record on tapes. */
export class RelaxedLayerPlan {
  private readonly walkW0: WalkLoop[];
  private readonly walkO1: WalkLoop[];
  private readonly walkW2: WalkLoop[];
  /** Dimension indices of the DRAM loops, outer → inner. */
  private readonly dramDims: number[];
  private readonly outputWords: number;
  private readonly energy: EnergyTable;
  private readonly maxBand: number;
  /** Scratch: the gate node of each temporal entry at L1–L3 (offsets 7 … 27), rewritten by every `counts`. */
  private readonly gates: Node[] = new Array<Node>(TEMPORAL).fill(0);

  constructor(readonly layer: Layer, orders: LoopOrders, private readonly options: RelaxedAnalyticalOptions = {}) {
    const walk = (levels: number[], tensor: Tensor): WalkLoop[] => levels.flatMap((level) =>
      orders[level].map((dim) => ({ offset: level * 7 + DIM_INDEX[dim], relevant: TENSOR_DIMS[tensor].includes(dim) })));
    this.walkW0 = walk([3, 2, 1], 'W');
    this.walkO1 = walk([3, 2], 'O');
    this.walkW2 = walk([3], 'W');
    this.dramDims = orders[3].map((dim) => DIM_INDEX[dim]);
    this.outputWords = layer.P * layer.Q * layer.K * layer.N;
    const table = options.energy ?? 'timeloop';
    this.energy = typeof table === 'string' ? ENERGY_TABLES[table] : table;
    this.maxBand = options.maxBand ?? DEFAULT_MAX_BAND;
  }

  /** Records the layer's counts; its 30 ln factors are the tape nodes base … base + 29. */
  counts(tape: Tape, base: Node): LayerCounts {
    const gates = this.gates;
    for (let i = 7; i < TEMPORAL; i++) gates[i] = gate(tape, base + i);
    const lnT = tape.sumAt(base, ALL_TEMPORAL);
    const T = tape.exp(lnT);
    const sC = tape.exp(base + RELAXED_SPATIAL_C);
    const sK = tape.exp(base + RELAXED_SPATIAL_K);
    const macs = tape.exp(tape.add(lnT, tape.sumAt(base, SPATIAL)));
    // Tiles: bounding boxes of all loops at and below the level, spatial included.
    const lnW0 = tape.sumAt(base, W0_OFFSETS);
    const lnO1 = tape.sumAt(base, O1_OFFSETS);
    const ln: Node[] = [];
    for (const offsets of EXTENT_OFFSETS) ln.push(tape.sumAt(base, offsets)); // ln extents at L2, DIMS order
    const [re, se, pe, qe, ce, ne] = [tape.exp(ln[0]), tape.exp(ln[1]), tape.exp(ln[2]), tape.exp(ln[3]), tape.exp(ln[4]), tape.exp(ln[6])];
    const { Wstride, Hstride, Wdilation, Hdilation } = this.layer;
    const width = positive(tape, tape.affine(tape.add(tape.affine(pe, Wstride), tape.affine(re, Wdilation)), 1, 1 - Wstride - Wdilation));
    const height = positive(tape, tape.affine(tape.add(tape.affine(qe, Hstride), tape.affine(se, Hdilation)), 1, 1 - Hstride - Hdilation));
    const lnW2 = tape.sum([ln[0], ln[1], ln[4], ln[5]]);
    const i2 = tape.exp(tape.sum([ln[6], ln[4], tape.log(width), tape.log(height)]));
    const fillI2 = relaxedInputFills(tape, i2, this.inputLoops(tape, base, gates, { width, height, ce, ne, pe, re, qe, se }));
    return {
      T, macs, sC, sK,
      fillW0: tape.exp(tape.add(lnW0, fillsLog(tape, base, gates, this.walkW0))),
      fillO1: tape.exp(tape.add(lnO1, fillsLog(tape, base, gates, this.walkO1))),
      fillW2: tape.exp(tape.add(lnW2, fillsLog(tape, base, gates, this.walkW2))),
      fillI2,
      scratchpadWords: tape.add(tape.exp(lnW2), i2),
      accumulatorWords: tape.exp(lnO1),
    };
  }

  /** Records cycles and energy (pJ) of one execution of the layer on `hw`. */
  cost(tape: Tape, c: LayerCounts, hw: HardwareNodes): { cycles: Node; energy: Node } {
    const { T, sC, sK, fillW0, fillO1, fillW2, fillI2 } = c;
    const regInst = tape.mul(sC, sK);
    const accReadO = ramp(tape, tape.sub(T, tape.div(tape.leaf(this.outputWords), sK)));
    const spReadW = tape.mul(regInst, fillW0);
    const spReadI = tape.mul(T, sC);
    const dramUpdO = tape.mul(sK, fillO1);
    const dramReadO = ramp(tape, tape.affine(dramUpdO, 1, -this.outputWords));
    const e = (coefficient: EnergyCoefficient) => coefficientNode(tape, coefficient, hw);
    const { perWord } = this.energy;
    const accWrites = tape.add(fillO1, T);
    const spReads = tape.add(spReadW, spReadI);
    const spWrites = tape.add(fillW2, fillI2);
    const dramReads = tape.sum([fillW2, fillI2, dramReadO]);
    const energy = tape.sum([
      tape.mul(e(this.energy.mac), c.macs),
      tape.mul(tape.mul(regInst, tape.add(T, fillW0)), e(perWord.registers)),
      tape.mul(tape.mul(sK, tape.add(accReadO, accWrites)), e(perWord.accumulator)),
      tape.mul(tape.add(spReads, spWrites), e(perWord.scratchpad)),
      tape.mul(tape.add(dramReads, dramUpdO), e(perWord.dram)),
    ]);
    const bandwidth = this.options.bandwidth ?? {};
    const terms = [
      T,
      ...rooflineTerms(tape, accReadO, accWrites, bandwidth.accumulator ?? { shared: 2 }),
      ...rooflineTerms(tape, spReads, spWrites, bandwidth.scratchpad ?? { shared: tape.affine(hw.peDim, 2) }),
      ...rooflineTerms(tape, dramReads, dramUpdO, bandwidth.dram ?? { shared: 8 }),
    ];
    return { cycles: smoothMax(tape, terms, this.maxBand), energy };
  }

  /** The DRAM loops of the input walk, outer → inner, with their steps and halo overlaps. */
  private inputLoops(tape: Tape, base: Node, gates: readonly Node[], e: Record<'width' | 'height' | 'ce' | 'ne' | 'pe' | 're' | 'qe' | 'se', Node>): InputLoop[] {
    const { Wstride, Hstride, Wdilation, Hdilation } = this.layer;
    const acrossW = tape.mul(tape.mul(e.height, e.ce), e.ne);
    const acrossH = tape.mul(tape.mul(e.width, e.ce), e.ne);
    const tile = tape.mul(e.width, acrossW);
    const loops: InputLoop[] = [];
    for (const d of this.dramDims) {
      const logTrip = base + 21 + d;
      const trip = tape.exp(logTrip);
      const active = gates[21 + d];
      let axis = -1, step = tile, extent = tile, across: Node | null = null;
      switch (DIMS[d]) {
        case 'P': axis = 0; step = tape.affine(e.pe, Wstride); extent = e.width; across = acrossW; break;
        case 'R': axis = 0; step = tape.affine(e.re, Wdilation); extent = e.width; across = acrossW; break;
        case 'Q': axis = 1; step = tape.affine(e.qe, Hstride); extent = e.height; across = acrossH; break;
        case 'S': axis = 1; step = tape.affine(e.se, Hdilation); extent = e.height; across = acrossH; break;
        case 'C': axis = 2; step = e.ce; break;
        case 'N': axis = 3; step = e.ne; break;
      }
      // K keeps the whole tile (it does not index inputs); C and N move past all of it.
      const overlap = across !== null ? haloOverlap(tape, extent, step, across) : axis < 0 ? tile : null;
      loops.push({ logTrip, trip, active, axis, step, overlap });
    }
    return loops;
  }
}

/**
 * ln(fills / tile) of a stationary tile under the loops of `walk` (outer → inner): Σᵢ xᵢ·Gᵢ with
 * Gᵢ = 1 − Π_{j at or inside i, j indexes the tensor} (1 − gate(xⱼ)) — "some non-trivial loop
 * that indexes the tensor sits at or inside loop i". At integer trips this is the exact model's
 * trip product from the outermost loop down to the innermost non-trivial indexing loop (its
 * `trailingReuse`); in between, a loop of trip 1 < t < 2 counts partly.
 */
function fillsLog(tape: Tape, base: Node, gates: readonly Node[], walk: readonly WalkLoop[]): Node {
  const one = tape.leaf(1);
  const terms: Node[] = [];
  let untouched: Node | null = null; // Π (1 − a) over the relevant loops inside, null before the first
  for (let i = walk.length - 1; i >= 0; i--) {
    const { offset, relevant } = walk[i];
    if (relevant) {
      const idle = tape.sub(one, gates[offset]);
      untouched = untouched === null ? idle : tape.mul(untouched, idle);
    }
    if (untouched !== null) terms.push(tape.mul(base + offset, tape.sub(one, untouched)));
  }
  return tape.sum(terms);
}

/** Roofline terms of one level: reads / read bw, writes / write bw, (reads + writes) / shared bw (a bandwidth node or number). */
function rooflineTerms(tape: Tape, reads: Node, writes: Node, bw: LevelBandwidth | { shared: Node }): Node[] {
  const terms: Node[] = [];
  const over = (count: Node, limit: number | Node | undefined) => {
    if (limit === undefined || limit === Infinity) return;
    terms.push(typeof limit === 'number' ? tape.affine(count, 1 / limit) : tape.div(count, limit));
  };
  if ('read' in bw) over(reads, bw.read);
  if ('write' in bw) over(writes, bw.write);
  over(tape.add(reads, writes), bw.shared);
  return terms;
}

/** An energy coefficient (pJ) as a function of the hardware nodes. */
function coefficientNode(tape: Tape, c: EnergyCoefficient, hw: HardwareNodes): Node {
  if (typeof c === 'number') return tape.leaf(c);
  const terms: Node[] = [];
  const weights: number[] = [];
  const add = (node: Node, weight: number | undefined) => {
    if (weight) { terms.push(node); weights.push(weight); }
  };
  add(tape.leaf(1), c.base);
  add(hw.spKB, c.spKB);
  add(hw.accKB, c.accKB);
  add(hw.peDim, c.peDim);
  if (c.accKBPerPeDim) add(tape.div(hw.accKB, hw.peDim), c.accKBPerPeDim);
  return tape.weightedSum(terms, weights);
}

