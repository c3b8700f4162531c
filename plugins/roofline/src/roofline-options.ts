import { DRAM_WORDS_PER_CYCLE } from '@polaris/core';
import { z } from 'zod';

/**
 * Version of the roofline model's formulas. Bump it whenever a code change alters any result,
 * so that stored evaluations of an older model are not reused.
 */
export const ROOFLINE_MODEL_VERSION = '1.0.0';

/** Energy of one multiply-accumulate in pJ (DOSA's Accelergy-derived 40 nm Gemmini figure). */
export const DEFAULT_MAC_PJ = 0.5608;
/** Energy of one DRAM word (byte) access in pJ (DOSA's Gemmini figure). */
export const DEFAULT_DRAM_PJ_PER_WORD = 100;

/** A finite number > 0 (zod 4 numbers already reject ±Infinity and NaN). */
const positiveFinite = (what: string) => z.number().positive(`${what} must be a number > 0`);

/**
 * Options of the `roofline` evaluator, validated (and defaulted) by the plugin registry before
 * the factory's `create` runs. Unknown keys are rejected so that a typo is not silently ignored.
 */
export const rooflineOptionsSchema = z.strictObject({
  /** Energy per MAC, pJ (default 0.5608). */
  macPJ: positiveFinite('macPJ').default(DEFAULT_MAC_PJ),
  /** Energy per DRAM word moved, pJ/word (default 100). */
  dramPJPerWord: positiveFinite('dramPJPerWord').default(DEFAULT_DRAM_PJ_PER_WORD),
  /** DRAM bandwidth, words (bytes) per cycle (default 8, the template's). */
  dramWordsPerCycle: positiveFinite('dramWordsPerCycle').default(DRAM_WORDS_PER_CYCLE),
});

/** Options as given in a config (every key optional). */
export type RooflineOptionsInput = z.input<typeof rooflineOptionsSchema>;
/** Options after validation and defaults. */
export type RooflineOptions = z.output<typeof rooflineOptionsSchema>;

/** The default options: DOSA's Gemmini energies and the template's DRAM bandwidth. */
export const DEFAULT_ROOFLINE_OPTIONS: RooflineOptions = {
  macPJ: DEFAULT_MAC_PJ,
  dramPJPerWord: DEFAULT_DRAM_PJ_PER_WORD,
  dramWordsPerCycle: DRAM_WORDS_PER_CYCLE,
};

/**
 * Evaluator version for a set of options. It names the model (the store keys evaluations by
 * fidelity and version, not by evaluator id, so a bare `1.0.0` could collide with another
 * analytical-fidelity evaluator) and every option, since each one changes the numbers.
 */
export function rooflineVersion(options: RooflineOptions): string {
  return `roofline-${ROOFLINE_MODEL_VERSION};mac=${options.macPJ};dram=${options.dramPJPerWord};bw=${options.dramWordsPerCycle}`;
}
