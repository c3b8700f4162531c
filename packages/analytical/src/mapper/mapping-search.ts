import type { Random } from '@polaris/core';
import { SCORE_LENGTH } from '../model/layer-kernel.js';
import { PACKED_MAPPING_LENGTH, type PackedMapping } from '../model/packed-mapping.js';
import { FactorSpace, type MappingState, SLOT_COUNT, SPATIAL_SLOT } from './factor-space.js';
import { GOOD_LOOP_ORDERS } from './loop-orders.js';

/**
 * Anything that prices a packed mapping: writes `out[0]` = cycles, `out[1]` = energy in pJ
 * (the model's `LayerScorer` fits; it also writes further entries, so `out` has
 * {@link SCORE_BUFFER_LENGTH} entries).
 */
export interface PackedScorer {
  score(packed: PackedMapping, out: Float64Array): void;
}

/** How much work one layer's search may do. Scoring calls ≈ samples + improvementSteps. */
export interface SearchBudget {
  /** Random candidates drawn (each repaired to fit the buffers, then scored). */
  readonly samples: number;
  /** Local-improvement proposals in total, shared among the starts. */
  readonly improvementSteps: number;
  /** How many of the best samples local improvement starts from. */
  readonly starts: number;
}

export const DEFAULT_SEARCH_BUDGET: SearchBudget = { samples: 500, improvementSteps: 3000, starts: 4 };

/** The best mapping a search found, packed, with its cost. */
export interface SearchResult {
  readonly packed: PackedMapping;
  readonly cycles: number;
  /** pJ. */
  readonly energy: number;
  /** energy · cycles, pJ·cycles. */
  readonly edp: number;
  /** Scoring calls made. */
  readonly evaluations: number;
}

/** Length of the score buffer the search passes to {@link PackedScorer.score} (≥ the model's SCORE_LENGTH). */
export const SCORE_BUFFER_LENGTH = Math.max(8, SCORE_LENGTH);

const DIM_COUNT = 7;
const LEVELS = 4;

/**
 * Seeded random-pruned sampling plus hill climbing over a {@link FactorSpace}:
 * 1. a spatial-first seed (C and K spatial as full as possible, the rest at DRAM) and `samples`
 *    random slot assignments (half with spatial maximised), each with good loop orders, repaired
 *    to fit the buffers before scoring;
 * 2. from each of the best `starts`, local moves — move a prime to another slot, exchange two
 *    primes' slots, swap two loops of a level, take another good order, maximise spatial — each
 *    kept when the EDP does not get worse.
 * Deterministic for a given `rng` state. Every scored mapping fits the buffers.
 * @throws RangeError when the space admits no mapping (check {@link FactorSpace.anythingFits} first).
 */
export function searchMapping(space: FactorSpace, scorer: PackedScorer, rng: Random, budget: SearchBudget = DEFAULT_SEARCH_BUDGET): SearchResult {
  if (!space.anythingFits) throw new RangeError('searchMapping: no mapping of this layer fits the buffers');
  const out = new Float64Array(SCORE_BUFFER_LENGTH);
  const packed = new Int32Array(PACKED_MAPPING_LENGTH);
  let evaluations = 0;
  const evaluate = (state: MappingState): number => {
    space.pack(state, packed);
    scorer.score(packed, out);
    evaluations++;
    return out[0] * out[1];
  };

  const startCount = Math.max(1, Math.floor(budget.starts));
  const top: { state: MappingState; edp: number }[] = [];
  const offer = (state: MappingState, edp: number): void => {
    if (!(edp < Infinity)) return;
    if (top.length === startCount && edp >= top[top.length - 1].edp) return;
    if (top.some((t) => t.edp === edp && sameState(t.state, state))) return;
    const copy = space.newState();
    space.copyState(state, copy);
    top.push({ state: copy, edp });
    top.sort((a, b) => a.edp - b.edp);
    if (top.length > startCount) top.pop();
  };

  // 1. Spatial-first seed and random samples.
  const candidate = space.newState();
  for (let level = 0; level < LEVELS; level++) candidate.orders.set(GOOD_LOOP_ORDERS[0], level * DIM_COUNT);
  space.maximiseSpatial(candidate.slots, rng);
  if (space.repair(candidate, rng, packed)) offer(candidate, evaluate(candidate));
  for (let s = 0; s < budget.samples; s++) {
    space.randomSlots(rng, candidate.slots);
    if (rng.chance(0.5)) space.maximiseSpatial(candidate.slots, rng, rng.int(1, 3));
    for (let level = 0; level < LEVELS; level++) candidate.orders.set(rng.pick(GOOD_LOOP_ORDERS), level * DIM_COUNT);
    if (!space.repair(candidate, rng, packed)) continue;
    offer(candidate, evaluate(candidate));
  }
  if (top.length === 0) {
    // Cannot happen when anythingFits (repair reaches all-DRAM), but keep a valid answer.
    const allDram = space.newState();
    offer(allDram, evaluate(allDram));
  }

  // 2. Local improvement from each start.
  const current = space.newState();
  const proposal = space.newState();
  let best = { state: space.newState(), edp: Infinity };
  const stepsPerStart = Math.floor(budget.improvementSteps / top.length);
  for (const start of top) {
    space.copyState(start.state, current);
    let currentEdp = start.edp;
    for (let step = 0; step < stepsPerStart; step++) {
      space.copyState(current, proposal);
      if (!propose(space, proposal, rng)) continue;
      if (!space.spatialFits(proposal.slots)) continue;
      space.pack(proposal, packed);
      if (!space.fits(packed)) continue;
      const edp = evaluate(proposal);
      if (edp <= currentEdp) {
        space.copyState(proposal, current);
        currentEdp = edp;
      }
    }
    if (currentEdp < best.edp) {
      best = { state: space.newState(), edp: currentEdp };
      space.copyState(current, best.state);
    }
  }

  const result = space.pack(best.state);
  scorer.score(result, out);
  return { packed: result, cycles: out[0], energy: out[1], edp: out[0] * out[1], evaluations: evaluations + 1 };
}

function sameState(a: MappingState, b: MappingState): boolean {
  for (let i = 0; i < a.slots.length; i++) if (a.slots[i] !== b.slots[i]) return false;
  for (let i = 0; i < a.orders.length; i++) if (a.orders[i] !== b.orders[i]) return false;
  return true;
}

/** Applies one random local move to `state` in place; false when the move was a no-op. */
function propose(space: FactorSpace, state: MappingState, rng: Random): boolean {
  const { slots, orders } = state;
  const n = slots.length;
  const move = rng.next();
  if (move < 0.4 && n > 0) {
    // Move one prime to another allowed slot.
    const i = rng.int(0, n - 1);
    const slot = rng.int(0, SLOT_COUNT - 1);
    if (slot === slots[i] || !space.isAllowed(i, slot)) return false;
    slots[i] = slot;
    return true;
  }
  if (move < 0.55 && n > 1) {
    // Exchange the slots of two primes (keeps tile sizes roughly balanced).
    const i = rng.int(0, n - 1);
    const j = rng.int(0, n - 1);
    if (slots[i] === slots[j] || !space.isAllowed(i, slots[j]) || !space.isAllowed(j, slots[i])) return false;
    const t = slots[i];
    slots[i] = slots[j];
    slots[j] = t;
    return true;
  }
  if (move < 0.8) {
    // Swap two non-trivial loops within a level.
    const level = rng.int(0, LEVELS - 1);
    const live: number[] = [];
    const factors = new Int32Array(DIM_COUNT).fill(1);
    for (let i = 0; i < n; i++) if (slots[i] === level) factors[space.primeDim[i]] *= space.primeValue[i];
    for (let pos = 0; pos < DIM_COUNT; pos++) if (factors[orders[level * DIM_COUNT + pos]] > 1) live.push(pos);
    if (live.length < 2) return false;
    const a = rng.pick(live);
    const b = rng.pick(live);
    if (a === b) return false;
    const base = level * DIM_COUNT;
    const t = orders[base + a];
    orders[base + a] = orders[base + b];
    orders[base + b] = t;
    return true;
  }
  if (move < 0.92) {
    orders.set(rng.pick(GOOD_LOOP_ORDERS), rng.int(0, LEVELS - 1) * DIM_COUNT);
    return true;
  }
  // Fill the PE array: primes displaced from spatial go to a temporal level.
  const before = slots.slice();
  space.maximiseSpatial(slots, rng, rng.int(1, 3));
  for (let i = 0; i < n; i++) if (slots[i] !== before[i]) return true;
  // Already maximal: move a spatial prime out instead, to explore the other side.
  const spatial: number[] = [];
  for (let i = 0; i < n; i++) if (slots[i] === SPATIAL_SLOT) spatial.push(i);
  if (spatial.length === 0) return false;
  slots[rng.pick(spatial)] = rng.int(1, 3);
  return true;
}
