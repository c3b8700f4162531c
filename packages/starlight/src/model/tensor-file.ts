/**
 * Named float32 arrays saved to a directory without tfjs-node: `<name>.json` (a manifest of
 * names, shapes and byte offsets, plus any metadata) and `<name>.bin` (the values, concatenated
 * little-endian float32).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamedWeights } from './dense-network.js';

interface Manifest<M> {
  readonly metadata: M;
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly length: number }[];
}

/** Writes `weights` and `metadata` as `<dir>/<base>.json` + `<dir>/<base>.bin`. */
export async function saveTensorFile<M>(dir: string, base: string, metadata: M, weights: NamedWeights): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = Object.keys(weights).sort();
  let total = 0;
  const tensors = names.map((name) => {
    const { shape, values } = weights[name];
    const entry = { name, shape: [...shape], offset: total, length: values.length };
    total += values.length;
    return entry;
  });
  const data = new Float32Array(total);
  tensors.forEach((t) => data.set(weights[t.name].values, t.offset));
  const manifest: Manifest<M> = { metadata, tensors };
  await writeFile(join(dir, `${base}.bin`), new Uint8Array(data.buffer));
  await writeFile(join(dir, `${base}.json`), JSON.stringify(manifest, null, 1));
}

/**
 * A saved model that cannot be used: a file missing, corrupt or truncated, or holding another
 * kind of model. The message names the file and how to make a good one (`retrain`).
 */
export class ModelFileError extends Error {
  override readonly name: string = 'ModelFileError';
}

/** The fix named by {@link loadTensorFile}'s errors when the caller gives none. */
const DEFAULT_RETRAIN = 'retrain the model with `polaris train --out <dir>`';

/**
 * Reads what {@link saveTensorFile} wrote.
 * @param retrain the fix to print when the files are unusable, e.g. "retrain it with `polaris train --out dir`".
 * @throws ModelFileError naming the file and `retrain` when it is missing, not JSON, not a
 *   manifest, or its `.bin` is missing or truncated.
 */
export async function loadTensorFile<M>(dir: string, base: string, retrain = DEFAULT_RETRAIN): Promise<{ metadata: M; weights: NamedWeights }> {
  const jsonPath = join(dir, `${base}.json`);
  const binPath = join(dir, `${base}.bin`);
  const unusable = (path: string, why: string) => new ModelFileError(`${path} ${why}; ${retrain}`);
  const text = await readFile(jsonPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw unusable(jsonPath, error.code === 'ENOENT' ? 'is missing (no such file; is this a saved model directory?)' : `cannot be read: ${error.message}`);
  });
  let manifest: Manifest<M>;
  try {
    manifest = JSON.parse(text) as Manifest<M>;
  } catch (error) {
    throw unusable(jsonPath, `is corrupt (not JSON: ${(error as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || !Array.isArray(manifest.tensors) || typeof manifest.metadata !== 'object' || manifest.metadata === null) {
    throw unusable(jsonPath, 'is corrupt (not a model manifest: expected {metadata, tensors})');
  }
  const bytes = await readFile(binPath).catch((error: NodeJS.ErrnoException) => {
    throw unusable(binPath, error.code === 'ENOENT' ? 'does not exist' : `cannot be read: ${error.message}`);
  });
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4)));
  const weights: NamedWeights = {};
  for (const t of manifest.tensors) {
    if (t.offset + t.length > data.length) throw unusable(binPath, `is truncated: tensor ${t.name} needs ${t.offset + t.length} values, file has ${data.length}`);
    weights[t.name] = { shape: t.shape, values: data.slice(t.offset, t.offset + t.length) };
  }
  return { metadata: manifest.metadata, weights };
}
