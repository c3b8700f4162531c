import { type EnergyTable, type EnergyTableName, type HardwareConfig, type LevelAccesses, cycles, picoJoules, resolveEnergy } from '@polaris/core';
import type { HarnessCounters } from '../runner/harness-report.js';
import { type ProgramTraffic, splitTotal } from './program-traffic.js';

/**
 * Per-action energy of the RTL fidelity: event counters × pJ per action, priced with core's
 * energy tables (the same per-word energies the analytical model uses; `blockRounding` does not
 * apply here: the RTL counts whole rows and bursts).
 */

/** What the evaluator needs besides the counters to price one run. */
export interface CounterPricing {
  readonly hardware: HardwareConfig;
  /** A built-in table's name or a table (core's energy tables). */
  readonly table: EnergyTable | EnergyTableName;
  /** DMA bus width, bytes/cycle (for the DRAM level's own cycles). */
  readonly busBytes: number;
  /** Scratchpad banks (docs/isa.md: 4), each one row access per cycle. */
  readonly spBanks?: number;
  /** The program's static traffic, to attribute the counters to tensors; without it, by level only. */
  readonly split?: ProgramTraffic;
}

/** Energy of one layer run with its breakdown by level. */
export interface CounterEnergy {
  /** pJ: MAC energy plus every level's. */
  readonly total: number;
  readonly macEnergy: number;
  /** Index = level (0 registers … 3 DRAM). */
  readonly accesses: readonly LevelAccesses[];
}

/**
 * Prices a run's counters (docs/isa.md counter meanings); energy depends only on the counters:
 * - MACs × mac energy;
 * - registers (L0, weights): one word read per MAC (Timeloop: register reads = MACs); weight
 *   loads into the array (`preload_weight_loads` PRELOADs) are priced as the scratchpad row reads
 *   that feed them, so register fills are reported as 0;
 * - accumulator (L1, outputs): row reads / writes × DIM words (writes are updates);
 * - scratchpad (L2): row reads / writes × DIM words (writes are fills);
 * - DRAM (L3): bytes read and written, one byte = one (8-bit) word (writes are updates): a final
 *   output leaves as one int8 byte (narrow MVOUT), as Timeloop's 8-bit DRAM word counts it; a
 *   spilled or reloaded partial sum moves four bytes (int32 MVOUT / MVIN_ACC) and costs four words.
 *
 * The counters do not name tensors; `split` (the program's static traffic) divides each level's
 * counter between weights, inputs and outputs in the program's proportions — exact whenever the
 * program's count equals the counter. Without it, L2 goes to inputs and L3 reads to inputs.
 */
export function priceCounters(counters: HarnessCounters, pricing: CounterPricing): CounterEnergy {
  const { hardware: hw, table, split } = pricing;
  const dim = hw.peDim;
  const { mac, perWord } = resolveEnergy(table, hw);
  const regReads = counters.macs;
  const regFills = 0;
  const accReads = counters.acc_reads * dim;
  const accUpdates = counters.acc_writes * dim;
  const spReads = splitTotal(counters.sp_reads * dim, split?.spReadRows ?? { W: 0, I: 0 }, 'I');
  const spFills = splitTotal(counters.sp_writes * dim, split?.spWriteRows ?? { W: 0, I: 0 }, 'I');
  const dramReads = splitTotal(counters.dram_read_bytes, split?.dramReadBytes ?? { W: 0, I: 0, O: 0 }, 'I');
  const dramUpdates = counters.dram_write_bytes;
  const words = [
    regReads + regFills, accReads + accUpdates, (counters.sp_reads + counters.sp_writes) * dim,
    counters.dram_read_bytes + dramUpdates,
  ];
  const energy = words.map((w, level) => w * perWord[level]);
  const spBanks = pricing.spBanks ?? 4;
  const ownCycles = [
    Math.ceil(counters.macs / (dim * dim)),
    counters.acc_reads + counters.acc_writes,
    Math.ceil((counters.sp_reads + counters.sp_writes) / spBanks),
    Math.ceil((counters.dram_read_bytes + counters.dram_write_bytes) / pricing.busBytes),
  ];
  const level = (index: number, instances: number, tensors: LevelAccesses['tensors']): LevelAccesses => ({
    level: index, instances, tensors, energy: picoJoules(energy[index]), cycles: cycles(ownCycles[index]),
  });
  const macEnergy = counters.macs * mac;
  return {
    total: macEnergy + energy.reduce((a, b) => a + b, 0),
    macEnergy,
    accesses: [
      level(0, dim * dim, { W: { reads: regReads, fills: regFills, updates: 0 } }),
      level(1, dim, { O: { reads: accReads, fills: 0, updates: accUpdates } }),
      level(2, 1, {
        W: { reads: spReads.W, fills: spFills.W, updates: 0 },
        I: { reads: spReads.I, fills: spFills.I, updates: 0 },
      }),
      level(3, 1, {
        W: { reads: dramReads.W, fills: 0, updates: 0 },
        I: { reads: dramReads.I, fills: 0, updates: 0 },
        O: { reads: dramReads.O, fills: 0, updates: dramUpdates },
      }),
    ],
  };
}
