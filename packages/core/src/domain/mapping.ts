import { DIMS, type Dim, type Tensor, TENSORS } from './layer.js';

/**
 * A mapping of one layer onto the Gemmini template, in Timeloop/DOSA terms.
 *
 * Levels are numbered inner→outer: 0 registers (weights), 1 accumulator (outputs),
 * 2 scratchpad (weights + inputs), 3 DRAM (all). Within a level, loops are listed
 * outer→inner exactly as in the text form; a spatial loop (`X`) fans out to the level's
 * children. A dimension absent from a level has factor 1 there. Factor-1 loops are kept
 * so that printing reproduces the text it was parsed from.
 */
export interface Loop {
  readonly dim: Dim;
  readonly factor: number;
  readonly spatial: boolean;
}

export interface MappingLevel {
  /** Tensors this level keeps (the bracket in `L2[WI]`). */
  readonly keeps: readonly Tensor[];
  /** Loops outer→inner. */
  readonly loops: readonly Loop[];
}

export interface Mapping {
  /** Indexed by level number: `levels[0]` is L0 (registers), `levels[3]` is L3 (DRAM). */
  readonly levels: readonly [MappingLevel, MappingLevel, MappingLevel, MappingLevel];
}

export const LEVEL_COUNT = 4;
export const LEVEL_NAMES = ['registers', 'accumulator', 'scratchpad', 'DRAM'] as const;
/** What each level of the template keeps. */
export const TEMPLATE_KEEPS: readonly (readonly Tensor[])[] = [['W'], ['O'], ['W', 'I'], ['W', 'I', 'O']];
/** The only spatial loops the template allows: C at L1 (PE rows) and K at L2 (PE columns). */
export const TEMPLATE_SPATIAL: Readonly<Record<number, Dim | undefined>> = { 0: undefined, 1: 'C', 2: 'K', 3: undefined };

/** A mapping string that does not parse; the message names the offending token. */
export class MappingSyntaxError extends Error {
  override readonly name = 'MappingSyntaxError';
}

const LEVEL_RE = /^L([0-3])\[([WIO]*)\]$/;
const LOOP_RE = /^([RSPQCKN])(\d+)(X?)$/;

/**
 * Parses the DOSA/Timeloop text form, e.g.
 * `L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16`.
 * @throws MappingSyntaxError naming the token and the expected form.
 */
export function parseMapping(text: string): Mapping {
  const parts = text.trim().split(/\s+-\s+/);
  const hint = 'expected "L3[WIO] <loops> - L2[WI] <loops> - L1[O] <loops> - L0[W] <loops>", loops like K8 or C4X';
  if (parts.length !== LEVEL_COUNT) {
    throw new MappingSyntaxError(`mapping "${text}" has ${parts.length} levels separated by " - "; ${hint}`);
  }
  const levels: MappingLevel[] = [];
  parts.forEach((part, position) => {
    const tokens = part.trim().split(/\s+/);
    const head = LEVEL_RE.exec(tokens[0]);
    const expectedLevel = LEVEL_COUNT - 1 - position;
    if (!head || Number(head[1]) !== expectedLevel) {
      throw new MappingSyntaxError(`mapping "${text}": level header "${tokens[0]}" should be L${expectedLevel}[...]; ${hint}`);
    }
    const keeps = [...head[2]] as Tensor[];
    const loops: Loop[] = tokens.slice(1).map((token) => {
      const m = LOOP_RE.exec(token);
      if (!m || Number(m[2]) < 1) {
        throw new MappingSyntaxError(`mapping "${text}": loop "${token}" in L${expectedLevel} is not <dim><factor>[X] with dim in ${DIMS.join('')} and factor ≥ 1`);
      }
      return { dim: m[1] as Dim, factor: Number(m[2]), spatial: m[3] === 'X' };
    });
    levels[expectedLevel] = { keeps, loops };
  });
  return { levels: levels as unknown as Mapping['levels'] };
}

/** Prints the DOSA/Timeloop text form; `printMapping(parseMapping(s)) === s` for canonical spacing. */
export function printMapping(mapping: Mapping): string {
  const parts: string[] = [];
  for (let level = LEVEL_COUNT - 1; level >= 0; level--) {
    const { keeps, loops } = mapping.levels[level];
    const loopText = loops.map((l) => `${l.dim}${l.factor}${l.spatial ? 'X' : ''}`);
    parts.push([`L${level}[${TENSORS.filter((t) => keeps.includes(t)).join('')}]`, ...loopText].join(' '));
  }
  return parts.join(' - ');
}

/** Product of a dimension's factors at one level. */
export function levelFactor(mapping: Mapping, level: number, dim: Dim, spatial?: boolean): number {
  let product = 1;
  for (const loop of mapping.levels[level].loops) {
    if (loop.dim === dim && (spatial === undefined || loop.spatial === spatial)) product *= loop.factor;
  }
  return product;
}

/** Product of a dimension's factors over every level (must equal the layer's dimension). */
export function totalFactor(mapping: Mapping, dim: Dim): number {
  let product = 1;
  for (let level = 0; level < LEVEL_COUNT; level++) product *= levelFactor(mapping, level, dim);
  return product;
}

/** Builds a mapping with the template's `keeps` from loops per level (index 0 = L0). */
export function makeMapping(loopsPerLevel: readonly (readonly Loop[])[]): Mapping {
  if (loopsPerLevel.length !== LEVEL_COUNT) throw new RangeError(`a mapping has ${LEVEL_COUNT} levels, got ${loopsPerLevel.length}`);
  return {
    levels: loopsPerLevel.map((loops, level) => ({ keeps: TEMPLATE_KEEPS[level], loops: [...loops] })) as unknown as Mapping['levels'],
  };
}
