import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDosaCsv, readDosaCsv } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../../core/src/testing/shared-data.js';
import { scoreDosaRows } from './dosa-agreement.js';

describe('scoreDosaRows', () => {
  it('agrees with the FireSim file: Timeloop energy, and the RTL/model cycle gap DOSA reports', () => {
    const { scores, agreement } = scoreDosaRows(readDosaCsv(join(SHARED_DATA, 'dosa/firesim/firesim_results.csv')));
    expect(scores.every((s) => s.ok)).toBe(true);
    expect(agreement.scored).toBe(1567);
    expect(agreement.energyRelativeError.median).toBeLessThan(0.001);
    // Real Gemmini runs slower than the model predicts at the median (model/RTL ≈ 0.51 on this file).
    expect(agreement.rtlCycleRatio?.median).toBeGreaterThan(0.3);
    expect(agreement.rtlCycleRatio?.median).toBeLessThan(1);
  });

  it('reports a row with a broken mapping instead of throwing', () => {
    const text = readDosaCsvText();
    const rows = parseDosaCsv(text);
    const broken = parseDosaCsv(text.replace(rows[0].mapping, 'L3[WIO] K8 Q28 - L2[WI] N1 K4X'));
    const { scores, agreement } = scoreDosaRows(broken);
    expect(scores[0]).toMatchObject({ ok: false, error: expect.stringMatching(/levels/) });
    expect(agreement.scored).toBe(rows.length - 1);
  });
});

function readDosaCsvText(): string {
  const lines = readFileSync(join(SHARED_DATA, 'dosa/firesim/firesim_results.csv'), 'utf8').split('\n');
  return lines.slice(0, 4).join('\n');
}
