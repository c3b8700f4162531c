import { ACCUMULATOR_WORD_BYTES, type HardwareConfig, SCRATCHPAD_WORD_BYTES } from './hardware.js';
import { DIMS, type Dim, type Layer, type Tensor, TENSORS, describeLayer, inputHeight, inputWidth } from './layer.js';
import { LEVEL_COUNT, LEVEL_NAMES, type Mapping, TEMPLATE_KEEPS, TEMPLATE_SPATIAL, printMapping, totalFactor } from './mapping.js';

/**
 * Validity of a mapping on the Gemmini template, with Timeloop's capacity rule.
 *
 * Capacity rule (checked against every row of DOSA's 12,000 Timeloop runs and 1,567 FireSim
 * runs, all of which Timeloop accepted; see mapping-validity.spec.ts):
 * - registers (L0): one weight word per PE, so the L0 weight tile must be 1 word;
 * - accumulator (L1): one instance per PE column, each holding accKB·1024 / 4 / peDim 4-byte
 *   words (Timeloop's `mem1_entries`); the L1 output tile must fit in ONE instance. The L1 tile
 *   does not include L2's spatial K, which spreads outputs over the instances;
 * - scratchpad (L2): a single instance of spKB·1024 1-byte words holding the L2 weight tile plus
 *   the L2 input tile (L2's spatial K included).
 * Both buffer limits are tight in the data: some accepted rows fill them exactly.
 */

/** Machine-readable kind of a {@link MappingViolation}. */
export type MappingViolationCode =
  | 'bad-factor'
  | 'factor-product'
  | 'spatial-not-allowed'
  | 'spatial-exceeds-pe'
  | 'keeps-mismatch'
  | 'register-capacity'
  | 'accumulator-capacity'
  | 'scratchpad-capacity'
  /** Row-organised buffers (RTL / Gemmini layout), see row-capacity.ts; not part of `mappingViolations`. */
  | 'scratchpad-rows'
  | 'accumulator-rows';

/** One way a mapping breaks the template; the message names the problem and the fix. */
export interface MappingViolation {
  readonly code: MappingViolationCode;
  readonly message: string;
}

/** A mapping that {@link assertValidMapping} rejected; carries every violation. */
export class InvalidMappingError extends Error {
  override readonly name = 'InvalidMappingError';
  constructor(message: string, readonly violations: readonly MappingViolation[]) {
    super(message);
  }
}

/** Words (not bytes) each buffer holds per instance, as Timeloop sizes them for the template. */
export interface BufferCapacities {
  /** Weight words per PE register (always 1). */
  readonly registerWords: number;
  /** 4-byte words per accumulator instance (one instance per PE column), floored. */
  readonly accumulatorWordsPerInstance: number;
  /** 1-byte words in the single scratchpad instance, floored. */
  readonly scratchpadWords: number;
}

/** Per-instance capacities in words: accumulator accKB·1024/4/peDim, scratchpad spKB·1024. */
export function bufferCapacities(hw: HardwareConfig): BufferCapacities {
  return {
    registerWords: 1,
    accumulatorWordsPerInstance: Math.floor((hw.accKB * 1024) / ACCUMULATOR_WORD_BYTES / hw.peDim),
    scratchpadWords: Math.floor((hw.spKB * 1024) / SCRATCHPAD_WORD_BYTES),
  };
}

/**
 * Timeloop's tile bounding box at `level`: per dimension, the product of every loop factor at
 * levels ≤ `level`, that level's own spatial loops included.
 */
export function tileExtents(mapping: Mapping, level: number): Record<Dim, number> {
  const extents = { R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1 } as Record<Dim, number>;
  for (let l = 0; l <= level; l++) {
    for (const loop of mapping.levels[l].loops) extents[loop.dim] *= loop.factor;
  }
  return extents;
}

/** Words of `tensor` in a tile of the given extents; inputs use the sliding-window extent. */
export function tileWords(layer: Layer, extents: Readonly<Record<Dim, number>>, tensor: Tensor): number {
  const e = extents;
  switch (tensor) {
    case 'W': return e.C * e.K * e.R * e.S;
    case 'O': return e.N * e.K * e.P * e.Q;
    case 'I': return e.N * e.C * inputWidth(layer, e.P, e.R) * inputHeight(layer, e.Q, e.S);
  }
}

const formatExtents = (e: Readonly<Record<Dim, number>>, dims: readonly Dim[]): string =>
  dims.filter((d) => e[d] > 1).map((d) => `${d}${e[d]}`).join('·') || '1';

function factorViolations(layer: Layer, mapping: Mapping): MappingViolation[] {
  const out: MappingViolation[] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    for (const loop of mapping.levels[level].loops) {
      if (!Number.isInteger(loop.factor) || loop.factor < 1) {
        out.push({ code: 'bad-factor', message: `L${level} loop ${loop.dim}${loop.factor}${loop.spatial ? 'X' : ''} has a factor that is not a positive integer; use an integer ≥ 1` });
      }
    }
  }
  for (const dim of DIMS) {
    const product = totalFactor(mapping, dim);
    if (product !== layer[dim]) {
      out.push({
        code: 'factor-product',
        message: `dimension ${dim}: factors across levels multiply to ${product} but the layer has ${dim}=${layer[dim]}; change the ${dim} factors so their product is exactly ${layer[dim]}`,
      });
    }
  }
  return out;
}

function spatialViolations(hw: HardwareConfig, mapping: Mapping): MappingViolation[] {
  const out: MappingViolation[] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    const allowed = TEMPLATE_SPATIAL[level];
    let product = 1;
    for (const loop of mapping.levels[level].loops) {
      if (!loop.spatial) continue;
      if (loop.dim !== allowed) {
        const where = allowed ? `only ${allowed} may be spatial at L${level}` : `L${level} (${LEVEL_NAMES[level]}) has no spatial loops`;
        out.push({
          code: 'spatial-not-allowed',
          message: `spatial loop ${loop.dim}${loop.factor}X at L${level} is not in the template: ${where} (spatial C at L1, spatial K at L2); make it temporal or move it`,
        });
      } else {
        product *= loop.factor;
      }
    }
    if (allowed && product > hw.peDim) {
      out.push({
        code: 'spatial-exceeds-pe',
        message: `spatial ${allowed} at L${level} is ${product} but the PE array is ${hw.peDim}×${hw.peDim}; use a spatial ${allowed} factor ≤ ${hw.peDim} and move the rest to temporal loops`,
      });
    }
  }
  return out;
}

function keepsViolations(mapping: Mapping): MappingViolation[] {
  const out: MappingViolation[] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    const keeps = mapping.levels[level].keeps;
    const expected = TEMPLATE_KEEPS[level];
    const same = keeps.length === expected.length && expected.every((t) => keeps.includes(t));
    if (!same) {
      const text = (ts: readonly Tensor[]): string => TENSORS.filter((t) => ts.includes(t)).join('');
      out.push({
        code: 'keeps-mismatch',
        message: `L${level} (${LEVEL_NAMES[level]}) keeps [${text(keeps)}] but the template's L${level} keeps [${text(expected)}]; write L${level}[${text(expected)}]`,
      });
    }
  }
  return out;
}

function capacityViolations(layer: Layer, hw: HardwareConfig, mapping: Mapping): MappingViolation[] {
  const out: MappingViolation[] = [];
  const cap = bufferCapacities(hw);
  const e0 = tileExtents(mapping, 0);
  const w0 = tileWords(layer, e0, 'W');
  if (w0 > cap.registerWords) {
    out.push({
      code: 'register-capacity',
      message: `registers: the L0 weight tile is ${w0} words (${formatExtents(e0, ['R', 'S', 'C', 'K'])}) but each PE register holds 1 weight; keep only P, Q or N loops at L0 and move the others to L1 or above`,
    });
  }
  const e1 = tileExtents(mapping, 1);
  const o1 = tileWords(layer, e1, 'O');
  if (o1 > cap.accumulatorWordsPerInstance) {
    const neededKB = (o1 * ACCUMULATOR_WORD_BYTES * hw.peDim) / 1024;
    out.push({
      code: 'accumulator-capacity',
      message: `accumulator: the L1 output tile is ${o1} words (${formatExtents(e1, ['N', 'K', 'P', 'Q'])}) but one accumulator instance `
        + `(one per PE column: ${hw.accKB} KiB / 4 B / ${hw.peDim}) holds ${cap.accumulatorWordsPerInstance} words; `
        + `move N/K/P/Q factors from L0–L1 to L2 or L3, or use accKB ≥ ${neededKB}`,
    });
  }
  const e2 = tileExtents(mapping, 2);
  const w2 = tileWords(layer, e2, 'W');
  const i2 = tileWords(layer, e2, 'I');
  if (w2 + i2 > cap.scratchpadWords) {
    out.push({
      code: 'scratchpad-capacity',
      message: `scratchpad: the L2 tiles need ${w2 + i2} bytes (weights ${w2} + inputs ${i2}; tile ${formatExtents(e2, DIMS)}) `
        + `but the scratchpad holds ${cap.scratchpadWords}; move factors from L0–L2 to L3, or use spKB ≥ ${Math.ceil(((w2 + i2) / 1024) * 1000) / 1000}`,
    });
  }
  return out;
}

/**
 * Every way `mapping` is not a valid mapping of `layer` on `hardware`, by name; empty when valid.
 * Checks factor products, the template's spatial loops (C at L1, K at L2, each ≤ peDim), the
 * levels' kept tensors, and buffer capacities (see the rule at the top of this file).
 */
export function mappingViolations(layer: Layer, hardware: HardwareConfig, mapping: Mapping): MappingViolation[] {
  const factors = factorViolations(layer, mapping);
  const structural = [...factors, ...spatialViolations(hardware, mapping), ...keepsViolations(mapping)];
  // Capacity numbers are meaningless with non-integer factors; report those first.
  if (factors.some((v) => v.code === 'bad-factor')) return structural;
  return [...structural, ...capacityViolations(layer, hardware, mapping)];
}

/** Whether {@link mappingViolations} finds nothing. */
export const isValidMapping = (layer: Layer, hardware: HardwareConfig, mapping: Mapping): boolean =>
  mappingViolations(layer, hardware, mapping).length === 0;

/**
 * Throws unless the mapping is valid.
 * @throws InvalidMappingError listing every violation, with the layer and mapping named.
 */
export function assertValidMapping(layer: Layer, hardware: HardwareConfig, mapping: Mapping): void {
  const violations = mappingViolations(layer, hardware, mapping);
  if (violations.length === 0) return;
  const list = violations.map((v, i) => `  ${i + 1}. [${v.code}] ${v.message}`).join('\n');
  throw new InvalidMappingError(
    `mapping "${printMapping(mapping)}" is not valid for ${describeLayer(layer)} on peDim=${hardware.peDim}, spKB=${hardware.spKB}, accKB=${hardware.accKB} (${violations.length} problem${violations.length > 1 ? 's' : ''}):\n${list}`,
    violations,
  );
}
