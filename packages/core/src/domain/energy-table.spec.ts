import { describe, expect, it } from 'vitest';
import { DOSA_ENERGY_TABLE, TIMELOOP_ENERGY_TABLE, evaluateCoefficient, resolveEnergy } from './energy-table.js';

describe('energy tables', () => {
  it('resolves the Timeloop table for DOSA default Gemmini (16 PEs, 128 KiB, 32 KiB)', () => {
    const e = resolveEnergy(TIMELOOP_ENERGY_TABLE, { peDim: 16, spKB: 128, accKB: 32 });
    expect(e.mac).toBe(0.5608);
    expect(e.perWord[0]).toBe(0.48746);
    expect(e.perWord[1]).toBeCloseTo(1.94975 + 0.1005025 * 2, 12);
    expect(e.perWord[2]).toBeCloseTo(0.48744 + 0.0251256 * 128, 12);
    expect(e.perWord[3]).toBe(100);
    expect(e.blockWords).toEqual([1, 1, 16, 64]);
  });

  it('DOSA coefficients stay within 0.5% of Timeloop per word on typical hardware and do not round', () => {
    const hw = { peDim: 16, spKB: 128, accKB: 32 };
    const t = resolveEnergy('timeloop', hw);
    const d = resolveEnergy(DOSA_ENERGY_TABLE, hw);
    for (let level = 0; level < 4; level++) expect(Math.abs(d.perWord[level] / t.perWord[level] - 1)).toBeLessThan(0.005);
    expect(d.blockWords).toEqual([1, 1, 1, 1]);
  });

  it('evaluates linear coefficients and rejects negative energies with a clear message', () => {
    const hw = { peDim: 4, spKB: 8, accKB: 16 };
    expect(evaluateCoefficient({ base: 1, spKB: 0.5, accKB: 0.25, peDim: 2, accKBPerPeDim: 1 }, hw)).toBe(1 + 4 + 4 + 8 + 4);
    expect(() => evaluateCoefficient({ base: -1 }, hw, 'table "x" dram')).toThrow(/table "x" dram evaluates to -1 pJ/);
    expect(() => resolveEnergy('nope' as 'dosa', hw)).toThrow(/unknown energy table "nope"/);
  });
});
