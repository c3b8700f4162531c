import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random } from '@polaris/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../backend/index.js';
import { Starlight } from '../dkl/starlight.js';
import { StarlightLow } from '../low/starlight-low.js';
import type { LayerTable } from '../model/layer-table.js';
import { StarlightPredictionPool } from './starlight-prediction-pool.js';

const COLS = 10;
/** Feature rows with a smooth low fidelity (the prior) and a high fidelity offset from it. */
function table(rows: number, seed: number, fidelity: 'low' | 'high'): LayerTable {
  const rng = new Random(seed);
  const features = Float32Array.from({ length: rows * COLS }, () => rng.uniform(-1, 1));
  const prior = { logCycles: new Float64Array(rows), logEnergy: new Float64Array(rows) };
  const targets = { logCycles: new Float64Array(rows), logEnergy: new Float64Array(rows) };
  for (let r = 0; r < rows; r++) {
    const x = features.subarray(r * COLS, (r + 1) * COLS);
    prior.logCycles[r] = Math.sin(2 * x[0]) + x[1] ** 2;
    prior.logEnergy[r] = Math.cos(2 * x[2]) + 0.5 * x[3];
    targets.logCycles[r] = prior.logCycles[r] + (fidelity === 'high' ? 0.4 * Math.tanh(x[0] + x[1]) : 0);
    targets.logEnergy[r] = prior.logEnergy[r] + (fidelity === 'high' ? 0.3 * x[2] * x[3] : 0);
  }
  return { rows, cols: COLS, features, targets, prior };
}

describe('StarlightPredictionPool', () => {
  let model: Starlight;
  const dirs: string[] = [];
  beforeAll(async () => {
    await ensureBackend();
    const low = await StarlightLow.pretrain(table(600, 1, 'low'), { epochs: 4, latentDim: 4, hidden: [16], seed: 1 });
    model = await Starlight.transfer(low, table(60, 2, 'high'), { seed: 1, fineTuneSteps: 0, calibrate: false });
    low.dispose();
  }, 120_000);
  afterAll(async () => {
    model.dispose();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('splits a batch over two worker threads and gives Starlight.predict\'s numbers, in row order', async () => {
    const pool = await StarlightPredictionPool.fromModel(model, { workers: 2, minRowsPerTask: 100 });
    try {
      const query = table(501, 3, 'high');
      const pooled = await pool.predict(query.features, query.rows, query.prior);
      const local = model.predict(query.features, query.rows, query.prior);
      for (const target of ['logCycles', 'logEnergy', 'logEdp'] as const) {
        for (const part of ['mean', 'std'] as const) {
          expect(pooled[target][part]).toHaveLength(501);
          const worst = pooled[target][part].reduce((m, v, i) => Math.max(m, Math.abs(v - local[target][part][i])), 0);
          expect(worst).toBeLessThan(1e-4);
        }
      }
      // Not vacuous: the rows differ, so a reordering of the slices would be caught.
      expect(Math.max(...pooled.logEdp.mean) - Math.min(...pooled.logEdp.mean)).toBeGreaterThan(0.5);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('a directory without a saved model rejects with the loader\'s message naming it and the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'polaris-no-model-'));
    dirs.push(dir);
    const pool = StarlightPredictionPool.fromDirectory(dir, { workers: 1 });
    try {
      const query = table(10, 4, 'high');
      await expect(pool.predict(query.features, query.rows, query.prior)).rejects.toThrow(new RegExp(`${dir}.*polaris train`, 's'));
    } finally {
      await pool.close();
    }
  }, 60_000);
});
