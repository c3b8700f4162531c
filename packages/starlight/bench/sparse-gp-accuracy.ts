/**
 * What Starlight's sparse GP costs in accuracy: one model per training size n, transferred with
 * the exact GP (every row behind the mean and σ), then predicted again with σ from fewer rows
 * (pivoted-Cholesky subset) and the mean from fewer inducing rows (subset of regressors) — the
 * settings the prediction-speed benchmark times. Scored on FireSim layers held out of training
 * (a seeded quarter of the layers): EDP MAPE and Spearman ρ, ±1σ / ±2σ coverage of ln EDP,
 * Spearman ρ between σ and |error| (does σ still rank which predictions are wrong), mean σ.
 *
 * The calibration was fitted for the exact model, so coverage of the other settings shows how
 * much wider their σ is (an upper bound of the exact σ); a model trained with them is
 * calibrated for them.
 *
 * Run: `npm run bench:sparse-accuracy -w @polaris/starlight` (options `--sizes 400,1000`,
 * `--per-layer 60`, `--epochs 15`). Writes polaris-runs/bench/sparse-gp-accuracy.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Random } from '@polaris/core';
import { activeBackendName, ensureBackend } from '../src/backend/index.js';
import { coverage } from '../src/dkl/calibration.js';
import { Starlight } from '../src/dkl/starlight.js';
import { StarlightLow } from '../src/low/starlight-low.js';
import { type LayerTable, layerTableFromSamples, selectRows } from '../src/model/layer-table.js';
import { meanAbsolutePercentageError, spearman } from '../src/metrics/metrics.js';
import { cachedAnalyticalCorpus } from './analytical-corpus.js';
import { importFiresimSamples } from './sample-efficiency-sources.js';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '400,1000' }, 'per-layer': { type: 'string', default: '60' }, epochs: { type: 'string', default: '15' } },
});
/** [σ rows, inducing rows] compared; the first is exact. */
const SETTINGS: readonly (readonly [number, number])[] = [[Infinity, Infinity], [256, 256], [64, 256], [64, 128], [32, 128], [32, 64]];

/** The FireSim rows split by layer: a seeded quarter of the layers held out, the rest shuffled. */
function splitByLayer(high: LayerTable): { trainRows: number[]; test: LayerTable; layers: number } {
  const groups = high.groups!;
  const held = new Set(new Random(3).shuffle([...new Set(groups)]).slice(0, Math.round(new Set(groups).size / 4)));
  const trainRows = new Random(4).shuffle(groups.flatMap((g, i) => (held.has(g) ? [] : [i])));
  return { trainRows, test: selectRows(high, groups.flatMap((g, i) => (held.has(g) ? [i] : []))), layers: held.size };
}

/** The scores of one model on the test rows. */
function score(model: Starlight, test: LayerTable) {
  const p = model.predict(test.features, test.rows);
  const truth = Float64Array.from({ length: test.rows }, (_, r) => Math.exp(test.targets.logCycles[r] + test.targets.logEnergy[r]));
  const edp = Float64Array.from(p.logEdp.mean, Math.exp);
  const error = Float64Array.from(p.logEdp.mean, (m, r) => Math.log(truth[r]) - m);
  const [within1, within2] = coverage(error, p.logEdp.std);
  return {
    edpMape: meanAbsolutePercentageError(edp, truth), edpRho: spearman(edp, truth), coverage1: within1, coverage2: within2,
    sigmaErrorRho: spearman(p.logEdp.std, Float64Array.from(error, Math.abs)), meanSigma: p.logEdp.std.reduce((a, b) => a + b, 0) / test.rows,
  };
}

async function main(): Promise<void> {
  await ensureBackend();
  const lowTable = layerTableFromSamples(cachedAnalyticalCorpus({ perLayer: Number(values['per-layer']) }));
  const low = await StarlightLow.pretrain(lowTable, { epochs: Number(values.epochs), seed: 1 });
  const high = layerTableFromSamples(importFiresimSamples().samples);
  const { trainRows, test, layers } = splitByLayer(high);
  const truth = Float64Array.from({ length: test.rows }, (_, r) => Math.exp(test.targets.logCycles[r] + test.targets.logEnergy[r]));
  const prior = Float64Array.from({ length: test.rows }, (_, r) => Math.exp(test.prior.logCycles[r] + test.prior.logEnergy[r]));
  const analyticalMape = meanAbsolutePercentageError(prior, truth);
  console.log(`backend ${activeBackendName()}; test ${test.rows} rows of ${layers} held-out layers; analytical EDP MAPE ${analyticalMape.toFixed(1)} %`);
  const rows = [];
  for (const n of values.sizes!.split(',').map(Number)) {
    const model = await Starlight.transfer(low, selectRows(high, trainRows.slice(0, n)), { seed: 1, inducingRows: Infinity, varianceRows: Infinity });
    for (const [varianceRows, inducingRows] of SETTINGS) {
      const variant = model.withVarianceRows(varianceRows, inducingRows);
      const s = score(variant, test);
      variant.dispose();
      rows.push({ n, varianceRows: String(varianceRows), inducingRows: String(inducingRows), ...s });
      console.log(`n=${n} σ rows ${varianceRows} inducing ${inducingRows}: EDP MAPE ${s.edpMape.toFixed(2)} % ρ ${s.edpRho.toFixed(4)}; `
        + `±1σ/±2σ ${s.coverage1.toFixed(2)}/${s.coverage2.toFixed(2)}; ρ(σ, |error|) ${s.sigmaErrorRho.toFixed(3)}; mean σ ${s.meanSigma.toFixed(3)}`);
    }
    model.dispose();
  }
  mkdirSync('polaris-runs/bench', { recursive: true });
  writeFileSync('polaris-runs/bench/sparse-gp-accuracy.json', JSON.stringify({ backend: activeBackendName(), load1: loadavg()[0], testRows: test.rows, layers, analyticalMape, rows }, null, 2));
  console.log('written polaris-runs/bench/sparse-gp-accuracy.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
