/**
 * Wall time of a whole-ResNet-50 analytical evaluation with mapping search: the mapper finds a
 * mapping for each of the 24 unique layers on DOSA's default Gemmini (16×16, 128 KiB, 32 KiB),
 * then the network is evaluated. Median of 5 runs (seeds 1–5), one core, in-process.
 * Baseline in the same run: the same layers scored through `analyzeLayer` on Mapping objects
 * (the allocating, report-building path) versus the packed scorer the mapper uses.
 * Run with `npm run bench:resnet50 -w @polaris/analytical`.
 */
import { arch, cpus, platform } from 'node:os';
import { DEFAULT_GEMMINI, builtinWorkload } from '@polaris/core';
import { SCORE_LENGTH, analyzeLayer, analyzeNetwork, createLayerScorer, mapLayer, packMapping } from '../src/index.js';

const RUNS = 5;
const workload = builtinWorkload('resnet50');
const hardware = DEFAULT_GEMMINI;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log('analytical fidelity — whole ResNet-50 with mapping search (one core)');
console.log(`node ${process.version}, V8 ${process.versions.v8}, ${platform()}/${arch()}, CPU ${cpus()[0]?.model ?? 'unknown'}`);
console.log(`workload resnet50: ${workload.layers.length} unique layers; hardware ${hardware.peDim}x${hardware.peDim}, ${hardware.spKB} KiB / ${hardware.accKB} KiB`);

mapLayer(workload.layers[0].layer, hardware, 0); // warm-up
const wall: number[] = [];
let lastEdp = 0;
let scored = 0;
let mappings = workload.layers.map(({ layer }) => mapLayer(layer, hardware, 1).mapping);
for (let seed = 1; seed <= RUNS; seed++) {
  const start = performance.now();
  const results = workload.layers.map(({ layer }) => mapLayer(layer, hardware, seed));
  mappings = results.map((r) => r.mapping);
  lastEdp = analyzeNetwork(workload, hardware, mappings).edp;
  wall.push(performance.now() - start);
  scored = results.reduce((s, r) => s + r.evaluations, 0);
}
console.log(`map + evaluate ResNet-50: median ${median(wall).toFixed(0)} ms (${RUNS} runs: ${wall.map((w) => w.toFixed(0)).join(', ')} ms);`
  + ` ${scored.toLocaleString('en-US')} layer-mapping scorings per run; EDP ${(lastEdp / 1e6).toExponential(4)} µJ·cycles (seed ${RUNS})`);

// Baseline in the same run: the report path (Mapping objects, per-level detail) vs the packed scorer.
const REPEATS = 20_000;
const out = new Float64Array(SCORE_LENGTH);
const scorers = workload.layers.map(({ layer }) => createLayerScorer(layer, hardware));
const packed = mappings.map((m) => packMapping(m));
const rate = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return (REPEATS * workload.layers.length) / ((performance.now() - start) / 1000);
};
const reportRates: number[] = [];
const scorerRates: number[] = [];
for (let r = 0; r < RUNS; r++) {
  reportRates.push(rate(() => {
    for (let i = 0; i < REPEATS; i++) workload.layers.forEach(({ layer }, j) => analyzeLayer(layer, hardware, mappings[j]));
  }));
  scorerRates.push(rate(() => {
    for (let i = 0; i < REPEATS; i++) for (let j = 0; j < scorers.length; j++) scorers[j].score(packed[j], out);
  }));
}
console.log(`analyzeLayer (report path): median ${(median(reportRates) / 1e6).toFixed(3)} M evals/s;`
  + ` packed scorer: median ${(median(scorerRates) / 1e6).toFixed(2)} M evals/s; ratio ${(median(scorerRates) / median(reportRates)).toFixed(1)}×`);
