import {
  DIMS, type HardwareConfig, type Layer, type Mapping, type MappingViolation, type Random, mappingViolations, rowCapacityViolations,
} from '@polaris/core';
import { type FactorSlot, type MappingGenome, cloneGenome, mappingOf, primeFactorsOf, setSlotFactor, slotFactor, slotsOf } from './mapping-genome.js';

/**
 * The buffer rule a mapping must satisfy: `'words'` is Timeloop's word-count rule (core's
 * `mappingViolations`, what the analytical fidelity accepts); `'rows'` adds the RTL's
 * row-organised buffers (core's `rowCapacityViolations`), as the mapper's option of that name.
 */
export type BufferLayout = 'words' | 'rows';

/** Every way `mapping` does not fit `layer` on `hardware` under `layout`; empty when it fits. */
export function fitViolations(layer: Layer, hardware: HardwareConfig, mapping: Mapping, layout: BufferLayout): MappingViolation[] {
  const violations = mappingViolations(layer, hardware, mapping);
  if (layout === 'words' || violations.length > 0) return violations;
  return rowCapacityViolations(layer, hardware, mapping);
}

/** Whether {@link fitViolations} finds nothing. */
export const fits = (layer: Layer, hardware: HardwareConfig, mapping: Mapping, layout: BufferLayout): boolean =>
  fitViolations(layer, hardware, mapping, layout).length === 0;

const SLOTS = DIMS.map((dim) => slotsOf(dim));
/** Dimensions of the output tile (indices into DIMS): N, K, P, Q. */
const OUTPUT_DIMS = (['N', 'K', 'P', 'Q'] as const).map((dim) => DIMS.indexOf(dim));
const WEIGHT_DIMS = (['R', 'S', 'C', 'K'] as const).map((dim) => DIMS.indexOf(dim));
const STRUCTURAL: ReadonlySet<string> = new Set(['bad-factor', 'factor-product', 'spatial-not-allowed', 'keeps-mismatch']);
/** Repair steps before giving up; each step moves one prime outward, so a layer needs far fewer. */
const MAX_REPAIR_STEPS = 256;

/** A prime factor of dimension index `d` in `from` that one repair step moves to `to`. */
interface Move {
  readonly d: number;
  readonly from: FactorSlot;
  readonly to: FactorSlot;
}

/** Moves from every `(d, slot)` with a factor above 1 and `accept`ed, to the temporal loop of `toLevel`. */
function movesTo(genome: MappingGenome, dims: readonly number[], toLevel: number, accept: (slot: FactorSlot) => boolean): Move[] {
  const to: FactorSlot = { level: toLevel, spatial: false };
  return dims.flatMap((d) => SLOTS[d].filter((slot) => accept(slot) && slotFactor(genome, d, slot) > 1).map((from) => ({ d, from, to })));
}

/**
 * The outward moves that shrink the tile a violation is about: a spatial factor above peDim
 * gives primes to its level's temporal loop (tiles unchanged); a weight factor at L0 goes to L1;
 * output-tile factors at L0–L1 go to L2 (accumulator); factors at L0–L2 go to DRAM
 * (scratchpad), temporal ones first since spatial ones also use the PE array.
 */
function repairMoves(genome: MappingGenome, codes: ReadonlySet<string>, peDim: number): Move[] {
  if (codes.has('spatial-exceeds-pe')) {
    return DIMS.flatMap((_, d) => SLOTS[d].filter((slot) => slot.spatial && slotFactor(genome, d, slot) > peDim)
      .map((from) => ({ d, from, to: { level: from.level, spatial: false } })));
  }
  if (codes.has('register-capacity')) {
    return WEIGHT_DIMS.filter((d) => genome.temporal[0][d] > 1).map((d) => ({ d, from: { level: 0, spatial: false }, to: { level: 1, spatial: false } }));
  }
  if (codes.has('accumulator-capacity') || codes.has('accumulator-rows')) {
    return movesTo(genome, OUTPUT_DIMS, 2, (slot) => !slot.spatial && slot.level <= 1);
  }
  const all = DIMS.map((_, d) => d);
  const temporal = movesTo(genome, all, 3, (slot) => !slot.spatial && slot.level <= 2);
  return temporal.length > 0 ? temporal : movesTo(genome, all, 3, (slot) => slot.spatial);
}

/**
 * Makes a genome fit `hardware` by moving prime factors outward, one seeded step at a time,
 * until {@link fitViolations} finds nothing: each step picks one of the moves that shrink the
 * violated tile (see `repairMoves`). It keeps the factor products and only lowers spatial
 * factors, so the result is a valid mapping of the layer.
 * @returns the repaired copy (the genome itself, copied, when it already fits), or undefined
 *   when nothing fits — a structural problem, or tiles that cannot shrink further.
 */
export function repairGenome(
  layer: Layer, hardware: HardwareConfig, genome: MappingGenome, rng: Random, layout: BufferLayout,
): MappingGenome | undefined {
  const repaired = cloneGenome(genome);
  for (let step = 0; step < MAX_REPAIR_STEPS; step++) {
    const violations = fitViolations(layer, hardware, mappingOf(repaired), layout);
    if (violations.length === 0) return repaired;
    const codes = new Set(violations.map((v) => v.code));
    if ([...codes].some((code) => STRUCTURAL.has(code))) return undefined;
    const moves = repairMoves(repaired, codes, hardware.peDim);
    if (moves.length === 0) return undefined;
    const { d, from, to } = rng.pick(moves);
    const prime = rng.pick(primeFactorsOf(slotFactor(repaired, d, from)));
    setSlotFactor(repaired, d, from, slotFactor(repaired, d, from) / prime);
    setSlotFactor(repaired, d, to, slotFactor(repaired, d, to) * prime);
  }
  return undefined;
}
