import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { builtinWorkload, openStore, workloadHash } from '@polaris/core';

const BIN = fileURLToPath(new URL('../../bin/polaris.mjs', import.meta.url));

/** Runs the real `polaris` command in a child process. */
function polaris(args: string[]) {
  const r = execaSync(process.execPath, [BIN, ...args], { reject: false, timeout: 120_000 });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

describe('polaris dataset', () => {
  it('evaluates N sampled design points into the store, and a rerun reuses every evaluation', () => {
    const store = join(mkdtempSync(join(tmpdir(), 'polaris-dataset-')), 'data.sqlite');
    const args = ['dataset', '--fidelity', 'analytical', '--workload', 'bert', '--n', '4', '--seed', '3', '--store', store];
    const first = polaris(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/dataset bert at analytical: 4 design points in [\d.]+ s/);
    expect(first.stdout).toContain('analytical: 4 new, 0 reused from the store, 0 failed');
    expect(first.stdout).toContain('now holds 20 analytical layer samples of bert'); // 4 points × 5 unique layers

    const again = polaris(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('analytical: 0 new, 4 reused from the store, 0 failed');

    const grown = polaris([...args.slice(0, 6), '6', ...args.slice(7)]);
    expect(grown.stdout).toContain('analytical: 2 new, 4 reused from the store, 0 failed');

    const opened = openStore(store);
    try {
      const records = opened.evaluations({ fidelity: 'analytical', workloadHash: workloadHash(builtinWorkload('bert')) });
      expect(records).toHaveLength(6);
      expect(new Set(records.map((r) => r.point.hardware.peDim)).size).toBeGreaterThan(1);
    } finally {
      opened.close();
    }
  });

  it('samples hardware inside --space', () => {
    const store = join(mkdtempSync(join(tmpdir(), 'polaris-dataset-')), 'data.sqlite');
    const r = polaris(['dataset', '--fidelity', 'analytical', '--workload', 'bert', '--n', '3', '--space', 'peDim=8:16,spKB=64:128', '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    const opened = openStore(store);
    try {
      for (const { point } of opened.evaluations()) {
        expect([8, 16]).toContain(point.hardware.peDim);
        expect(point.hardware.spKB).toBeGreaterThanOrEqual(64);
        expect(point.hardware.spKB).toBeLessThanOrEqual(128);
      }
    } finally {
      opened.close();
    }
    const bad = polaris(['dataset', '--fidelity', 'analytical', '--n', '1', '--space', 'peDim=4', '--store', ':memory:']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not key=min:max');
  });

  it('rejects a fidelity it cannot label with', () => {
    const r = polaris(['dataset', '--fidelity', 'surrogate', '--workload', 'bert', '--n', '2', '--store', ':memory:']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--fidelity surrogate: expected one of analytical, rtl');
  });
});
