/**
 * The per-layer RTL dataset of the Starlight sample-efficiency benchmark: many
 * (hardware, layer, mapping) triples drawn from the unique layers of the built-in workloads
 * ResNet-50, BERT, U-Net and RetinaNet, each scored by the analytical model (the features) and
 * simulated cycle-accurately by the rtl evaluator (the target: cycles and energy), all cached in
 * a SQLite store so a rerun costs nothing and a killed build resumes where it stopped.
 *
 * Methodology (state it wherever the dataset's numbers are used):
 * - **Layers**: the unique layers (by `layerKey`) of the four workloads, deduplicated across
 *   workloads too — 71 layers; a layer shared by two workloads is credited to the first in
 *   {@link RTL_DATASET_WORKLOADS} order.
 * - **Hardware**: core's {@link HardwareSpace} narrowed to peDim 4..32 (the space's power-of-two
 *   bins give 4, 8, 16, 32; the RTL builds 2..64 but DIM 2 wastes the template and DIM 64
 *   simulates 10× slower than DIM 32), spKB and accKB over the template's whole 1..2048 KiB
 *   range, log-uniform, whole KiB.
 * - **Mappings**: sample k of a layer takes the analytical mapper's mapping (even k; small
 *   budget, `bufferLayout: 'rows'`) or a uniformly random valid mapping (odd k; core's
 *   MappingSpace filtered by `mappingViolations` and `rowCapacityViolations`) — drawn by
 *   starlight's `sampleDesignPoints` on a one-layer workload.
 * - **Cycle cap**: a draw whose analytical cycles exceed `maxAnalyticalCycles` (default
 *   500,000) is rejected and redrawn (new hardware and mapping), at most `drawAttempts` (100)
 *   times; a sample with no passing draw is left out and counted. Hardware is drawn only from
 *   the peDims whose array could meet the cap at full use ({@link feasiblePeDims}), which is the
 *   same distribution as rejecting the others, without the wasted draws. The cap keeps the RTL
 *   simulations short (RTL cycles run 1.5–10× the analytical ones, and a DIM-32 simulator does
 *   ~0.4 M cycles/s), and it biases the dataset: on the larger layers only mappings that use the
 *   array reasonably well pass, and most random-mapping samples of the biggest layers find no
 *   draw. (The first attempt, cap 1,000,000, headed for ~26 min of simulation on an idle 2-core
 *   machine and over an hour under load; 500,000 halves it.) A weight-heavy layer whose DRAM
 *   traffic alone (every weight, input and output byte once at 8 B/cycle, {@link dramFloorCycles})
 *   needs more than half the cap gets twice that floor as its cap instead ({@link layerCycleCap}):
 *   cropping P and Q cannot shrink its weights, and it would otherwise get no sample at all
 *   (U-Net's 512/1024-channel 3×3 convolutions, RetinaNet's P6).
 * - **Spatial cropping**: a layer whose fewest possible cycles on the largest array,
 *   MACs / (min(C, 32)·min(K, 32)) ({@link minimumCycles}), exceed `maxAnalyticalCycles /
 *   cropHeadroom` (default headroom 4, i.e. 125,000 cycles, so real mappings, which do not reach
 *   full use, can still pass the cap) has its output plane cropped: the larger of P and Q is
 *   halved (rounded up) until it fits. R, S, C, K, N, strides and dilations are kept, so the
 *   reuse structure and the tiling problem stay; only the number of output pixels shrinks. With
 *   the defaults this crops 29 of the 71 layers: all 23 U-Net convolutions (0.02–14 GMACs,
 *   e.g. 568×568 → 36×71), ResNet-50's 7×7 stem (C = 3 uses 3 PE rows; 112×112 → 28×28), BERT's
 *   two FFN matmuls (P 128 → 32) and three RetinaNet P3/P4 heads. The dataset's layer is the
 *   cropped one (both fidelities see the same shape); {@link DatasetLayer.original} keeps the
 *   real one.
 * - **Determinism**: sample k of a layer depends only on (seed, layer key, k) through core's
 *   `Random.fork`, so the same seed gives the same dataset and a larger `perLayer` extends it.
 * - Failed simulations (timeouts, program limits) are skipped and counted, never fatal.
 *
 * Run: `npx tsx packages/starlight/bench/rtl-layer-dataset.ts --per-layer 20 --seed 1`
 * (options: `--store <path>`, `--max-cycles <n>`, `--workloads a,b`, `--limit-layers <n>`).
 * The store is gitignored: after a build, export its samples to the committed
 * bench/data/rtl-layer-samples.jsonl with `npx tsx packages/starlight/bench/rtl-layer-samples-file.ts`
 * (`rtl-layer-samples-file.ts`), which the benchmark reads when the store is absent.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EvaluationKey, type Evaluation, type QueryableStore, describeLayer, evaluateThroughStore, hashDesignPoint, openStore, workloadHash,
} from '@polaris/core';
import { AnalyticalEvaluator } from '@polaris/analytical';
import { DEFAULT_RTL_OPTIONS, RtlEvaluator } from '@polaris/rtl-sim';
import { from, lastValueFrom, mergeMap, tap } from 'rxjs';
import type { DatasetSample } from '../src/datasets/dataset-sample.js';
import {
  DEFAULT_RTL_DATASET_STORE, type DatasetLayer, type DrawFailure, type DrawnPoint, type RtlLayerDatasetOptions,
  datasetLayers, drawLayerPoints, loadDrawCache, saveDrawCache,
} from './rtl-layer-dataset-draws.js';

export * from './rtl-layer-dataset-draws.js';

/** What a build did, for the summary. */
export interface RtlLayerDatasetReport {
  readonly layers: readonly DatasetLayer[];
  readonly samples: DatasetSample[];
  /** The drawn point of each sample, index-aligned with `samples`. */
  readonly drawn: DrawnPoint[];
  readonly drawFailures: readonly DrawFailure[];
  /** Simulations that failed (skipped), with their errors. */
  readonly simulationFailures: readonly { readonly point: DrawnPoint; readonly error: string }[];
  /** RTL results found in the store / simulated now. */
  readonly cached: number;
  readonly simulated: number;
  readonly wallMs: number;
}

const key = (fidelity: 'analytical' | 'rtl', evaluator: string, evaluatorVersion: string, drawn: DrawnPoint): EvaluationKey => ({
  fidelity, evaluator, evaluatorVersion, pointHash: hashDesignPoint(drawn.point), workloadHash: workloadHash(drawn.workload),
});

/**
 * Builds (or extends, or just reads back) the dataset: draws the points, reuses every rtl
 * result the store holds, simulates the rest through the rtl evaluator's pool (both cores),
 * storing each result as it arrives, and returns one {@link DatasetSample} per simulated point
 * (source `rtl`), in draw order.
 */
export async function buildRtlLayerDataset(options: RtlLayerDatasetOptions = {}): Promise<RtlLayerDatasetReport> {
  const began = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const layers = datasetLayers(options);
  const storePath = resolve(options.storePath ?? DEFAULT_RTL_DATASET_STORE);
  const drawCachePath = `${storePath}.draws.json`;
  const drawCache = loadDrawCache(drawCachePath, options);
  const reused = drawCache.size;
  const { points, failures: drawFailures } = drawLayerPoints(layers, options, drawCache);
  if (drawCache.size > reused) saveDrawCache(drawCachePath, options, drawCache);
  log(`rtl-layer-dataset: ${layers.length} layers (${layers.filter((l) => l.cropped).length} cropped), ${points.length} points drawn `
    + `(${drawFailures.length} samples without a draw under the cap; ${reused} draws cached) in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const store: QueryableStore = openStore(storePath);
  try {
    const analyticalVersion = new AnalyticalEvaluator().version;
    const rtl = new RtlEvaluator({ ...DEFAULT_RTL_OPTIONS, ...options.rtl });
    const results = new Map<DrawnPoint, Evaluation>();
    const pending: DrawnPoint[] = [];
    for (const drawn of points) {
      const aKey = key('analytical', 'analytical', analyticalVersion, drawn);
      if (!store.getEvaluation(aKey)) store.putEvaluation(aKey, drawn.point, drawn.analytical);
      const stored = store.getEvaluation(key('rtl', rtl.id, rtl.version, drawn));
      if (stored) results.set(drawn, stored);
      else pending.push(drawn);
    }
    const cached = results.size;
    if (options.simulate === false) {
      log(`rtl-layer-dataset: ${cached} rtl results in the store; ${pending.length} drawn points have none and are left out `
        + '(read-only load; run `npx tsx packages/starlight/bench/rtl-layer-dataset.ts` to simulate them)');
      pending.length = 0;
    } else {
      log(`rtl-layer-dataset: ${cached} rtl results in the store, ${pending.length} to simulate (pool of ${rtl.capabilities.maxConcurrency})`);
    }
    // Interleave layers so the ETA is not skewed by one layer's size.
    pending.sort((a, b) => a.sample - b.sample || a.layerIndex - b.layerIndex);
    const simulationFailures: { point: DrawnPoint; error: string }[] = [];
    let done = 0;
    const simBegan = performance.now();
    let lastLog = 0;
    await lastValueFrom(from(pending).pipe(
      mergeMap((drawn) => evaluateThroughStore([drawn.point], { evaluator: rtl, store, workload: drawn.workload }).pipe(tap(({ result }) => {
        done++;
        if (result.ok) {
          results.set(drawn, result.evaluation);
        } else {
          simulationFailures.push({ point: drawn, error: result.error });
        }
        const now = performance.now();
        if (now - lastLog > 5000 || done === pending.length) {
          lastLog = now;
          const rate = done / ((now - simBegan) / 1000);
          const eta = (pending.length - done) / rate;
          log(`rtl-layer-dataset: ${done}/${pending.length} simulated (${simulationFailures.length} failed), ${rate.toFixed(2)} samples/s, ETA ${formatSeconds(eta)}`);
        }
      })), rtl.capabilities.maxConcurrency),
    ), { defaultValue: undefined });
    const samples: DatasetSample[] = [];
    const drawn: DrawnPoint[] = [];
    for (const p of points) {
      const target = results.get(p);
      if (!target) continue;
      samples.push({
        hardware: p.point.hardware, layer: p.workload.layers[0].layer, mapping: p.point.mappings[0], analytical: p.analytical.layers[0],
        target: { cycles: target.layers[0].cycles, energy: target.layers[0].energy }, source: 'rtl',
      });
      drawn.push(p);
    }
    return { layers, samples, drawn, drawFailures, simulationFailures, cached, simulated: pending.length - simulationFailures.length, wallMs: performance.now() - began };
  } finally {
    store.close();
  }
}

/**
 * The dataset's samples as the store holds them (see {@link buildRtlLayerDataset}): by default
 * read-only — points without a stored rtl result are left out, nothing is simulated (pass
 * `simulate: true` to build the rest). Seconds once the draws are cached beside the store.
 */
export async function loadRtlLayerDataset(options: RtlLayerDatasetOptions = {}): Promise<DatasetSample[]> {
  return (await buildRtlLayerDataset({ simulate: false, ...options })).samples;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  return s >= 120 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(0)} s`;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The summary the CLI prints: samples per workload and peDim, failures, wall time, RTL/analytical ratios. */
export function summarize(report: RtlLayerDatasetReport): string {
  const lines: string[] = [];
  const count = <K>(keys: K[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<K, number>());
  const byWorkload = count(report.drawn.map((d) => report.layers[d.layerIndex].workloads[0]));
  const byPe = count(report.drawn.map((d) => d.point.hardware.peDim));
  const byKind = count(report.drawn.map((d) => d.kind));
  const cycleRatio = report.samples.map((s) => s.target.cycles / s.analytical.cycles);
  const energyRatio = report.samples.map((s) => s.target.energy / s.analytical.energy);
  const range = (xs: number[]) => `median ${median(xs).toFixed(2)}×, min ${Math.min(...xs).toFixed(2)}×, max ${Math.max(...xs).toFixed(2)}×`;
  lines.push(`samples: ${report.samples.length} over ${report.layers.length} layers (${report.layers.filter((l) => l.cropped).length} cropped)`);
  lines.push(`per workload (credited to the first holding the layer): ${[...byWorkload].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`per peDim: ${[...byPe].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  lines.push(`per mapping kind: ${[...byKind].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`draw failures (no draw under the cap): ${report.drawFailures.length}; simulation failures: ${report.simulationFailures.length}`);
  for (const f of report.simulationFailures.slice(0, 5)) lines.push(`  e.g. ${describeLayer(f.point.workload.layers[0].layer)} on ${JSON.stringify(f.point.point.hardware)}: ${f.error.slice(0, 300)}`);
  lines.push(`rtl results reused from the store: ${report.cached}; simulated now: ${report.simulated}; wall ${formatSeconds(report.wallMs / 1000)}`);
  if (report.samples.length > 0) {
    lines.push(`RTL/analytical cycles: ${range(cycleRatio)}`);
    lines.push(`RTL/analytical energy: ${range(energyRatio)}`);
    lines.push(`RTL cycles per sample: median ${median(report.samples.map((s) => s.target.cycles)).toFixed(0)}, total ${report.samples.reduce((a, s) => a + s.target.cycles, 0).toExponential(3)}`);
  }
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]): RtlLayerDatasetOptions {
  const out: { -readonly [K in keyof RtlLayerDatasetOptions]: RtlLayerDatasetOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case '--per-layer': out.perLayer = Number(value); break;
      case '--seed': out.seed = Number(value); break;
      case '--store': out.storePath = value; break;
      case '--max-cycles': out.maxAnalyticalCycles = Number(value); break;
      case '--workloads': out.workloads = value.split(','); break;
      case '--limit-layers': out.limitLayers = Number(value); break;
      default: throw new Error(`unknown option ${flag} (--per-layer n, --seed n, --store path, --max-cycles n, --workloads a,b, --limit-layers n)`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const report = await buildRtlLayerDataset(options);
  process.stdout.write(`${summarize(report)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
