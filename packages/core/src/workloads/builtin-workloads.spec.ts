import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { layerKey } from '../domain/layer.js';
import { workloadMacs } from '../domain/workload.js';
import { SHARED_DATA } from '../testing/shared-data.js';
import { BUILTIN_WORKLOAD_NAMES, UnknownWorkloadError, builtinWorkload } from './builtin-workloads.js';
import { loadTimeloopWorkload } from './timeloop-problem.js';

const WORKLOADS_DIR = join(SHARED_DATA, 'dosa/workloads');

describe('built-in workloads', () => {
  it.each(['resnet50', 'bert', 'unet', 'retinanet'])('%s matches DOSA layer_count.yaml exactly', (name) => {
    const expected = parseYaml(readFileSync(join(WORKLOADS_DIR, name, 'layer_count.yaml'), 'utf8')) as Record<string, { count: number; name: string }>;
    const workload = builtinWorkload(name);
    const actual = Object.fromEntries(workload.layers.map((l) => [layerKey(l.layer), { count: l.count, name: l.name }]));
    expect(actual).toEqual(expected);
  });

  it('matches the problem files of the DOSA folder, read as a Timeloop workload', () => {
    for (const name of BUILTIN_WORKLOAD_NAMES) {
      const fromFiles = loadTimeloopWorkload(join(WORKLOADS_DIR, name));
      const builtin = builtinWorkload(name);
      const byKey = (w: typeof builtin) => Object.fromEntries(w.layers.map((l) => [layerKey(l.layer), l.count]));
      expect(byKey(fromFiles)).toEqual(byKey(builtin));
    }
  });

  it('ResNet-50 has 54 layer executions and about 4.1 GMACs', () => {
    const resnet = builtinWorkload('resnet50');
    expect(resnet.layers.reduce((s, l) => s + l.count, 0)).toBe(54);
    // First layer: 7x7 stride 2, 3→64 at 112x112 = 118,013,952 MACs.
    expect(resnet.layers[0].layer).toMatchObject({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, Wstride: 2 });
    expect(workloadMacs(resnet) / 1e9).toBeGreaterThan(3.5);
    expect(workloadMacs(resnet) / 1e9).toBeLessThan(4.5);
  });

  it('names the allowed workloads for an unknown name', () => {
    expect(() => builtinWorkload('resnet-50')).toThrow(UnknownWorkloadError);
    expect(() => builtinWorkload('resnet-50')).toThrow(/allowed: resnet50, bert, unet, retinanet/);
  });
});
