import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Mapper } from '../contracts/mapper.js';
import { proposalPoint } from '../contracts/optimizer.js';
import { DEFAULT_GEMMINI } from '../domain/hardware.js';
import { describeEvaluatorContract, describeOptimizerContract, flatDesignPoint, tinyWorkload } from '../testing/index.js';
import { PluginLoadError, PluginOptionsError, PluginUnavailableError, UnknownPluginError } from './plugin-errors.js';
import { PluginManifestError } from './plugin-manifest.js';
import { PluginRegistry } from './plugin-registry.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const workload = tinyWorkload();

function registryWithFixtures(): PluginRegistry {
  const registry = new PluginRegistry({ baseDir: FIXTURES });
  for (const dir of ['./macs-evaluator', './random-optimizer', './flat-mapper', './needs-command', './no-default-export']) {
    registry.add(dir);
  }
  return registry;
}

describe('PluginRegistry', () => {
  it('lists plugins with their status without importing them', () => {
    const rows = registryWithFixtures().list();
    expect(rows.map((r) => [r.id, r.status.state, r.loaded])).toEqual([
      ['macs', 'ready', false],
      ['random-fixture', 'ready', false],
      ['flat-mapper', 'ready', false],
      ['needs-command', 'unavailable', false],
      ['no-default-export', 'ready', false],
    ]);
    const unavailable = rows[3].status;
    expect(unavailable).toEqual({
      state: 'unavailable',
      reason: 'polaris-fixture-no-such-simulator not on PATH',
      fix: 'build it with `make sim` (then make sure polaris-fixture-no-such-simulator is on PATH)',
    });
    expect(rows[1].provides).toEqual(['random']);
  });

  it('creates an evaluator by id, loading only its plugin', async () => {
    const registry = registryWithFixtures();
    const evaluator = await registry.evaluator('macs', { options: { version: '3' } });
    expect(evaluator.version).toBe('3');
    expect(registry.list().filter((p) => p.loaded).map((p) => p.id)).toEqual(['macs']);
    const [result] = await firstValueFrom(evaluator.evaluate([flatDesignPoint(DEFAULT_GEMMINI, workload)], workload).pipe(toArray()));
    expect(result.ok && result.evaluation.layers[0].cycles).toBe(Math.ceil((3 * 3 * 8 * 8 * 16 * 32) / 256));
  });

  it('names the known ids when asked for an unknown one', async () => {
    const registry = registryWithFixtures();
    await expect(registry.evaluator('timeloop')).rejects.toThrow(UnknownPluginError);
    await expect(registry.evaluator('timeloop')).rejects.toThrow(/unknown evaluator "timeloop"; known evaluators: "macs", "slow-sim", "no-default-export"/);
    await expect(registry.optimizer('macs')).rejects.toThrow(/known optimizers: "random"/);
    expect(() => registry.status('nope')).toThrow(/known plugins: "macs", "random-fixture"/);
  });

  it('refuses an unavailable plugin with the reason and the fix, never importing it', async () => {
    const registry = registryWithFixtures();
    const attempt = registry.evaluator('slow-sim');
    await expect(attempt).rejects.toThrow(PluginUnavailableError);
    await expect(registry.evaluator('slow-sim')).rejects.toThrow(/unavailable: polaris-fixture-no-such-simulator not on PATH\. Fix: build it/);
    await expect(registry.load('needs-command')).rejects.toThrow(PluginUnavailableError);
  });

  it('becomes ready when the command is found', async () => {
    const registry = new PluginRegistry({ baseDir: FIXTURES, which: (command) => `/opt/bin/${command}` });
    expect(registry.add('./needs-command').status).toEqual({ state: 'ready' });
  });

  it('explains a module without a ContainerModule default export', async () => {
    await expect(registryWithFixtures().evaluator('no-default-export')).rejects.toThrow(PluginLoadError);
    await expect(registryWithFixtures().evaluator('no-default-export')).rejects.toThrow(/must default-export an inversify ContainerModule/);
  });

  it('probe lists a plugin whose module throws on load as unavailable with the error, even when unused', async () => {
    const registry = registryWithFixtures();
    registry.add('./throws-on-load');
    const rows = await registry.probe();
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId.macs).toMatchObject({ loaded: true, status: { state: 'ready' } });
    expect(byId['needs-command']).toMatchObject({ loaded: false, status: { state: 'unavailable' } });
    expect(byId['throws-on-load'].status).toMatchObject({
      state: 'unavailable', reason: expect.stringMatching(/importing .*throws-on-load.*failed: fixture: this plugin is broken on purpose/),
      fix: expect.stringMatching(/fix the error in .*plugin\.ts, or remove the plugin/),
    });
    expect(byId['no-default-export'].status).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/must default-export/) });
    await expect(registry.evaluator('throws-on-load')).rejects.toThrow(/evaluator "throws-on-load" \(plugin "throws-on-load"\) is unavailable: .*broken on purpose/);
  });

  it('validates options with the factory schema', async () => {
    const registry = registryWithFixtures();
    await expect(registry.evaluator('macs', { options: { delayMs: -1 } })).rejects.toThrow(PluginOptionsError);
    await expect(registry.evaluator('macs', { options: { colour: 'red' } })).rejects.toThrow(/evaluator "macs" has invalid options/);
    await expect(registry.evaluator('macs', { options: { colour: 'red' } })).rejects.toThrow(/options: unknown option "colour"; macs takes delayMs, version/);
  });

  it('rejects a bad manifest naming the package.json and the fields', () => {
    const registry = new PluginRegistry({ baseDir: FIXTURES });
    expect(() => registry.add('./bad-manifest')).toThrow(PluginManifestError);
    try {
      registry.add('./bad-manifest');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(join(FIXTURES, 'bad-manifest', 'package.json'));
      expect(message).toMatch(/polaris\.id: must be lower-case/);
      expect(message).toMatch(/polaris\.kind/);
      expect(message).toMatch(/polaris\.requires\.commands/);
    }
  });

  it('ignores adding the same package twice but rejects two plugins providing the same id', () => {
    const registry = new PluginRegistry({ baseDir: FIXTURES });
    registry.add('./macs-evaluator');
    expect(registry.add('./macs-evaluator/package.json').id).toBe('macs');
    const dir = mkdtempSync(join(tmpdir(), 'polaris-clash-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'clash', polaris: { id: 'clash', kind: 'evaluator', provides: ['macs'] } }));
      writeFileSync(join(dir, 'index.js'), 'export default 1;\n');
      expect(() => registry.add(dir)).toThrow(/evaluator "macs" is provided by both plugin "macs" and plugin "clash"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => registry.add('./missing-plugin')).toThrow(/does not exist/);
  });

  it('lets an optimizer use the Mapper the host bound in the container', async () => {
    const registry = registryWithFixtures();
    const mapper = await registry.mapper('flat-mapper');
    registry.container.bind<Mapper>(Mapper).toConstantValue(mapper);
    const optimizer = await registry.optimizer('random', { seed: 3, workload });
    const [point] = (await optimizer.ask(1)).map(proposalPoint);
    expect(point.mappings).toHaveLength(workload.layers.length);
    expect(registry.list().filter((p) => p.loaded).map((p) => p.id).sort()).toEqual(['flat-mapper', 'random-fixture']);
  });

  describe('by package name', () => {
    const base = mkdtempSync(join(tmpdir(), 'polaris-registry-'));
    afterAll(() => rmSync(base, { recursive: true, force: true }));

    it('finds the package in node_modules above baseDir and imports its entry', async () => {
      mkdirSync(join(base, 'node_modules', '@acme'), { recursive: true });
      symlinkSync(join(FIXTURES, 'macs-evaluator'), join(base, 'node_modules', '@acme', 'macs'), 'dir');
      mkdirSync(join(base, 'project', 'configs'), { recursive: true });
      const registry = new PluginRegistry({ baseDir: join(base, 'project', 'configs') });
      expect(registry.add('@acme/macs').id).toBe('macs');
      const evaluator = await registry.evaluator('macs');
      expect(evaluator.id).toBe('macs');
    });

    it('says how to install a package that is missing', () => {
      const registry = new PluginRegistry({ baseDir: base });
      expect(() => registry.add('@acme/rtl')).toThrow(/plugin package "@acme\/rtl" not found .*npm install @acme\/rtl/);
    });
  });
});

describeEvaluatorContract(
  'macs fixture plugin',
  () => registryWithFixtures().evaluator('macs'),
  () => ({
    workload,
    points: [flatDesignPoint(DEFAULT_GEMMINI, workload), flatDesignPoint({ peDim: 4, spKB: 8, accKB: 2 }, workload)],
    invalidPoints: [flatDesignPoint({ peDim: 3, spKB: 8, accKB: 2 }, workload)],
  }),
);

describeEvaluatorContract(
  'macs fixture plugin with a delay (asynchronous)',
  () => registryWithFixtures().evaluator('macs', { options: { delayMs: 5 } }),
  () => ({ workload, points: [flatDesignPoint(DEFAULT_GEMMINI, workload), flatDesignPoint({ peDim: 128, spKB: 1, accKB: 2048 }, workload)] }),
);

describeOptimizerContract(
  'random fixture plugin',
  (seed, w) => registryWithFixtures().optimizer('random', { seed, workload: w }),
  () => ({ workload, quickAsk: true }),
);
