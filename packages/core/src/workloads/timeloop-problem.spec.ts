import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../testing/shared-data.js';
import { WorkloadFileError, loadTimeloopWorkload } from './timeloop-problem.js';
import { resolveWorkload } from './resolve-workload.js';
import { UnknownWorkloadError } from './builtin-workloads.js';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'polaris-wl-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('Timeloop problem workloads', () => {
  it('reads a DOSA flat problem file', () => {
    const w = loadTimeloopWorkload(join(SHARED_DATA, 'dosa/workloads/resnet50/_outputs_input.2.yaml'));
    expect(w.layers).toHaveLength(1);
    expect(w.layers[0].layer).toEqual({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2, Wdilation: 1, Hdilation: 1 });
  });

  it('reads the shape/instance form and defaults N and coefficients', () => {
    const path = tempFile('l.yaml', 'problem:\n  shape: {name: cnn-layer}\n  instance: {C: 8, K: 4, P: 5, Q: 5, R: 3, S: 3}\n');
    expect(loadTimeloopWorkload(path).layers[0].layer).toMatchObject({ C: 8, K: 4, N: 1, Wstride: 1 });
  });

  it('rejects other shapes, missing dims and malformed YAML with the file named', () => {
    expect(() => loadTimeloopWorkload(join(SHARED_DATA, 'dosa/workloads/problem-shapes/dw-cnn-layer.yaml'))).toThrow(WorkloadFileError);
    expect(() => loadTimeloopWorkload(tempFile('a.yaml', 'problem: {shape: cnn-layer, C: 3, K: 0, P: 1, Q: 1, R: 1, S: 1}\n')))
      .toThrow(/a\.yaml: problem\.K = 0 is invalid; allowed: a positive integer/);
    expect(() => loadTimeloopWorkload(tempFile('b.yaml', 'problem: {C: 3, K: 2, P: 1, Q: 1, R: 1}\n'))).toThrow(/problem\.S is missing/);
    expect(() => loadTimeloopWorkload(tempFile('c.yaml', 'problem: [unclosed\n'))).toThrow(/c\.yaml: malformed YAML/);
  });

  it('rejects unreasonable dimensions with the file, the key and the limit', () => {
    expect(() => loadTimeloopWorkload(tempFile('huge.yaml', 'problem: {C: 1000000000, K: 4, P: 5, Q: 5, R: 3, S: 3}\n')))
      .toThrow(/huge\.yaml: problem\.C = 1000000000 is above the limit 1048576 \(2\^20\); allowed: a positive integer ≤ 1048576/);
    expect(() => loadTimeloopWorkload(tempFile('macs.yaml', 'problem: {C: 1048576, K: 1048576, P: 1048576, Q: 1, R: 1, S: 1}\n')))
      .toThrow(/macs\.yaml: the layer has 1\.15e\+18 MACs, above the limit 2\^53/);
  });

  it('resolves built-in names, paths, and reports unknown ones', () => {
    expect(resolveWorkload('bert').layers).toHaveLength(5);
    expect(resolveWorkload('dosa/workloads/conv', SHARED_DATA).layers.length).toBeGreaterThan(0);
    expect(() => resolveWorkload('nope')).toThrow(UnknownWorkloadError);
  });
});
