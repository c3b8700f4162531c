import { type DosaRow, type EnergyTable, type EnergyTableName, mappingViolations, parseMapping } from '@polaris/core';
import type { AnalyticalOptions } from '../model/analytical-options.js';
import { analyzeLayer } from '../model/analyze-layer.js';

/** The analytical model's answer for one CSV row, or why the row could not be scored. */
export type RowScore =
  | { readonly ok: true; readonly cycles: number; readonly energyPJ: number }
  | { readonly ok: false; readonly error: string };

/** Distribution of a per-row figure over the scored rows. */
export interface Spread {
  readonly min: number;
  readonly p10: number;
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** How the model agrees with a CSV's own targets. */
export interface DosaAgreement {
  readonly rows: number;
  readonly scored: number;
  /** Fraction of scored rows whose cycles equal `target.cycle` exactly. */
  readonly exactCycleFraction: number;
  /** model cycles / `target.cycle`. */
  readonly cycleRatio: Spread;
  /** model cycles / `target.gemmini_cycle` (RTL), when the CSV has it. */
  readonly rtlCycleRatio?: Spread;
  /** |model − target| / target of energy. */
  readonly energyRelativeError: Spread;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { min: NaN, p10: NaN, median: NaN, p90: NaN, p99: NaN, max: NaN };
  return { min: s[0], p10: quantile(s, 0.1), median: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] };
}

/**
 * Analytical options that reproduce a row's configuration: its accumulator and scratchpad
 * bandwidths (the FireSim configuration lists separate read/write bandwidths).
 */
export function dosaRowOptions(row: DosaRow, energy: EnergyTable | EnergyTableName = 'timeloop'): AnalyticalOptions {
  return { energy, bandwidth: { accumulator: row.arch.accumulatorBandwidth, scratchpad: row.arch.scratchpadBandwidth } };
}

/**
 * Scores every row of a DOSA-format CSV (layer, hardware, mapping) with the analytical model
 * and compares with the row's own targets. Rows whose mapping does not parse or is invalid are
 * reported per row, never thrown.
 */
export function scoreDosaRows(rows: readonly DosaRow[], energy: EnergyTable | EnergyTableName = 'timeloop'): { scores: RowScore[]; agreement: DosaAgreement } {
  const scores: RowScore[] = [];
  let exact = 0;
  const ratios: number[] = [];
  const rtlRatios: number[] = [];
  const energyErrors: number[] = [];
  for (const row of rows) {
    let score: RowScore;
    try {
      const mapping = parseMapping(row.mapping);
      const violations = mappingViolations(row.layer, row.hardware, mapping);
      if (violations.length > 0) {
        score = { ok: false, error: violations.map((v) => v.message).join('; ') };
      } else {
        const result = analyzeLayer(row.layer, row.hardware, mapping, dosaRowOptions(row, energy));
        score = { ok: true, cycles: result.cycles, energyPJ: result.energy };
      }
    } catch (error) {
      score = { ok: false, error: (error as Error).message };
    }
    scores.push(score);
    if (!score.ok) continue;
    if (score.cycles === row.targets.cycles) exact++;
    ratios.push(score.cycles / row.targets.cycles);
    if (row.targets.gemminiCycles !== undefined) rtlRatios.push(score.cycles / row.targets.gemminiCycles);
    energyErrors.push(Math.abs(score.energyPJ / 1e6 - row.targets.energyUJ) / row.targets.energyUJ);
  }
  const scored = ratios.length;
  return {
    scores,
    agreement: {
      rows: rows.length,
      scored,
      exactCycleFraction: scored > 0 ? exact / scored : NaN,
      cycleRatio: spread(ratios),
      ...(rtlRatios.length > 0 ? { rtlCycleRatio: spread(rtlRatios) } : {}),
      energyRelativeError: spread(energyErrors),
    },
  };
}
