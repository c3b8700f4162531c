import { describe, expect, it } from 'vitest';
import { type ScoredCell, type Scores, medianRows, referenceBest, samplesToReach, scorePrediction } from './sample-efficiency-scores.js';
import { syntheticSample } from './synthetic-samples.js';

describe('sample-efficiency scores: coverage of ln EDP', () => {
  // Truth ln C = 1..4, ln E = 10..13; the prediction is off in ln EDP by r (all of it in ln C).
  // σ lnC = 0.3, σ lnE = 0.4, so σ of ln EDP = hypot(0.3, 0.4) = 0.5: |r| = 0.2 and 0.5 are
  // within ±1σ (the boundary counts), 0.8 within ±2σ only, 1.2 outside both.
  const residuals = [0.2, -0.5, 0.8, -1.2];
  const samples = residuals.map((_, i) => syntheticSample({ cycles: Math.exp(1 + i), energy: Math.exp(10 + i) }));
  const logCycles = Float64Array.from(residuals, (r, i) => 1 + i + r);
  const logEnergy = Float64Array.from(residuals, (_, i) => 10 + i);

  it('counts ±1σ and ±2σ with σ = hypot(σ lnC, σ lnE)', () => {
    const scores = scorePrediction({ logCycles, logEnergy, stdLogCycles: new Float64Array(4).fill(0.3), stdLogEnergy: new Float64Array(4).fill(0.4) }, samples);
    expect(scores.edpCoverage).toEqual({ within1: 0.5, within2: 0.75 });
  });

  it('keeps ρ and MAPE per target, and gives no coverage without a σ', () => {
    const scores = scorePrediction({ logCycles, logEnergy }, samples);
    expect(scores.edpCoverage).toBeUndefined();
    const mape = (100 * residuals.reduce((a, r) => a + Math.abs(Math.exp(r) - 1), 0)) / 4;
    expect(scores.cycles.mape).toBeCloseTo(mape, 10);
    expect(scores.edp.mape).toBeCloseTo(mape, 10);
    expect(scores.energy.mape).toBeCloseTo(0, 10);
    expect(scores.energy.rho).toBe(1);
    expect(scores.cycles.rho).toBeCloseTo(0.8, 12); // predicted ln C 1.2, 1.5, 3.8, 2.8: ranks 1 2 4 3 against 1 2 3 4 → 1 − 6·2/(4·15)
  });
});

describe('sample-efficiency scores: medians and samples to reach DOSA', () => {
  const scores = (edpMape: number, edpRho: number, within1?: number): Scores => ({
    cycles: { rho: 0.9, mape: 10 }, energy: { rho: 0.9, mape: 10 }, edp: { rho: edpRho, mape: edpMape },
    ...(within1 === undefined ? {} : { edpCoverage: { within1, within2: within1 + 0.2 } }),
  });
  const cell = (model: string, n: number, seed: number, s: Scores): ScoredCell => ({ model, n, seed, scores: s, trainMs: 1000 * seed });
  const cells = [
    cell('dosa', 25, 1, scores(40, 0.9)), cell('dosa', 25, 2, scores(30, 0.92)), cell('dosa', 25, 3, scores(Number.NaN, 0.91)),
    cell('dosa', 100, 1, scores(20, 0.95)),
    cell('model', 25, 1, scores(25, 0.97, 0.5)), cell('model', 25, 2, scores(15, 0.95, 0.7)),
    cell('model', 100, 1, scores(18, 0.99, 0.6)),
  ];

  it('takes medians over seeds (NaN ignored), coverage only where there is a σ', () => {
    const rows = medianRows(cells);
    expect(rows.map((r) => [r.model, r.n, r.seeds])).toEqual([['dosa', 25, 3], ['dosa', 100, 1], ['model', 25, 2], ['model', 100, 1]]);
    expect(rows[0].median.edp).toEqual({ rho: 0.91, mape: 35 });
    expect(rows[0].median.edpCoverage).toBeUndefined();
    expect(rows[2].median.edpCoverage?.within1).toBeCloseTo(0.6, 12);
    expect(rows[2].median.edpCoverage?.within2).toBeCloseTo(0.8, 12);
    expect(rows[0].medianTrainMs).toBe(2000);
  });

  it("finds DOSA's best EDP MAPE and ρ over every n, and the first n each model reaches them at", () => {
    const rows = medianRows(cells);
    const best = referenceBest(rows, ['dosa']);
    expect(best).toEqual({ edpMape: 20, edpMapeAt: { model: 'dosa', n: 100 }, edpRho: 0.95, edpRhoAt: { model: 'dosa', n: 100 } });
    expect(samplesToReach(rows, best)).toEqual([{ model: 'dosa', mapeN: 100, rhoN: 100 }, { model: 'model', mapeN: 25, rhoN: 25 }]);
    expect(referenceBest(rows, ['absent'])).toEqual({ edpMape: Number.NaN, edpRho: Number.NaN });
  });
});
