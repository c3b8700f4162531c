/**
 * A committed, compact copy of the per-layer RTL dataset: the SQLite store that
 * `rtl-layer-dataset.ts` builds (polaris-runs/, gitignored) does not survive to a new checkout,
 * so its samples are exported to {@link RTL_SAMPLES_FILE}, which the `rtl` sources of the
 * sample-efficiency benchmark read when the store is absent.
 *
 * Format (JSON Lines): line 1 a header `{ format, analyticalVersion, exportedAt, store, samples }`;
 * then one sample per line, `{ hw: {peDim, spKB, accKB}, layer: <layerKey>, mapping: <DOSA text>,
 * analytical: {cycles, energy}, rtl: {cycles, energy} }` (energy in pJ). The analytical
 * evaluation the featurizer needs (accesses per level) is recomputed on reading — with the
 * analytical model's defaults, as the dataset's draws are scored — and checked against the
 * exported cycles and energy, so a changed analytical model cannot silently change the features.
 *
 * Export: `npx tsx packages/starlight/bench/rtl-layer-samples-file.ts [--store <sqlite>] [--out <jsonl>]`
 * (defaults {@link RTL_STORE} and {@link RTL_SAMPLES_FILE}); it refuses to write an empty file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalyticalEvaluator, analyzeLayer } from '@polaris/analytical';
import { layerFromKey, layerKey, parseMapping, printMapping } from '@polaris/core';
import { z } from 'zod';
import type { DatasetSample } from '../src/datasets/dataset-sample.js';
import { RTL_SAMPLES_FILE, RTL_STORE, shownPath } from './bench-paths.js';

export const RTL_SAMPLES_FORMAT = 'polaris-rtl-layer-samples/1';

/** Relative difference tolerated between the exported and the recomputed analytical cycles / energy. */
const ANALYTICAL_TOLERANCE = 1e-9;

const positive = z.number().positive();
const cyclesEnergy = z.object({ cycles: positive, energy: positive });
const headerSchema = z.object({ format: z.literal(RTL_SAMPLES_FORMAT), analyticalVersion: z.string(), exportedAt: z.string(), store: z.string(), samples: z.number().int().nonnegative() });
const lineSchema = z.object({
  hw: z.object({ peDim: z.number().int().positive(), spKB: positive, accKB: positive }),
  layer: z.string(), mapping: z.string(), analytical: cyclesEnergy, rtl: cyclesEnergy,
});
type SampleLine = z.infer<typeof lineSchema>;

/** The file's text for these samples (header line, then one line per sample, in order). */
export function formatRtlSamples(samples: readonly DatasetSample[], store: string, exportedAt = new Date().toISOString()): string {
  const header = { format: RTL_SAMPLES_FORMAT, analyticalVersion: new AnalyticalEvaluator().version, exportedAt, store, samples: samples.length };
  const lines = samples.map((s) => JSON.stringify({
    hw: { peDim: s.hardware.peDim, spKB: s.hardware.spKB, accKB: s.hardware.accKB }, layer: layerKey(s.layer), mapping: printMapping(s.mapping),
    analytical: { cycles: s.analytical.cycles, energy: s.analytical.energy }, rtl: { cycles: s.target.cycles, energy: s.target.energy },
  } satisfies SampleLine));
  return `${[JSON.stringify(header), ...lines].join('\n')}\n`;
}

/** Writes {@link formatRtlSamples} atomically. @throws Error for an empty sample list (an empty export would hide a missing store). */
export function writeRtlSamplesFile(path: string, samples: readonly DatasetSample[], store: string): void {
  if (samples.length === 0) throw new Error(`rtl samples export: the store ${store} holds no RTL sample; ${path} is left as it is`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, formatRtlSamples(samples, store));
  renameSync(`${path}.tmp`, path);
}

/**
 * Reads a file written by {@link writeRtlSamplesFile} back as samples (source `rtl`), in file order.
 * @throws Error naming the file and line for a malformed line, a wrong header or sample count,
 *   or analytical numbers that differ from today's analytical model (re-export from the store, or rebuild it).
 */
export function readRtlSamplesFile(path: string): DatasetSample[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const parse = <T>(schema: z.ZodType<T>, text: string | undefined, line: number): T => {
    let json: unknown;
    try {
      json = JSON.parse(text ?? '');
    } catch (error) {
      throw new Error(`${path} line ${line}: not JSON (${(error as Error).message})`);
    }
    const result = schema.safeParse(json);
    if (!result.success) throw new Error(`${path} line ${line}: ${result.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ')}`);
    return result.data;
  };
  const header = parse(headerSchema, lines[0], 1);
  if (header.samples !== lines.length - 1) throw new Error(`${path}: the header announces ${header.samples} samples but the file has ${lines.length - 1} (truncated?)`);
  const drifted: number[] = [];
  const samples = lines.slice(1).map((text, i): DatasetSample => {
    const row = parse(lineSchema, text, i + 2);
    let sample: DatasetSample;
    try {
      const layer = layerFromKey(row.layer);
      const mapping = parseMapping(row.mapping);
      const analytical = analyzeLayer(layer, row.hw, mapping);
      sample = { hardware: row.hw, layer, mapping, analytical, target: { cycles: row.rtl.cycles, energy: row.rtl.energy }, source: 'rtl' };
    } catch (error) {
      throw new Error(`${path} line ${i + 2}: ${(error as Error).message}`);
    }
    const off = (a: number, b: number) => Math.abs(a - b) > ANALYTICAL_TOLERANCE * Math.abs(b);
    if (off(sample.analytical.cycles, row.analytical.cycles) || off(sample.analytical.energy, row.analytical.energy)) drifted.push(i + 2);
    return sample;
  });
  if (drifted.length > 0) {
    throw new Error(`${path}: the analytical model (version ${new AnalyticalEvaluator().version}; exported with ${header.analyticalVersion}) gives other cycles or energy `
      + `on ${drifted.length} of ${samples.length} samples (first at line ${drifted[0]}): the features would differ from the exported ones; re-export from the store or rebuild it`);
  }
  return samples;
}

function parseArgs(argv: readonly string[]): { store: string; out: string } {
  const out = { store: RTL_STORE, out: RTL_SAMPLES_FILE };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--store') out.store = resolve(value);
    else if (argv[i] === '--out') out.out = resolve(value);
    else throw new Error(`unknown option ${argv[i]} (--store <sqlite>, --out <jsonl>)`);
  }
  return out;
}

async function main(): Promise<void> {
  const { store, out } = parseArgs(process.argv.slice(2));
  if (!existsSync(store)) throw new Error(`rtl samples export: no store at ${store}; nothing to export (${out} is left as it is). Build it with npx tsx packages/starlight/bench/rtl-layer-dataset.ts`);
  const { loadRtlLayerDataset } = await import('./rtl-layer-dataset.js');
  const samples = await loadRtlLayerDataset({ storePath: store, simulate: false });
  writeRtlSamplesFile(out, samples, shownPath(store));
  readRtlSamplesFile(out); // the export must read back
  process.stderr.write(`rtl samples export: ${samples.length} samples from ${store} to ${out}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
