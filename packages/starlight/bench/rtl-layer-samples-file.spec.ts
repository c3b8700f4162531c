import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeLayer } from '@polaris/analytical';
import { makeLayer, parseMapping, printMapping } from '@polaris/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetSample } from '../src/datasets/dataset-sample.js';
import { readRtlSamplesFile, writeRtlSamplesFile } from './rtl-layer-samples-file.js';
import { loadRtlSamples } from './sample-efficiency-sources.js';

const layer = makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: 8, N: 1 });
const sample = (spKB: number, mappingText: string): DatasetSample => {
  const hardware = { peDim: 4, spKB, accKB: 16 };
  const mapping = parseMapping(mappingText);
  const analytical = analyzeLayer(layer, hardware, mapping);
  return { hardware, layer, mapping, analytical, target: { cycles: analytical.cycles * 1.5, energy: analytical.energy * 1.1 }, source: 'rtl' };
};
const samples = [
  sample(64, 'L3[WIO] K2 - L2[WI] K4X - L1[O] C2 C4X - L0[W] P4 Q4'),
  sample(7, 'L3[WIO] Q2 C2 - L2[WI] K2 K4X - L1[O] C4X - L0[W] Q2 P4'),
];

describe('rtl layer samples file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rtl-samples-'));
    path = join(dir, 'data', 'rtl-layer-samples.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the samples: hardware, layer, mapping, targets, and the analytical evaluation recomputed', () => {
    writeRtlSamplesFile(path, samples, 'polaris-runs/bench/rtl-layers.sqlite');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0])).toMatchObject({ format: 'polaris-rtl-layer-samples/1', samples: 2, store: 'polaris-runs/bench/rtl-layers.sqlite' });
    const read = readRtlSamplesFile(path);
    expect(read.map((s) => printMapping(s.mapping))).toEqual(samples.map((s) => printMapping(s.mapping)));
    expect(read.map(({ mapping: _m, ...rest }) => rest)).toEqual(samples.map(({ mapping: _m, ...rest }) => rest));
  });

  it('refuses to write an empty export', () => {
    expect(() => writeRtlSamplesFile(path, [], 'store.sqlite')).toThrow(/holds no RTL sample/);
  });

  it('names the file and line of a bad line, a truncated file, and analytical numbers that moved', () => {
    writeRtlSamplesFile(path, samples, 'store.sqlite');
    const [head, first, second] = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, [head, first].join('\n'));
    expect(() => readRtlSamplesFile(path)).toThrow(/announces 2 samples but the file has 1/);
    writeFileSync(path, [head, first, second.replace('"mapping":"L3', '"mapping":"L9')].join('\n'));
    expect(() => readRtlSamplesFile(path)).toThrow(new RegExp(`${path} line 3: .*level header`));
    writeFileSync(path, [head, first, second.replace('"hw":{"peDim":4', '"hw":{"peDim":-4')].join('\n'));
    expect(() => readRtlSamplesFile(path)).toThrow(/line 3: hw.peDim/);
    const moved = JSON.parse(second) as { analytical: { cycles: number } };
    moved.analytical.cycles *= 1.01;
    writeFileSync(path, [head, first, JSON.stringify(moved)].join('\n'));
    expect(() => readRtlSamplesFile(path)).toThrow(/gives other cycles or energy on 1 of 2 samples \(first at line 3\)/);
  });

  it('is what the rtl sources read when the store is absent; with neither, the error names both', async () => {
    writeRtlSamplesFile(path, samples, 'store.sqlite');
    const loaded = await loadRtlSamples(join(dir, 'absent.sqlite'), path);
    expect(loaded.samples).toHaveLength(2);
    const missing = join(dir, 'missing.jsonl');
    await expect(loadRtlSamples(join(dir, 'absent.sqlite'), missing)).rejects.toThrow(`neither the dataset's store ${join(dir, 'absent.sqlite')} nor its committed export ${missing} exists`);
  });
});
