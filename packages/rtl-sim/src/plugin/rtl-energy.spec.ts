import { describe, expect, it } from 'vitest';
import type { HarnessCounters } from '../runner/harness-report.js';
import { DOSA_ENERGY_TABLE, TIMELOOP_ENERGY_TABLE, evaluateCoefficient } from '@polaris/core';
import { priceCounters } from './rtl-energy.js';
import type { ProgramTraffic } from './program-traffic.js';

/** Pricing by hand, without a simulator: DIM 4, 16 KiB scratchpad, 8 KiB accumulator. */
const hw = { peDim: 4, spKB: 16, accKB: 8 };
const counters = {
  macs: 1024, instructions: 31, sp_reads: 80, sp_writes: 80, sp_bank_reads: [20, 20, 20, 20], sp_bank_writes: [20, 20, 20, 20],
  acc_reads: 64, acc_writes: 64, dram_read_bytes: 320, dram_write_bytes: 512, dram_requests: 112, preload_weight_loads: 4,
  stall_dma_wait: 0, stall_bank_conflict: 0, stall_queue_full: 0, stall_dependency: 0, stall_pipeline: 0,
  busy_load: 0, busy_execute: 0, busy_store: 0,
} satisfies HarnessCounters;
const traffic: ProgramTraffic = {
  spReadRows: { W: 16, I: 64 }, spWriteRows: { W: 16, I: 64 }, dramReadBytes: { W: 64, I: 256, O: 0 },
  dramWriteBytes: 512, dramRequests: 112, computeVectors: 64, instructions: 31,
};

describe('priceCounters', () => {
  it('is MACs·mac + Σ level words · per-word energy (Timeloop table at this hardware)', () => {
    const acc = 1.94975 + 0.1005025 * (8 / 4);
    const sp = 0.48744 + 0.0251256 * 16;
    expect(evaluateCoefficient(TIMELOOP_ENERGY_TABLE.perWord.accumulator, hw, 'acc')).toBeCloseTo(acc, 12);
    const priced = priceCounters(counters, { hardware: hw, table: TIMELOOP_ENERGY_TABLE, busBytes: 8, split: traffic });
    const expected = 1024 * 0.5608 + 1024 * 0.48746 + (64 + 64) * 4 * acc + (80 + 80) * 4 * sp + (320 + 512) * 100;
    expect(priced.total).toBeCloseTo(expected, 9);
    expect(priced.macEnergy).toBeCloseTo(1024 * 0.5608, 12);
    expect(priced.accesses.map((l) => l.energy).reduce((a, b) => a + b, 0) + priced.macEnergy).toBeCloseTo(priced.total, 9);
  });

  it('reports accesses per level and splits shared counters by tensor from the program', () => {
    const [l0, l1, l2, l3] = priceCounters(counters, { hardware: hw, table: TIMELOOP_ENERGY_TABLE, busBytes: 8, split: traffic }).accesses;
    expect(l0).toMatchObject({ level: 0, instances: 16, tensors: { W: { reads: 1024, fills: 0, updates: 0 } }, cycles: 64 });
    expect(l1).toMatchObject({ level: 1, instances: 4, tensors: { O: { reads: 256, fills: 0, updates: 256 } }, cycles: 128 });
    expect(l2.tensors).toEqual({ W: { reads: 64, fills: 64, updates: 0 }, I: { reads: 256, fills: 256, updates: 0 } });
    expect(l2.cycles).toBe(40);
    expect(l3.tensors).toEqual({ W: { reads: 64, fills: 0, updates: 0 }, I: { reads: 256, fills: 0, updates: 0 }, O: { reads: 0, fills: 0, updates: 512 } });
    expect(l3.cycles).toBe(104);
  });

  it('without the program, keeps level totals and puts shared traffic under inputs', () => {
    const [, , l2, l3] = priceCounters(counters, { hardware: hw, table: DOSA_ENERGY_TABLE, busBytes: 8 }).accesses;
    expect(l2.tensors).toEqual({ W: { reads: 0, fills: 0, updates: 0 }, I: { reads: 320, fills: 320, updates: 0 } });
    expect(l3.tensors.I?.reads).toBe(320);
  });
});
