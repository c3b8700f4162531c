import type { HardwareConfig, LevelBandwidth } from '@polaris/core';
import type { EnergyTable, EnergyTableName } from '@polaris/core';

/** Bandwidths of the buffer levels in words/cycle per instance (registers are unlimited). */
export interface TemplateBandwidths {
  readonly accumulator: LevelBandwidth;
  readonly scratchpad: LevelBandwidth;
  readonly dram: LevelBandwidth;
}

/** Options of the analytical model. */
export interface AnalyticalOptions {
  /** Energy table: a built-in name or a user table. Default `'timeloop'`. */
  readonly energy?: EnergyTable | EnergyTableName;
  /**
   * Bandwidths per level; a level given here replaces the default for that level entirely.
   * Defaults (DOSA's Timeloop Gemmini): accumulator shared 2, scratchpad shared 2·peDim, DRAM shared 8.
   */
  readonly bandwidth?: Partial<TemplateBandwidths>;
}

/** The template's default bandwidths for `hw`. */
export function defaultBandwidths(hw: HardwareConfig): TemplateBandwidths {
  return {
    accumulator: { shared: 2 },
    scratchpad: { shared: 2 * hw.peDim },
    dram: { shared: 8 },
  };
}

/** Bandwidths in effect: defaults overridden level by level by `options.bandwidth`. */
export function resolveBandwidths(hw: HardwareConfig, options?: AnalyticalOptions): TemplateBandwidths {
  return { ...defaultBandwidths(hw), ...options?.bandwidth };
}
