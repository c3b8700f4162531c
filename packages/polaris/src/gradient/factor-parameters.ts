import { DIMS, type Dim, RELAXED_FACTORS_PER_LAYER, RELAXED_SPATIAL_C, RELAXED_SPATIAL_K, type Workload, relaxedTemporalIndex } from '@polaris/core';

/** Levels whose temporal factor of a dim is searched (L3, DRAM, takes the remainder). */
const TEMPORAL_LEVELS: Readonly<Record<Dim, readonly number[]>> = {
  // A PE register holds one weight: only P, Q and N (which do not index weights) may loop at L0.
  R: [1, 2], S: [1, 2], C: [1, 2], K: [1, 2], P: [0, 1, 2], Q: [0, 1, 2], N: [0, 1, 2],
};

/**
 * The gradient optimizer's variables θ and how they fill core's relaxed design vector x
 * (`DifferentiableModel`: layers × 30 ln factors).
 *
 * For every layer and every dimension D > 1, θ holds the ln factors of the dimension's searched
 * slots — spatial (C at L1, K at L2) and temporal at L1 and L2, and at L0 for P, Q, N — and x's
 * DRAM entry is the remainder ln D − Σ(slots), so every θ covers the layer exactly, as DOSA's
 * `get_dram_factors` does. Dimensions of size 1 and the template's structural ones (R, S, C, K
 * at L0; spatial loops elsewhere) stay ln 1 = 0 and are not variables.
 */
export class FactorParameters {
  /** Number of variables θ. */
  readonly size: number;
  /** Length of x. */
  readonly length: number;
  /** x index of each variable. */
  private readonly slots: Int32Array;
  /** Variables of dimension block b are slots[blockStart[b] … blockStart[b + 1]). */
  private readonly blockStart: Int32Array;
  /** x index of each block's DRAM factor, and ln of its dimension. */
  private readonly dram: Int32Array;
  private readonly lnDim: Float64Array;
  /** x indices of the spatial factors (variables), for the PE-array cap. */
  readonly spatialIndices: Int32Array;

  constructor(workload: Workload) {
    const slots: number[] = [];
    const blockStart: number[] = [];
    const dram: number[] = [];
    const lnDim: number[] = [];
    const spatial: number[] = [];
    workload.layers.forEach(({ layer }, l) => {
      const base = l * RELAXED_FACTORS_PER_LAYER;
      for (const dim of DIMS) {
        if (layer[dim] === 1) continue;
        blockStart.push(slots.length);
        if (dim === 'C' || dim === 'K') {
          const at = base + (dim === 'C' ? RELAXED_SPATIAL_C : RELAXED_SPATIAL_K);
          slots.push(at);
          spatial.push(at);
        }
        for (const level of TEMPORAL_LEVELS[dim]) slots.push(base + relaxedTemporalIndex(level, dim));
        dram.push(base + relaxedTemporalIndex(3, dim));
        lnDim.push(Math.log(layer[dim]));
      }
    });
    blockStart.push(slots.length);
    this.slots = Int32Array.from(slots);
    this.blockStart = Int32Array.from(blockStart);
    this.dram = Int32Array.from(dram);
    this.lnDim = Float64Array.from(lnDim);
    this.spatialIndices = Int32Array.from(spatial);
    this.size = slots.length;
    this.length = workload.layers.length * RELAXED_FACTORS_PER_LAYER;
  }

  /** θ of a relaxed vector (e.g. the encoding of integer mappings): its searched entries. */
  restrict(x: Float64Array): Float64Array {
    return Float64Array.from(this.slots, (i) => x[i]);
  }

  /** Writes x for θ into `x` (length {@link length}): searched entries, DRAM remainders, zeros elsewhere. */
  expand(theta: Float64Array, x: Float64Array): void {
    x.fill(0);
    for (let b = 0; b < this.dram.length; b++) {
      let rest = this.lnDim[b];
      for (let s = this.blockStart[b]; s < this.blockStart[b + 1]; s++) {
        x[this.slots[s]] = theta[s];
        rest -= theta[s];
      }
      x[this.dram[b]] = rest;
    }
  }

  /** ∂/∂θ from ∂/∂x: a variable moves its own entry and, oppositely, its dimension's DRAM entry. */
  chain(gx: Float64Array, gTheta: Float64Array): void {
    for (let b = 0; b < this.dram.length; b++) {
      const gDram = gx[this.dram[b]];
      for (let s = this.blockStart[b]; s < this.blockStart[b + 1]; s++) gTheta[s] = gx[this.slots[s]] - gDram;
    }
  }

  /**
   * The validity penalty at x, its gradient added into `gx`: weight · Σ max(0, −x)² over every
   * searched and DRAM entry (factors below 1, DOSA's penalty in ln form) plus weight ·
   * Σ max(0, x − ln maxSpatial)² over the spatial factors (the space's largest PE array).
   */
  penalty(x: Float64Array, gx: Float64Array, weight: number, maxSpatial: number): number {
    let total = 0;
    const below = (i: number) => {
      if (x[i] >= 0) return;
      total += weight * x[i] * x[i];
      gx[i] += 2 * weight * x[i];
    };
    for (let s = 0; s < this.slots.length; s++) below(this.slots[s]);
    for (let b = 0; b < this.dram.length; b++) below(this.dram[b]);
    const cap = Math.log(maxSpatial);
    for (const i of this.spatialIndices) {
      const over = x[i] - cap;
      if (over <= 0) continue;
      total += weight * over * over;
      gx[i] += 2 * weight * over;
    }
    return total;
  }
}
