import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '@polaris/core';

const BIN = fileURLToPath(new URL('../../bin/polaris.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'polaris-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs bayesian on bert at the analytical fidelity (3 warm-up trials, then 3 from the model) with `model`; returns the run's trial hashes and stderr. */
async function bayesianRun(name: string, model: string): Promise<{ hashes: string[]; stderr: string }> {
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, `name: ${name}\nseed: 5\nworkload: bert\noptimizer: {id: bayesian, options: {warmup: 3, poolSize: 12}}\n${model}`
    + `budget: {trials: 6, batch: 3}\nstore: runs.sqlite\noutput: out/{name}.json\n`);
  const r = await execa(process.execPath, [BIN, 'run', config, '--quiet'], {
    cwd: dir, reject: false, timeout: 120_000, env: { NO_COLOR: '1', POLARIS_MAPPER_WORKERS: '0' },
  });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const runId = /^run (\S+):/m.exec(String(r.stderr))![1];
  const store = new SqliteStore(join(dir, 'runs.sqlite'));
  try {
    return { hashes: store.trials(runId).map((t) => t.pointHash), stderr: String(r.stderr) };
  } finally {
    store.close();
  }
}

describe('polaris run with model:', () => {
  it('binds the configured model for bayesian: dosa steers other trials than the default GP, model gp the same ones', async () => {
    const plain = await bayesianRun('plain', '');
    const dosa = await bayesianRun('dosa', 'model: {id: dosa, options: {hidden: [16, 16], epochs: 20}}\n');
    const gp = await bayesianRun('gp', 'model: gp\n');
    expect(dosa.stderr).toMatch(/optimizer bayesian \(model dosa\)/);
    expect(plain.hashes).toHaveLength(6);
    expect(dosa.hashes).toHaveLength(6);
    expect(dosa.hashes.slice(0, 3)).toEqual(plain.hashes.slice(0, 3)); // the warm-up is random search's draws
    expect(dosa.hashes.slice(3)).not.toEqual(plain.hashes.slice(3));
    expect(gp.hashes).toEqual(plain.hashes); // the default is the plain GP with its default options
  }, 300_000);
});
