/**
 * The Gemmini hardware template as DOSA parameterises it: a square weight-stationary PE array,
 * a scratchpad holding inputs and weights and an accumulator holding 32-bit partial sums.
 * DRAM bandwidth is 8 bytes/cycle; technology 40 nm.
 */
export interface HardwareConfig {
  /** PEs per side of the square array (the array has peDim² PEs). */
  readonly peDim: number;
  /** Scratchpad capacity in KiB (inputs + weights, 1-byte words). */
  readonly spKB: number;
  /** Accumulator capacity in KiB (outputs, 4-byte words). */
  readonly accKB: number;
}

/** Inclusive range of a hardware parameter; `powerOfTwo` restricts it to 2^k. */
export interface ParameterRange {
  readonly min: number;
  readonly max: number;
  readonly powerOfTwo: boolean;
}

/** DOSA's sampling ranges: peDim 2^1..2^7, buffers 2^0..2^11 KiB. */
export const HARDWARE_RANGES: Readonly<Record<keyof HardwareConfig, ParameterRange>> = {
  peDim: { min: 2, max: 128, powerOfTwo: true },
  spKB: { min: 1, max: 2048, powerOfTwo: false },
  accKB: { min: 1, max: 2048, powerOfTwo: false },
};

/** DOSA's default Gemmini configuration: 16×16 PEs, 128 KiB scratchpad, 32 KiB accumulator. */
export const DEFAULT_GEMMINI: HardwareConfig = { peDim: 16, spKB: 128, accKB: 32 };

/** Bytes per scratchpad word (int8 inputs and weights). */
export const SCRATCHPAD_WORD_BYTES = 1;
/** Bytes per accumulator word (int32 partial sums). */
export const ACCUMULATOR_WORD_BYTES = 4;
/** DRAM bandwidth of the template in words (bytes) per cycle. */
export const DRAM_WORDS_PER_CYCLE = 8;

/** Scratchpad capacity in words. */
export const scratchpadWords = (hw: HardwareConfig): number => (hw.spKB * 1024) / SCRATCHPAD_WORD_BYTES;
/** Accumulator capacity in words. */
export const accumulatorWords = (hw: HardwareConfig): number => (hw.accKB * 1024) / ACCUMULATOR_WORD_BYTES;

/**
 * Every way `hw` leaves the template's ranges, as messages naming the field and the allowed
 * values. Every parameter is a whole number (PEs per side, KiB of buffer), like DOSA's.
 */
export function hardwareViolations(hw: HardwareConfig): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(HARDWARE_RANGES) as (keyof HardwareConfig)[]) {
    const range = HARDWARE_RANGES[key];
    const value = hw[key];
    const allowed = `${range.powerOfTwo ? 'a power of two ' : 'an integer '}from ${range.min} to ${range.max}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`${key} is missing or not a number; allowed: ${allowed}`);
    } else if (value < range.min || value > range.max) {
      problems.push(`${key} = ${value} is outside the template's range; allowed: ${allowed}`);
    } else if (range.powerOfTwo && 2 ** Math.round(Math.log2(value)) !== value) {
      problems.push(`${key} = ${value} is not a power of two; allowed: ${allowed}`);
    } else if (!Number.isInteger(value)) {
      problems.push(`${key} = ${value} is not a whole number${key === 'peDim' ? '' : ' of KiB'}; allowed: ${allowed}`);
    }
  }
  return problems;
}

/** `16,128,32` → hardware; the form the CLI's `--hw` flag takes. */
export function parseHardware(text: string): HardwareConfig {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.length !== 3 || values.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`hardware "${text}" must be three numbers peDim,spKB,accKB (e.g. 16,128,32)`);
  }
  return { peDim: values[0], spKB: values[1], accKB: values[2] };
}

export function formatHardware(hw: HardwareConfig): string {
  return `${hw.peDim}x${hw.peDim} PEs, ${hw.spKB} KiB scratchpad, ${hw.accKB} KiB accumulator`;
}
