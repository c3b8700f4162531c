import type { HardwareConfig } from './hardware.js';

/**
 * Energy per action of the Gemmini template, as data the user may replace.
 *
 * A coefficient is either a constant in pJ or a linear function of the hardware:
 * `base + spKB·spKB + accKB·accKB + peDim·peDim + accKBPerPeDim·(accKB/peDim)` (all pJ).
 */
export type EnergyCoefficient =
  | number
  | {
    readonly base?: number;
    readonly spKB?: number;
    readonly accKB?: number;
    readonly peDim?: number;
    /** Multiplies accKB/peDim, the KiB of one accumulator instance. */
    readonly accKBPerPeDim?: number;
  };

/** pJ per word access at each storage level of the template. */
export interface LevelEnergies {
  readonly registers: EnergyCoefficient;
  readonly accumulator: EnergyCoefficient;
  readonly scratchpad: EnergyCoefficient;
  readonly dram: EnergyCoefficient;
}

/** A complete energy table: MAC energy, per-word energy per level and whether accesses round up to blocks. */
export interface EnergyTable {
  readonly name: string;
  /** pJ per multiply-accumulate. */
  readonly mac: EnergyCoefficient;
  /** pJ per word read, fill or update, by level. */
  readonly perWord: LevelEnergies;
  /**
   * When true (Timeloop/Accelergy), each count is rounded up to whole blocks of
   * 1 (registers), 1 (accumulator), peDim (scratchpad) and 64 (DRAM) words and a block costs
   * block-size × per-word energy. When false, energy is count × per-word energy.
   */
  readonly blockRounding: boolean;
}

/**
 * Timeloop + Accelergy defaults for the Gemmini template at 40 nm, as DOSA configures them
 * (DESIGN.md Appendix A): the table the 12,000 Timeloop runs in DOSA's dataset were priced with.
 */
export const TIMELOOP_ENERGY_TABLE: EnergyTable = {
  name: 'timeloop',
  mac: 0.5608,
  perWord: {
    registers: 0.48746,
    accumulator: { base: 1.94975, accKBPerPeDim: 0.1005025 },
    scratchpad: { base: 0.48744, spKB: 0.0251256 },
    dram: 100,
  },
  blockRounding: true,
};

/** DOSA's own (differentiable) coefficients, DESIGN.md §3, without block rounding. */
export const DOSA_ENERGY_TABLE: EnergyTable = {
  name: 'dosa',
  mac: 0.5608,
  perWord: {
    registers: 0.48746,
    accumulator: { base: 1.94, accKBPerPeDim: 0.1005 },
    scratchpad: { base: 0.49, spKB: 0.02513 },
    dram: 100,
  },
  blockRounding: false,
};

/** The built-in tables by name. */
export const ENERGY_TABLES = { timeloop: TIMELOOP_ENERGY_TABLE, dosa: DOSA_ENERGY_TABLE } as const;
export type EnergyTableName = keyof typeof ENERGY_TABLES;

/** An energy table resolved for one hardware configuration. */
export interface ResolvedEnergy {
  /** pJ per MAC. */
  readonly mac: number;
  /** pJ per word, index = level (0 registers … 3 DRAM). */
  readonly perWord: readonly [number, number, number, number];
  /** Words per block, index = level; all 1 without block rounding. */
  readonly blockWords: readonly [number, number, number, number];
}

/** Evaluates one coefficient for `hw`; throws if the result is not a finite non-negative number. */
export function evaluateCoefficient(coefficient: EnergyCoefficient, hw: HardwareConfig, what = 'energy coefficient'): number {
  const value = typeof coefficient === 'number'
    ? coefficient
    : (coefficient.base ?? 0) + (coefficient.spKB ?? 0) * hw.spKB + (coefficient.accKB ?? 0) * hw.accKB
      + (coefficient.peDim ?? 0) * hw.peDim + (coefficient.accKBPerPeDim ?? 0) * (hw.accKB / hw.peDim);
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} evaluates to ${value} pJ for peDim=${hw.peDim}, spKB=${hw.spKB}, accKB=${hw.accKB}; expected a finite number ≥ 0`);
  }
  return value;
}

/** Resolves a table (or a built-in's name) for one hardware configuration. */
export function resolveEnergy(table: EnergyTable | EnergyTableName, hw: HardwareConfig): ResolvedEnergy {
  const t = typeof table === 'string' ? ENERGY_TABLES[table] : table;
  if (t === undefined) throw new RangeError(`unknown energy table "${String(table)}"; built-ins: ${Object.keys(ENERGY_TABLES).join(', ')}`);
  const e = (c: EnergyCoefficient, level: string): number => evaluateCoefficient(c, hw, `energy table "${t.name}" ${level}`);
  return {
    mac: e(t.mac, 'mac'),
    perWord: [e(t.perWord.registers, 'registers'), e(t.perWord.accumulator, 'accumulator'),
      e(t.perWord.scratchpad, 'scratchpad'), e(t.perWord.dram, 'dram')],
    blockWords: t.blockRounding ? [1, 1, hw.peDim, 64] : [1, 1, 1, 1],
  };
}
