import { type HardwareConfig, type Layer, type LevelBandwidth, inputHeight, inputWidth, resolveEnergy } from '@polaris/core';
import { type AnalyticalOptions, resolveBandwidths } from './analytical-options.js';
import type { PackedMapping } from './packed-mapping.js';

/**
 * The one implementation of the analytical model (DESIGN.md Appendix A): Timeloop's access
 * counting, per-action energy and roofline latency for the Gemmini template, evaluated on a
 * {@link PackedMapping} without allocating. `analyzeLayer` and the scorer both call it.
 */

/** Indices of the score vector written by a kernel (a Float64Array of at least {@link SCORE_LENGTH}). */
export const SCORE = {
  /** Cycles of one execution of the layer. */
  cycles: 0,
  /** Energy in pJ. */
  energy: 1,
  /** MACs performed by the mapping (= the layer's MACs when the mapping covers it exactly). */
  macs: 2,
  /** Compute cycles T: product of all temporal factors. */
  computeCycles: 3,
  /** Scratchpad tile footprint in words (W + I bounding boxes; 1 byte each). */
  scratchpadWords: 4,
  /** Accumulator tile footprint per instance in words (O bounding box; 4 bytes each). */
  accumulatorWords: 5,
} as const;
export const SCORE_LENGTH = 6;

/**
 * Layout of the detail vector (a Float64Array of {@link DETAIL_LENGTH}):
 * `[(level*3 + tensor)*3 + kind]` per-instance word counts, tensor 0 W / 1 I / 2 O,
 * kind 0 reads / 1 fills / 2 updates; then instances in use, energy (pJ, all instances)
 * and bandwidth-limited cycles, 4 entries each, indexed by level (0 registers … 3 DRAM).
 */
export const DETAIL_INSTANCES = 36;
export const DETAIL_ENERGY = 40;
export const DETAIL_CYCLES = 44;
export const DETAIL_LENGTH = 48;

/** Evaluates a packed mapping into `out` ({@link SCORE}) and, when given, `detail`. */
export type LayerKernel = (packed: PackedMapping, out: Float64Array, detail: Float64Array | null) => void;

/**
 * Bit masks over DIMS (R0 S1 P2 Q3 C4 K5 N6) of the dims indexing weights and outputs (inputs,
 * indexed by all but K, are handled by `inputFills`).
 */
const MASK_W = 0b0110011;
const MASK_O = 0b1101100;
const ORDER = 28;

/**
 * Product of the trip counts of the innermost loops above `fromLevel` that do not index a
 * tensor (`mask`), walking inner→outer until the first non-trivial loop that does: the reuse
 * a stationary tile gets from them. Levels walked: fromLevel … 3.
 */
function trailingReuse(p: PackedMapping, fromLevel: number, mask: number): number {
  let reuse = 1;
  for (let level = fromLevel; level < 4; level++) {
    const base = level * 7;
    for (let pos = 6; pos >= 0; pos--) {
      const d = p[ORDER + base + pos];
      const t = p[base + d];
      if (t > 1) {
        if ((mask >> d) & 1) return reuse;
        reuse *= t;
      }
    }
  }
  return reuse;
}

/**
 * Input fills of the scratchpad from DRAM (Timeloop's walk of the DRAM loops, closed form).
 *
 * Timeloop visits iteration 0 (weight 1) and iteration 1 (weight n−1) of each loop and charges
 * each visited tile for the words not in the previously visited tile when the tile moved by the
 * same translation as a step of the innermost non-trivial loop m, and the whole tile otherwise.
 * With loops 1..m outer→inner (trips t, step vectors v over the W, H, C, N axes of the input):
 * fills = tile + (t_m−1)·Π_{i<m}t_i·δ + Σ_{j<m} (t_j−1)·Π_{i<j}t_i·(v_j − Σ_{i>j}v_i = v_m ? δ : tile),
 * δ = tile − overlap of the tile with itself shifted by v_m. A K loop has v = 0 (δ = 0 when innermost).
 * @param tile words of the input tile; width/height/channels/batch its extents (words along each axis).
 * @param pStep,rStep,qStep,sStep input-coordinate step of one DRAM iteration of P, R (W axis), Q, S (H axis).
 */
function inputFills(
  p: PackedMapping, T3: number, tile: number, width: number, height: number, channels: number, batch: number,
  pStep: number, rStep: number, qStep: number, sStep: number,
): number {
  let fills = tile;
  let found = false;
  let delta = 0;
  let mw = 0, mh = 0, mc = 0, mn = 0; // step vector of the innermost loop m
  let sw = 0, sh = 0, sc = 0, sn = 0; // Σ of the step vectors of the loops inside j
  let inner = 1; // Π of the trips of the loops inside j and j itself
  for (let pos = 6; pos >= 0; pos--) {
    const d = p[ORDER + 21 + pos];
    const t = p[21 + d];
    if (t <= 1) continue;
    let vw = 0, vh = 0, vc = 0, vn = 0;
    if (d === 2) vw = pStep; else if (d === 0) vw = rStep;
    else if (d === 3) vh = qStep; else if (d === 1) vh = sStep;
    else if (d === 4) vc = channels; else if (d === 6) vn = batch;
    inner *= t;
    if (!found) {
      found = true;
      mw = vw; mh = vh; mc = vc; mn = vn;
      const overlap = Math.max(0, width - vw) * Math.max(0, height - vh) * Math.max(0, channels - vc) * Math.max(0, batch - vn);
      delta = tile - overlap;
      fills += (t - 1) * (T3 / inner) * delta;
    } else {
      const same = vw - sw === mw && vh - sh === mh && vc - sc === mc && vn - sn === mn;
      fills += (t - 1) * (T3 / inner) * (same ? delta : tile);
    }
    sw += vw; sh += vh; sc += vc; sn += vn;
  }
  return fills;
}

/**
 * Timeloop's roofline for one level: slowdown = min(1, bw / demand) over read, write and shared
 * bandwidth (words/cycle/instance; Infinity when unspecified), cycles = ⌈T / slowdown⌉.
 * The order of the floating-point operations is Timeloop's: it differs from ⌈accesses / bw⌉ on
 * about 10% of bandwidth-bound mappings.
 */
function levelCycles(T: number, readBw: number, writeBw: number, sharedBw: number, readRate: number, writeRate: number): number {
  let slowdown = 1;
  if (readBw < readRate) slowdown = Math.min(slowdown, readBw / readRate);
  if (writeBw < writeRate) slowdown = Math.min(slowdown, writeBw / writeRate);
  const demand = readRate + writeRate;
  if (sharedBw < demand) slowdown = Math.min(slowdown, sharedBw / demand);
  return Math.ceil(T / slowdown);
}

/** [read, write, shared] bandwidth with Infinity for an unspecified one. */
function bandwidthTriple(bw: LevelBandwidth): [number, number, number] {
  return [bw.read ?? Infinity, bw.write ?? Infinity, bw.shared ?? Infinity];
}

/** Compiles the model for one layer on one hardware configuration. */
export function createLayerKernel(layer: Layer, hw: HardwareConfig, options?: AnalyticalOptions): LayerKernel {
  const energy = resolveEnergy(options?.energy ?? 'timeloop', hw);
  const bandwidths = resolveBandwidths(hw, options);
  const [accRead, accWrite, accShared] = bandwidthTriple(bandwidths.accumulator);
  const [spRead, spWrite, spShared] = bandwidthTriple(bandwidths.scratchpad);
  const [dramRead, dramWrite, dramShared] = bandwidthTriple(bandwidths.dram);
  const eMac = energy.mac;
  const [eReg, eAcc, eSp, eDram] = energy.perWord;
  const [bReg, bAcc, bSp, bDram] = energy.blockWords;
  const blockReg = bReg * eReg;
  const blockAcc = bAcc * eAcc;
  const blockSp = bSp * eSp;
  const blockDram = bDram * eDram;
  const { Wstride, Hstride, Wdilation, Hdilation } = layer;
  const outputWords = layer.P * layer.Q * layer.K * layer.N;

  return function evaluate(p: PackedMapping, out: Float64Array, detail: Float64Array | null): void {
    const r0 = p[0], s0 = p[1], p0 = p[2], q0 = p[3], c0 = p[4], k0 = p[5], n0 = p[6];
    const r1 = p[7], s1 = p[8], p1 = p[9], q1 = p[10], c1 = p[11], k1 = p[12], n1 = p[13];
    const r2 = p[14], s2 = p[15], p2 = p[16], q2 = p[17], c2 = p[18], k2 = p[19], n2 = p[20];
    const T0 = r0 * s0 * p0 * q0 * c0 * k0 * n0;
    const T1 = r1 * s1 * p1 * q1 * c1 * k1 * n1;
    const T2 = r2 * s2 * p2 * q2 * c2 * k2 * n2;
    const T3 = p[21] * p[22] * p[23] * p[24] * p[25] * p[26] * p[27];
    const sC = p[56], sK = p[57];
    const T = T0 * T1 * T2 * T3;
    const macs = T * sC * sK;

    // Tiles (bounding boxes of all loops at and below the level, spatial included).
    const w0 = r0 * s0 * c0 * k0;
    const o1 = p0 * p1 * q0 * q1 * k0 * k1 * n0 * n1;
    const re = r0 * r1 * r2, se = s0 * s1 * s2, pe = p0 * p1 * p2, qe = q0 * q1 * q2;
    const ce = c0 * c1 * sC * c2, ke = k0 * k1 * sK * k2, ne = n0 * n1 * n2;
    const w2 = re * se * ce * ke;
    const width = inputWidth(layer, pe, re);
    const height = inputHeight(layer, qe, se);
    const i2 = ne * ce * width * height;

    // Fills of one instance: tile × trips of the loops above, minus the trailing reuse.
    const fillW0 = (w0 * T1 * T2 * T3) / trailingReuse(p, 1, MASK_W);
    const fillO1 = (o1 * T2 * T3) / trailingReuse(p, 2, MASK_O);
    const fillW2 = (w2 * T3) / trailingReuse(p, 3, MASK_W);
    const fillI2 = inputFills(p, T3, i2, width, height, ce, ne,
      pe * Wstride, re * Wdilation, qe * Hstride, se * Hdilation);

    // Per-instance counts (Appendix A: bypass, fan-out, read-modify-write of outputs).
    const regInst = sC * sK;
    const regReadW = T;
    const accUpdO = T;
    const accReadO = T - outputWords / sK;
    const spReadW = regInst * fillW0;
    const spReadI = T * sC;
    const dramUpdO = sK * fillO1;
    const dramReadO = dramUpdO - outputWords;

    const ceil = Math.ceil;
    const eRegL = regInst * (ceil(regReadW / bReg) + ceil(fillW0 / bReg)) * blockReg;
    const eAccL = sK * (ceil(accReadO / bAcc) + ceil(fillO1 / bAcc) + ceil(accUpdO / bAcc)) * blockAcc;
    const eSpL = (ceil(spReadW / bSp) + ceil(fillW2 / bSp) + ceil(spReadI / bSp) + ceil(fillI2 / bSp)) * blockSp;
    const eDramL = (ceil(fillW2 / bDram) + ceil(fillI2 / bDram) + ceil(dramReadO / bDram) + ceil(dramUpdO / bDram)) * blockDram;
    const totalEnergy = eMac * macs + eRegL + eAccL + eSpL + eDramL;

    // Roofline in Timeloop's floating-point order: per-tensor rates summed W, I, O.
    const accCycles = levelCycles(T, accRead, accWrite, accShared, accReadO / T, (fillO1 + accUpdO) / T);
    const spCycles = levelCycles(T, spRead, spWrite, spShared, spReadW / T + spReadI / T, fillW2 / T + fillI2 / T);
    const dramCycles = levelCycles(T, dramRead, dramWrite, dramShared, fillW2 / T + fillI2 / T + dramReadO / T, dramUpdO / T);
    let cycles = T;
    if (accCycles > cycles) cycles = accCycles;
    if (spCycles > cycles) cycles = spCycles;
    if (dramCycles > cycles) cycles = dramCycles;

    out[0] = cycles;
    out[1] = totalEnergy;
    out[2] = macs;
    out[3] = T;
    out[4] = w2 + i2;
    out[5] = o1;

    if (detail !== null) {
      detail.fill(0);
      // L0 registers: W.
      detail[0] = regReadW; detail[1] = fillW0;
      // L1 accumulator: O (tensor 2).
      detail[15] = accReadO; detail[16] = fillO1; detail[17] = accUpdO;
      // L2 scratchpad: W, I.
      detail[18] = spReadW; detail[19] = fillW2; detail[21] = spReadI; detail[22] = fillI2;
      // L3 DRAM: W, I, O (backing store: no fills).
      detail[27] = fillW2; detail[30] = fillI2; detail[33] = dramReadO; detail[35] = dramUpdO;
      detail[DETAIL_INSTANCES] = regInst; detail[DETAIL_INSTANCES + 1] = sK;
      detail[DETAIL_INSTANCES + 2] = 1; detail[DETAIL_INSTANCES + 3] = 1;
      detail[DETAIL_ENERGY] = eRegL; detail[DETAIL_ENERGY + 1] = eAccL;
      detail[DETAIL_ENERGY + 2] = eSpL; detail[DETAIL_ENERGY + 3] = eDramL;
      detail[DETAIL_CYCLES] = T; detail[DETAIL_CYCLES + 1] = accCycles;
      detail[DETAIL_CYCLES + 2] = spCycles; detail[DETAIL_CYCLES + 3] = dramCycles;
    }
  };
}
