/**
 * A TensorFlow.js IO handler that saves and loads a layers model to a directory with node:fs
 * (no tfjs-node): `model.json` (topology + weights manifest, the standard tfjs format) and
 * `weights.bin` (all weights, concatenated little-endian float32).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { io } from '@tensorflow/tfjs-core';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** A handler for `model.save(handler)` and `tf.loadLayersModel(handler)` on `dir`. */
export function directoryHandler(dir: string): io.IOHandler {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('directoryHandler: binary topologies are not supported');
      await mkdir(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<io.ModelArtifacts> {
      const text = await readFile(join(dir, MODEL_JSON), 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`no tfjs model in ${dir}: cannot read ${MODEL_JSON} (${error.code ?? error.message})`);
      });
      const json = JSON.parse(text) as io.ModelJSON;
      const manifest = json.weightsManifest ?? [];
      const weightSpecs = manifest.flatMap((group) => group.weights);
      const buffers: ArrayBuffer[] = [];
      for (const group of manifest) {
        for (const path of group.paths) {
          const bytes = await readFile(join(dir, path)).catch((error: NodeJS.ErrnoException) => {
            throw new Error(`tfjs model in ${dir}: cannot read weights file ${path} (${error.code ?? error.message})`);
          });
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs,
        weightData: io.CompositeArrayBuffer.join(buffers),
      };
    },
  };
}
