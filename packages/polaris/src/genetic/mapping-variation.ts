import { DIMS, LEVEL_COUNT, type Random } from '@polaris/core';
import {
  type FactorSlot, type MappingGenome, cloneGenome, primeFactorsOf, sameGenome, setSlotFactor, slotFactor, slotsOf,
} from './mapping-genome.js';

/**
 * Variation operators on {@link MappingGenome}s, in the spirit of GAMMA (Kao & Krishna, 2020):
 * every operator keeps each dimension's factors multiplying to the layer's size and every
 * spatial factor ≤ `peDim`; fitting the buffers is checked and repaired afterwards
 * (see mapping-repair.ts). Operators return a new genome and never change their inputs.
 */

const DIM_COUNT = DIMS.length;
const SLOTS: readonly (readonly FactorSlot[])[] = DIMS.map((dim) => slotsOf(dim));

/** The kinds of mapping mutation, as {@link mutateMapping} chooses among them. */
export type MappingMutation = 'factor-move' | 'loop-swap' | 'spatial-change';

/** Moves `prime` of dimension `d` from slot `from` to slot `to`. */
function moveFactor(genome: MappingGenome, d: number, from: FactorSlot, to: FactorSlot, prime: number): void {
  setSlotFactor(genome, d, from, slotFactor(genome, d, from) / prime);
  setSlotFactor(genome, d, to, slotFactor(genome, d, to) * prime);
}

/**
 * Factor move between levels: one prime factor of a dimension leaves the slot it is in for
 * another slot of the same dimension (another level, or the spatial loop while it stays ≤ peDim).
 * @returns the mutated copy, or undefined when the layer has no factor that can move.
 */
export function moveFactorBetweenLevels(genome: MappingGenome, rng: Random, peDim: number): MappingGenome | undefined {
  const sources: [number, FactorSlot][] = [];
  for (let d = 0; d < DIM_COUNT; d++) for (const slot of SLOTS[d]) if (slotFactor(genome, d, slot) > 1) sources.push([d, slot]);
  for (const [d, from] of rng.shuffle(sources)) {
    const prime = rng.pick(primeFactorsOf(slotFactor(genome, d, from)));
    const targets = SLOTS[d].filter((to) => to !== from && (!to.spatial || slotFactor(genome, d, to) * prime <= peDim));
    if (targets.length === 0) continue;
    const child = cloneGenome(genome);
    moveFactor(child, d, from, rng.pick(targets), prime);
    return child;
  }
  return undefined;
}

/**
 * Loop-order swap: two temporal loops with factor > 1 at one level trade places.
 * @returns the mutated copy, or undefined when no level has two loops to swap.
 */
export function swapLoopOrder(genome: MappingGenome, rng: Random): MappingGenome | undefined {
  const levels: number[] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    if (genome.temporal[level].filter((f) => f > 1).length >= 2) levels.push(level);
  }
  if (levels.length === 0) return undefined;
  const level = rng.pick(levels);
  const child = cloneGenome(genome);
  const order = child.order[level];
  const positions = order.map((d, position) => (child.temporal[level][d] > 1 ? position : -1)).filter((p) => p >= 0);
  const [i, j] = rng.shuffle(positions);
  [order[i], order[j]] = [order[j], order[i]];
  return child;
}

/**
 * Spatial-factor change: the spatial C (L1, PE rows) or K (L2, PE columns) grows by a prime
 * taken from one of its dimension's temporal loops (staying ≤ peDim), or shrinks by a prime
 * given back to a temporal loop of its dimension.
 * @returns the mutated copy, or undefined when neither spatial loop can change.
 */
export function changeSpatialFactor(genome: MappingGenome, rng: Random, peDim: number): MappingGenome | undefined {
  const moves: [number, FactorSlot, FactorSlot][] = [];
  for (let d = 0; d < DIM_COUNT; d++) {
    const spatial = SLOTS[d].find((slot) => slot.spatial);
    if (!spatial) continue;
    const current = slotFactor(genome, d, spatial);
    for (const temporal of SLOTS[d].filter((slot) => !slot.spatial)) {
      const held = slotFactor(genome, d, temporal);
      if (held > 1 && current * primeFactorsOf(held)[0] <= peDim) moves.push([d, temporal, spatial]);
      if (current > 1) moves.push([d, spatial, temporal]);
    }
  }
  if (moves.length === 0) return undefined;
  const [d, from, to] = rng.pick(moves);
  const primes = primeFactorsOf(slotFactor(genome, d, from));
  const fitting = to.spatial ? primes.filter((p) => slotFactor(genome, d, to) * p <= peDim) : primes;
  const child = cloneGenome(genome);
  moveFactor(child, d, from, to, rng.pick(fitting));
  return child;
}

const MUTATIONS: readonly MappingMutation[] = ['factor-move', 'factor-move', 'loop-swap', 'spatial-change'];

/**
 * One mutation of a layer's mapping: a factor move between levels (half the draws), a
 * loop-order swap or a spatial-factor change (a quarter each); when the drawn kind cannot
 * change this genome, the others are tried.
 * @returns the mutated copy, or undefined when no operator changes the genome (a layer of size 1).
 */
export function mutateMapping(genome: MappingGenome, rng: Random, peDim: number): MappingGenome | undefined {
  for (const kind of [rng.pick(MUTATIONS), ...rng.shuffle(['factor-move', 'loop-swap', 'spatial-change'] as const)]) {
    const child = kind === 'factor-move' ? moveFactorBetweenLevels(genome, rng, peDim)
      : kind === 'loop-swap' ? swapLoopOrder(genome, rng)
        : changeSpatialFactor(genome, rng, peDim);
    if (child && !sameGenome(child, genome)) return child;
  }
  return undefined;
}

/**
 * Tile-factor crossover of two mappings of the same layer: each dimension takes all its
 * factors (every level, temporal and spatial) from one parent, and each level takes its loop
 * order from one parent, uniformly. Factor products stay exact by construction; spatial
 * factors are each parent's, so they may exceed a smaller child `peDim` (repair fixes that).
 */
export function crossMappings(a: MappingGenome, b: MappingGenome, rng: Random): MappingGenome {
  const child = cloneGenome(a);
  for (let d = 0; d < DIM_COUNT; d++) {
    if (!rng.chance(0.5)) continue;
    for (let level = 0; level < LEVEL_COUNT; level++) {
      child.temporal[level][d] = b.temporal[level][d];
      child.spatial[level][d] = b.spatial[level][d];
    }
  }
  for (let level = 0; level < LEVEL_COUNT; level++) if (rng.chance(0.5)) child.order[level] = [...b.order[level]];
  return child;
}
