import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeSimulatorScript, hasVerilator, installFakeSimulator, isAlive, waitUntil } from '@polaris/rtl-sim/testing';

/**
 * `polaris evaluate --fidelity rtl --timeout` as a user runs it (a child process, stderr not a
 * terminal) against a hanging simulator: a shell script installed as the cached DIM-4 simulator
 * in a temp cache (POLARIS_RTL_CACHE), so no Verilator build is needed (the cache key still hashes
 * the Verilator version: skipped without verilator on PATH).
 */
const BIN = fileURLToPath(new URL('../../bin/polaris.mjs', import.meta.url));
const VERILATOR = hasVerilator();
if (!VERILATOR) console.warn('cli: verilator is not on PATH — SKIPPING the rtl --timeout test. Install it with `bash scripts/install-system-tools.sh`.');
const work = mkdtempSync(join(tmpdir(), 'polaris-cli-timeout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A one-layer Timeloop problem and its mapping onto a 4×4 array. */
function tinyDesign(): { workload: string; mapping: string } {
  const workload = join(work, 'conv.yaml');
  writeFileSync(workload, ['problem:', '  shape: cnn-layer', '  instance:',
    ...Object.entries({ C: 4, K: 8, N: 1, P: 4, Q: 4, R: 3, S: 3, Hdilation: 1, Hstride: 1, Wdilation: 1, Wstride: 1 }).map(([k, v]) => `    ${k}: ${v}`), ''].join('\n'));
  const mapping = join(work, 'conv.mapping');
  writeFileSync(mapping, 'L3[WIO] K2 - L2[WI] K4X - L1[O] C4X R3 S3 P4 Q4 - L0[W]\n');
  return { workload, mapping };
}

const polaris = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execa(process.execPath, [BIN, ...args], { reject: false, timeout: 60_000, env: { ...process.env, ...env } });

describe('polaris evaluate --timeout', () => {
  it.skipIf(!VERILATOR)('stops a hanging simulator after --timeout seconds with a one-line error naming the option; the simulator is killed', async () => {
    const cacheDir = join(work, 'cache');
    const pidFile = join(work, 'simulator.pid');
    installFakeSimulator({ cacheDir, dim: 4, script: fakeSimulatorScript(`echo $$ > ${pidFile}\nexec sleep 300`) });
    const { workload, mapping } = tinyDesign();
    const began = Date.now();
    const r = await polaris(['evaluate', '--workload', workload, '--hw', '4,16,16', '--mapping', mapping, '--fidelity', 'rtl', '--timeout', '1'],
      { POLARIS_RTL_CACHE: cacheDir });
    const wallMs = Date.now() - began;
    expect(r.exitCode, r.stderr).toBe(1);
    expect(wallMs).toBeLessThan(15_000);
    const lines = r.stderr.trim().split('\n');
    // Progress said what it waited on while the simulator hung.
    expect(lines).toContainEqual(expect.stringMatching(/^rtl: simulating layer 1 of 1 "conv" for \d+ s \(limit 1 s per layer, --timeout\); 0 of 1 layers done — \d+ s elapsed$/));
    const errors = lines.filter((line) => line.includes('could not be evaluated'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^rtl: the design could not be evaluated: rtl simulation failed: layer 1 "conv": the simulator ran past its time limit of 1 s and was killed .*`polaris evaluate --timeout <seconds>`/);
    expect(lines.at(-1)).toBe(errors[0]);
    expect(r.stdout).toBe('');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitUntil(() => !isAlive(pid), 2_000), `simulator ${pid} still running`).toBe(true);
  }, 60_000);

  it('refuses --timeout without the rtl fidelity, and a timeout that is not a positive number', async () => {
    const { workload, mapping } = tinyDesign();
    const noRtl = await polaris(['evaluate', '--workload', workload, '--hw', '4,16,16', '--mapping', mapping, '--timeout', '5']);
    expect(noRtl.exitCode).toBe(2);
    expect(noRtl.stderr.trim()).toBe('polaris: --timeout limits an evaluator that takes a time limit (the rtl simulator); none of --fidelity does (e.g. --fidelity analytical,rtl)');
    const zero = await polaris(['evaluate', '--workload', workload, '--hw', '4,16,16', '--mapping', mapping, '--fidelity', 'rtl', '--timeout', '0s']);
    expect(zero.exitCode).toBe(2);
    expect(zero.stderr.trim()).toBe('polaris: --timeout 0s: give the seconds each evaluation (an rtl layer simulation) may run before it is killed, a number > 0 (default 600)');
  }, 60_000);
});
