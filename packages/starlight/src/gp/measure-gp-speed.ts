/**
 * Measures the GP's hyperparameter fit and batch prediction speed on synthetic data:
 * `npx tsx src/gp/measure-gp-speed.ts [n=200] [d=100] [m=10000]` (from packages/starlight).
 * Prints one line per measurement; not part of the package's API.
 */
import { Random } from '@polaris/core';
import { GaussianProcess, matrixFromRows } from './gaussian-process.js';

const [n, d, m] = [process.argv[2], process.argv[3], process.argv[4]].map((v, i) => Number(v ?? [200, 100, 10_000][i]));
const rng = new Random(9);
const train = matrixFromRows(Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal())));
const y = Array.from({ length: n }, (_, i) => Math.sin(train.data[i * d]) + 0.5 * train.data[i * d + 1] + rng.normal(0, 0.1));
const batch = matrixFromRows(Array.from({ length: m }, () => Array.from({ length: d }, () => rng.normal())));

for (const restarts of [0, 2]) {
  const start = performance.now();
  const gp = GaussianProcess.fit(train, y, { seed: 1, restarts });
  const seconds = (performance.now() - start) / 1000;
  const initial = GaussianProcess.fit(train, y, { optimize: false }).logMarginalLikelihood();
  console.log(`fit n=${n} d=${d}: ${restarts + 1} start(s) × 100 Adam steps in ${seconds.toFixed(2)} s; ` +
    `log marginal likelihood ${initial.toFixed(1)} → ${gp.logMarginalLikelihood().toFixed(1)}`);
}
const gp = GaussianProcess.fit(train, y, { optimize: false });
for (let r = 0; r < 3; r++) {
  const start = performance.now();
  gp.predict(batch);
  const seconds = (performance.now() - start) / 1000;
  console.log(`predict n=${n} d=${d}: ${m} points (mean and σ) in ${seconds.toFixed(3)} s = ${Math.round(m / seconds)} points/s`);
}
