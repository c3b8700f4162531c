import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginOptionsError, PluginRegistry, PluginUnavailableError } from '@polaris/core';
import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { hasVerilator } from '../runner/toolchain.js';
import { rtlTinyPoints, rtlTinyWorkload } from './rtl-test-fixture.js';

/** The rtl plugin loaded the way the CLI loads it: core's PluginRegistry reading package.json. */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VERILATOR = hasVerilator();
if (!VERILATOR) console.warn('rtl-sim: verilator is not on PATH — SKIPPING the rtl plugin tests that simulate. Install it with `bash scripts/install-system-tools.sh`.');

describe('the rtl plugin through PluginRegistry', () => {
  it('reads the manifest without importing anything', () => {
    const info = new PluginRegistry().add(PACKAGE_DIR);
    expect(info).toMatchObject({ id: 'rtl', kinds: ['evaluator'], provides: ['rtl'], loaded: false });
    expect(info.entryPath).toBe(join(PACKAGE_DIR, 'src', 'plugin.ts'));
  });

  it('is unavailable without verilator, naming the install script', async () => {
    const registry = new PluginRegistry({ which: () => undefined });
    registry.add(PACKAGE_DIR);
    expect(registry.status('rtl')).toEqual({
      state: 'unavailable', reason: 'verilator not on PATH',
      fix: 'bash scripts/install-system-tools.sh (then make sure verilator is on PATH)',
    });
    await expect(registry.evaluator('rtl')).rejects.toThrow(PluginUnavailableError);
  });

  it.skipIf(!VERILATOR)('validates options with the factory schema', async () => {
    const registry = new PluginRegistry();
    registry.add(PACKAGE_DIR);
    await expect(registry.evaluator('rtl', { options: { energy: 'accelergy' } })).rejects.toThrow(PluginOptionsError);
    await expect(registry.evaluator('rtl', { options: { maxCycle: 5 } })).rejects.toThrow(/unrecognized key|maxCycle/i);
    const dosa = await registry.evaluator('rtl', { options: { energy: 'dosa', busBytes: 16 } });
    const timeloop = await registry.evaluator('rtl');
    expect(dosa.version).not.toBe(timeloop.version);
  });

  it.skipIf(!VERILATOR)('creates an rtl evaluator that simulates a workload', async () => {
    const registry = new PluginRegistry();
    registry.add(PACKAGE_DIR);
    expect(registry.status('rtl')).toEqual({ state: 'ready' });
    const evaluator = await registry.evaluator('rtl', { options: { check: true, timeoutSeconds: 60 } });
    expect(evaluator).toMatchObject({ id: 'rtl', fidelity: 'rtl', capabilities: { accessCounts: true, uncertainty: false } });
    const results = await firstValueFrom(evaluator.evaluate(rtlTinyPoints(), rtlTinyWorkload()).pipe(toArray()));
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual(['ok', 'ok']);
  }, 600_000);
});
