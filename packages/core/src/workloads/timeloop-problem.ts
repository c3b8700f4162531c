import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  DIMS, LAYER_FIELD_ALLOWED, type Layer, layerFieldProblem, layerKey, layerSizeProblem, makeLayer,
} from '../domain/layer.js';
import { dedupeLayers, type Workload, type WorkloadLayer } from '../domain/workload.js';

/** A Timeloop problem file that can't be used; the message names the file, the key and the fix. */
export class WorkloadFileError extends Error {
  override readonly name = 'WorkloadFileError';
}

const COEFFICIENTS = ['Wstride', 'Hstride', 'Wdilation', 'Hdilation'] as const;
const YAML_EXT = new Set(['.yaml', '.yml']);

/**
 * Reads a layer from a parsed Timeloop problem document. Accepts both forms in use:
 * DOSA's flat `problem: {C, K, …, shape: cnn-layer}` and Timeloop's
 * `problem: {shape: {name: cnn-layer, …}, instance: {C, K, …}}`.
 */
export function layerFromTimeloopProblem(doc: unknown, source: string): Layer {
  const problem = (doc as { problem?: Record<string, unknown> } | null)?.problem;
  if (!problem || typeof problem !== 'object') {
    throw new WorkloadFileError(`${source}: no "problem" mapping; expected a Timeloop problem file (problem: {C, K, N, P, Q, R, S, shape: cnn-layer})`);
  }
  const shape = problem.shape;
  const shapeName = typeof shape === 'string' ? shape : (shape as { name?: string } | undefined)?.name;
  if (shapeName !== undefined && shapeName !== 'cnn-layer') {
    throw new WorkloadFileError(`${source}: problem shape "${shapeName}" is not supported by the Gemmini template; allowed: cnn-layer (express matmuls as R=S=Q=1)`);
  }
  const values = (problem.instance && typeof problem.instance === 'object' ? problem.instance : problem) as Record<string, unknown>;
  const read = (key: string, fallback?: number): number => {
    const v = values[key] ?? fallback;
    const problem = v === undefined ? 'is missing' : layerFieldProblem(v);
    if (problem) throw new WorkloadFileError(`${source}: problem.${key} ${problem}; allowed: ${LAYER_FIELD_ALLOWED}`);
    return v as number;
  };
  const dims = Object.fromEntries(DIMS.map((d) => [d, read(d, d === 'N' ? 1 : undefined)])) as Record<(typeof DIMS)[number], number>;
  const coefficients = Object.fromEntries(COEFFICIENTS.map((c) => [c, read(c, 1)]));
  const layer = { ...dims, ...coefficients } as Layer;
  const size = layerSizeProblem(layer);
  if (size) throw new WorkloadFileError(`${source}: ${size}`);
  return makeLayer(layer);
}

function readYamlFile(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new WorkloadFileError(`${path}: malformed YAML: ${(error as Error).message}`);
  }
}

/**
 * Loads a workload from a Timeloop problem YAML file (one layer, count 1) or a folder of them.
 * In a folder with a DOSA `layer_count.yaml` (layer key → {count, name}), exactly the files it
 * names (`<name>.yaml`) are read, with its counts; otherwise every problem file in the folder
 * counts once and identical shapes are merged.
 */
export function loadTimeloopWorkload(path: string): Workload {
  if (!existsSync(path)) throw new WorkloadFileError(`${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) {
    const name = basename(path, extname(path));
    return { name, layers: [{ name, layer: layerFromTimeloopProblem(readYamlFile(path), path), count: 1 }] };
  }
  const countsPath = join(path, 'layer_count.yaml');
  if (existsSync(countsPath)) return loadCountedFolder(path, countsPath);
  const layers: WorkloadLayer[] = [];
  for (const file of readdirSync(path).filter((f) => YAML_EXT.has(extname(f))).sort()) {
    const filePath = join(path, file);
    // Other YAML in the folder (an architecture or mapper spec) is skipped; a malformed file
    // that declares a problem is an error, never skipped silently.
    if (!/^problem\s*:/m.test(readFileSync(filePath, 'utf8'))) continue;
    const name = basename(file, extname(file));
    layers.push({ name, layer: layerFromTimeloopProblem(readYamlFile(filePath), filePath), count: 1 });
  }
  if (layers.length === 0) throw new WorkloadFileError(`${path}: the folder holds no Timeloop problem YAML files (files with a top-level "problem" key)`);
  return { name: basename(path), layers: dedupeLayers(layers) };
}

function loadCountedFolder(path: string, countsPath: string): Workload {
  const counts = readYamlFile(countsPath) as Record<string, { count?: unknown; name?: unknown }> | null;
  const layers: WorkloadLayer[] = [];
  for (const [key, entry] of Object.entries(counts ?? {})) {
    const { count, name } = entry ?? {};
    if (typeof name !== 'string' || !Number.isInteger(count) || (count as number) < 1) {
      throw new WorkloadFileError(`${countsPath}: entry ${key} needs a layer file name and a positive integer count ({count: 1, name: conv1})`);
    }
    const filePath = join(path, `${name}.yaml`);
    if (!existsSync(filePath)) throw new WorkloadFileError(`${countsPath}: entry ${key} names ${name}.yaml, which is not in ${path}`);
    const layer = layerFromTimeloopProblem(readYamlFile(filePath), filePath);
    if (layerKey(layer) !== key) {
      throw new WorkloadFileError(`${countsPath}: entry ${key} names ${name}.yaml, whose shape is ${layerKey(layer)}; fix the key or the file`);
    }
    layers.push({ name, layer, count: count as number });
  }
  if (layers.length === 0) throw new WorkloadFileError(`${countsPath}: lists no layers`);
  return { name: basename(path), layers };
}
