import { join } from 'node:path';
import { type DosaRow, parseMapping, readDosaCsv } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../../core/src/testing/shared-data.js';
import type { AnalyticalOptions } from './analytical-options.js';
import { analyzePackedLayer } from './analyze-layer.js';
import { DETAIL_LENGTH, SCORE, SCORE_LENGTH, createLayerKernel } from './layer-kernel.js';
import { createLayerScorer } from './layer-scorer.js';
import { packMapping } from './packed-mapping.js';
import { fitsCapacity, tileFootprint } from './tile-footprint.js';

/**
 * Golden test against real Timeloop + Accelergy output: DOSA's 12,000 Timeloop runs of the
 * Gemmini template (48 hardware configurations) and the 1,567 FireSim rows, whose energy
 * column is Timeloop's too (their cycles are RTL measurements: only reported).
 */
const TIMELOOP_CSV = join(SHARED_DATA, 'dosa/timeloop/timeloop_dataset_sample.csv');
const FIRESIM_CSV = join(SHARED_DATA, 'dosa/firesim/firesim_results.csv');

interface Agreement {
  rows: number;
  exactCycles: number;
  energyErrors: number[];
  cycleRatios: number[];
  /** Rows whose cycles would differ if ⌈accesses / bandwidth⌉ were computed as an exact quotient. */
  floatOrderMatters: number;
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function options(row: DosaRow): AnalyticalOptions {
  // The FireSim configuration lists separate read/write bandwidths for both buffers.
  return { bandwidth: { accumulator: row.arch.accumulatorBandwidth, scratchpad: row.arch.scratchpadBandwidth } };
}

function agreement(rows: readonly DosaRow[], cycleTarget: (row: DosaRow) => number): Agreement {
  const out = new Float64Array(SCORE_LENGTH);
  const detail = new Float64Array(DETAIL_LENGTH);
  const result: Agreement = { rows: rows.length, exactCycles: 0, energyErrors: [], cycleRatios: [], floatOrderMatters: 0 };
  for (const row of rows) {
    createLayerKernel(row.layer, row.hardware, options(row))(packMapping(parseMapping(row.mapping)), out, detail);
    if (out[SCORE.cycles] === cycleTarget(row)) result.exactCycles++;
    result.cycleRatios.push(out[SCORE.cycles] / cycleTarget(row));
    result.energyErrors.push(Math.abs(out[SCORE.energy] / 1e6 - row.targets.energyUJ) / row.targets.energyUJ);
    // The same roofline with exact quotients: max over levels of ⌈per-instance accesses / shared bandwidth⌉.
    const T = out[SCORE.computeCycles];
    const bandwidths = [Infinity, row.arch.accumulatorBandwidth.shared, row.arch.scratchpadBandwidth.shared, 8];
    let exact = T;
    for (let level = 1; level < 4; level++) {
      let words = 0;
      for (let i = level * 9; i < level * 9 + 9; i++) words += detail[i];
      const bw = bandwidths[level];
      if (bw !== undefined && words / bw > T) exact = Math.max(exact, Math.ceil((words * 1) / bw));
    }
    if (exact !== out[SCORE.cycles]) result.floatOrderMatters++;
  }
  result.energyErrors.sort((a, b) => a - b);
  result.cycleRatios.sort((a, b) => a - b);
  return result;
}

function report(name: string, a: Agreement, cyclesAreTimeloop: boolean): void {
  const e = a.energyErrors;
  const pct = (x: number): string => `${(100 * x).toPrecision(3)}%`;
  const lines = [`analytical model vs ${name} (${a.rows} rows):`];
  if (cyclesAreTimeloop) {
    lines.push(`  cycles exactly equal: ${pct(a.exactCycles / a.rows)} (${a.exactCycles}/${a.rows});`
      + ` rows where an exact-quotient roofline would differ: ${a.floatOrderMatters}`);
  } else {
    const r = a.cycleRatios;
    lines.push(`  cycles are RTL: model/RTL ratio min ${r[0].toFixed(3)}, median ${quantile(r, 0.5).toFixed(3)},`
      + ` p10 ${quantile(r, 0.1).toFixed(3)}, p90 ${quantile(r, 0.9).toFixed(3)}, max ${r[r.length - 1].toFixed(3)}`);
  }
  lines.push(`  energy relative error: median ${pct(quantile(e, 0.5))}, p99 ${pct(quantile(e, 0.99))}, max ${pct(e[e.length - 1])}`);
  console.log(lines.join('\n'));
}

describe('agreement with Timeloop on DOSA data', () => {
  const timeloopRows = readDosaCsv(TIMELOOP_CSV);
  const firesimRows = readDosaCsv(FIRESIM_CSV);

  it('reproduces cycles and energy of all 12,000 Timeloop runs', () => {
    const a = agreement(timeloopRows, (row) => row.targets.cycles);
    report('Timeloop (timeloop_dataset_sample.csv)', a, true);
    expect(a.rows).toBe(12000);
    expect(a.exactCycles / a.rows).toBeGreaterThanOrEqual(0.99);
    expect(quantile(a.energyErrors, 0.5)).toBeLessThanOrEqual(0.001);
    expect(quantile(a.energyErrors, 0.99)).toBeLessThanOrEqual(0.01);
  });

  it('reproduces the Timeloop energy of the 1,567 FireSim rows and reports the RTL cycle ratio', () => {
    const a = agreement(firesimRows, (row) => row.targets.gemminiCycles ?? row.targets.cycles);
    report('FireSim rows (firesim_results.csv; energy from Timeloop, cycles from RTL)', a, false);
    expect(a.rows).toBe(1567);
    expect(quantile(a.energyErrors, 0.5)).toBeLessThanOrEqual(0.001);
    expect(quantile(a.energyErrors, 0.99)).toBeLessThanOrEqual(0.01);
  });

  it('the scorer agrees with analyzeLayer on every row', () => {
    const out = new Float64Array(SCORE_LENGTH);
    let mismatches = 0;
    for (const row of [...timeloopRows, ...firesimRows]) {
      const packed = packMapping(parseMapping(row.mapping));
      const full = analyzePackedLayer(row.layer, row.hardware, packed, options(row));
      createLayerScorer(row.layer, row.hardware, options(row)).score(packed, out);
      if (out[SCORE.cycles] !== full.cycles || out[SCORE.energy] !== full.energy || out[SCORE.macs] !== full.macs) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('every mapping Timeloop accepted fits the capacity rule, and both bounds are reached', () => {
    const out = new Float64Array(SCORE_LENGTH);
    let tightScratchpad = 0;
    let tightAccumulator = 0;
    for (const row of [...timeloopRows, ...firesimRows]) {
      const packed = packMapping(parseMapping(row.mapping));
      expect(fitsCapacity(row.layer, row.hardware, packed)).toBe(true);
      const scorer = createLayerScorer(row.layer, row.hardware);
      scorer.score(packed, out);
      expect(scorer.fits(out)).toBe(true);
      const footprint = tileFootprint(row.layer, packed);
      expect([footprint.scratchpadWords, footprint.accumulatorWords]).toEqual([out[SCORE.scratchpadWords], out[SCORE.accumulatorWords]]);
      if (footprint.scratchpadWords === scorer.scratchpadCapacityWords) tightScratchpad++;
      if (footprint.accumulatorWords === scorer.accumulatorCapacityWords) tightAccumulator++;
    }
    expect(tightScratchpad).toBeGreaterThan(0);
    expect(tightAccumulator).toBeGreaterThan(0);
  });
});
