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
 * Reads what {@link saveTensorFile} wrote.
 * @throws Error naming the file when it is missing or truncated.
 */
export async function loadTensorFile<M>(dir: string, base: string): Promise<{ metadata: M; weights: NamedWeights }> {
  const jsonPath = join(dir, `${base}.json`);
  const text = await readFile(jsonPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${jsonPath}: ${error.code === 'ENOENT' ? 'no such file (is this a saved model directory?)' : error.message}`);
  });
  const manifest = JSON.parse(text) as Manifest<M>;
  const bytes = await readFile(join(dir, `${base}.bin`));
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const weights: NamedWeights = {};
  for (const t of manifest.tensors) {
    if (t.offset + t.length > data.length) throw new Error(`${join(dir, `${base}.bin`)} is truncated: tensor ${t.name} needs ${t.offset + t.length} values, file has ${data.length}`);
    weights[t.name] = { shape: t.shape, values: data.slice(t.offset, t.offset + t.length) };
  }
  return { metadata: manifest.metadata, weights };
}
