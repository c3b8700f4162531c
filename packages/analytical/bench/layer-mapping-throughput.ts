/**
 * Throughput of the analytical model's fast path: layer-mapping evaluations per second on one
 * core, median of 5 runs, over real mappings (rows of DOSA's Timeloop and FireSim CSVs, packed
 * once and cycled). Three workloads:
 * - ResNet-50: the rows whose layer is one of ResNet-50's, cycled (the headline figure);
 * - all rows cycled (every evaluation switches layer and hardware: cache-unfriendly);
 * - search-like: one scorer scores the mappings of its layer repeatedly, as a mapper does.
 * Run with `npm run bench -w @polaris/analytical`.
 */
import { join } from 'node:path';
import { arch, cpus, platform } from 'node:os';
import { builtinWorkload, layerKey, parseMapping, readDosaCsv } from '@polaris/core';
import { SHARED_DATA } from '../../core/src/testing/shared-data.js';
import { type LayerScorer, SCORE_LENGTH, createLayerScorer, packMapping, type PackedMapping } from '../src/index.js';

const RUNS = 5;
const EVALUATIONS_PER_RUN = 5_000_000;

interface Case { scorer: LayerScorer; packed: PackedMapping }

function loadCases(): { mixed: Case[]; resnet: Case[]; byLayer: Case[][] } {
  const rows = [
    ...readDosaCsv(join(SHARED_DATA, 'dosa/firesim/firesim_results.csv')),
    ...readDosaCsv(join(SHARED_DATA, 'dosa/timeloop/timeloop_dataset_sample.csv')),
  ];
  const scorers = new Map<string, LayerScorer>();
  const groups = new Map<string, Case[]>();
  const resnetKeys = new Set(builtinWorkload('resnet50').layers.map((l) => layerKey(l.layer)));
  const resnet: Case[] = [];
  const mixed = rows.map((row) => {
    const key = JSON.stringify([row.layer, row.hardware]);
    let scorer = scorers.get(key);
    if (scorer === undefined) { scorer = createLayerScorer(row.layer, row.hardware); scorers.set(key, scorer); }
    const c = { scorer, packed: packMapping(parseMapping(row.mapping)) };
    groups.set(key, [...(groups.get(key) ?? []), c]);
    if (resnetKeys.has(layerKey(row.layer))) resnet.push(c);
    return c;
  });
  return { mixed, resnet, byLayer: [...groups.values()] };
}

/** Scores `count` evaluations cycling through `cases`; returns evaluations/s and a checksum. */
function runMixed(cases: readonly Case[], count: number, out: Float64Array): [number, number] {
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0, j = 0; i < count; i++) {
    const c = cases[j];
    c.scorer.score(c.packed, out);
    checksum += out[0];
    if (++j === cases.length) j = 0;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return [count / seconds, checksum];
}

/** Search-like: one scorer, all mappings seen for its layer, then the next layer. */
function runByLayer(groups: readonly Case[][], count: number, out: Float64Array): [number, number] {
  let checksum = 0;
  let done = 0;
  const start = process.hrtime.bigint();
  while (done < count) {
    for (const group of groups) {
      const scorer = group[0].scorer;
      for (let rep = 0; rep < 64; rep++) {
        for (const c of group) { scorer.score(c.packed, out); checksum += out[1]; }
      }
      done += 64 * group.length;
      if (done >= count) break;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return [done / seconds, checksum];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number): string => `${(x / 1e6).toFixed(2)} M evals/s`;

const { mixed, resnet, byLayer } = loadCases();
const out = new Float64Array(SCORE_LENGTH);
console.log('analytical model — layer-mapping evaluation throughput (one core)');
console.log(`node ${process.version}, V8 ${process.versions.v8}, ${platform()}/${arch()}, CPU ${cpus()[0]?.model ?? 'unknown'}`);
console.log(`cases: ${mixed.length} real mappings (DOSA Timeloop + FireSim rows) on ${byLayer.length} layer×hardware pairs;`
  + ` ${resnet.length} of them on ResNet-50 layers`);
runMixed(mixed, 1_000_000, out); // warm-up: let V8 optimise the kernel
runByLayer(byLayer, 1_000_000, out);
const benchmarks: [string, () => [number, number]][] = [
  ['ResNet-50 rows, cycled', () => runMixed(resnet, EVALUATIONS_PER_RUN, out)],
  ['all rows, cycled', () => runMixed(mixed, EVALUATIONS_PER_RUN, out)],
  ['search-like (per layer)', () => runByLayer(byLayer, EVALUATIONS_PER_RUN, out)],
];
for (const [name, run] of benchmarks) {
  const rates: number[] = [];
  let checksum = 0;
  for (let r = 0; r < RUNS; r++) {
    const [rate, sum] = run();
    rates.push(rate);
    checksum += sum;
  }
  console.log(`${name.padEnd(24)} median ${fmt(median(rates))}  (${RUNS} runs: ${rates.map((r) => (r / 1e6).toFixed(2)).join(', ')};`
    + ` ${(1e9 / median(rates)).toFixed(0)} ns/eval; checksum ${checksum.toExponential(3)})`);
}
