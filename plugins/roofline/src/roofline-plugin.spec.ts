import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HardwareSpace, Mapper, PluginOptionsError, PluginRegistry, Store, loadRunConfig, openStore, resolveWorkload, runSearch,
} from '@polaris/core';

/**
 * Loads the plugin the way a user does: by naming its folder in a run config's `plugins:` and
 * choosing `evaluator: roofline`, then runs a short random search scored by it.
 */

/** This package's folder (plugins/roofline). */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Folder of an installed package, looked up in node_modules from this package upwards as Node
 * does. The run config's folder is a temp dir outside the repository, from which the built-in
 * plugin packages would not resolve by name, so they are added by their installed folder.
 */
function installedPackageDir(name: string): string {
  for (let dir = PACKAGE_DIR; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} is not installed above ${PACKAGE_DIR}`);
  }
}

const configDir = mkdtempSync(join(tmpdir(), 'roofline-plugin-'));
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

function writeConfig(name: string, body: string): string {
  const path = join(configDir, name);
  writeFileSync(path, body);
  return path;
}

describe('the roofline plugin loaded from a run config', () => {
  it('is named by path in plugins:, reported ready, and scores a random search on BERT', async () => {
    const pluginPath = relative(configDir, PACKAGE_DIR); // a relative path, resolved against the config's folder
    const configPath = writeConfig('roofline-bert.yaml', [
      'seed: 7',
      'workload: bert',
      'evaluator: roofline',
      'optimizer: {id: random, options: {maxHardwareDraws: 16}}',
      'budget: {trials: 6, batch: 3}',
      'space: {peDim: [8, 32], spKB: [64, 512], accKB: [16, 128]}',
      `plugins: [${JSON.stringify(pluginPath)}]`,
      "store: ':memory:'",
      '',
    ].join('\n'));
    const config = loadRunConfig(configPath);
    expect(config.plugins).toEqual([PACKAGE_DIR]);

    const registry = new PluginRegistry({ baseDir: dirname(configPath) });
    for (const spec of config.plugins) registry.add(spec);
    registry.add(installedPackageDir('@polaris/analytical')); // the mapper the random optimizer needs
    registry.add(installedPackageDir('@polaris/polaris')); // the random optimizer

    const roofline = registry.list().find((p) => p.id === 'roofline');
    expect(roofline).toMatchObject({ kinds: ['evaluator'], provides: ['roofline'], status: { state: 'ready' }, loaded: false });
    expect(roofline?.entryPath).toBe(join(PACKAGE_DIR, 'src', 'plugin.ts'));

    // The host binds what components resolve lazily from the container: the Store, and the Mapper for optimizers.
    const store = openStore(config.store);
    registry.container.bind<Store>(Store).toConstantValue(store);
    const mapper = await registry.mapper('analytical', { options: { samples: 40, improvementSteps: 40, starts: 1 }, seed: config.seed });
    registry.container.bind<Mapper>(Mapper).toConstantValue(mapper);

    const workload = resolveWorkload(config.workload);
    const evaluator = await registry.evaluator(config.evaluator.id, { options: config.evaluator.options, seed: config.seed });
    const [stage] = config.optimizer; // one optimizer: a schedule of one stage
    const optimizer = await registry.optimizer(stage.id, {
      options: stage.options, seed: config.seed, workload, hardwareSpace: new HardwareSpace(config.space),
    });
    expect(registry.list().find((p) => p.id === 'roofline')?.loaded).toBe(true);
    expect(evaluator).toMatchObject({ id: 'roofline', fidelity: 'analytical' });

    const summary = await runSearch({
      optimizer, evaluator, store, workload, runId: 'roofline-bert',
      budget: { trials: config.budget.trials, batch: config.budget.batch },
      run: { config: JSON.stringify(config), seed: config.seed },
    }).done;

    expect(summary).toMatchObject({ trials: 6, failed: 0, stoppedBy: 'budget' });
    const trials = store.trials('roofline-bert');
    expect(trials).toHaveLength(6);
    for (const trial of trials) {
      expect(trial.error, `trial ${trial.index}`).toBeUndefined();
      expect(trial.evaluation).toMatchObject({ evaluator: 'roofline', evaluatorVersion: evaluator.version, fidelity: 'analytical' });
      expect(trial.evaluation?.layers).toHaveLength(workload.layers.length);
    }
    expect(summary.best?.evaluation.edp).toBeGreaterThan(0);
    expect(summary.best?.evaluation.edp).toBe(Math.min(...trials.map((t) => t.evaluation?.edp ?? Infinity)));

    // An optimistic bound: never above the analytical fidelity, which counts every level's accesses.
    const analytical = await registry.evaluator('analytical');
    const detailed = await firstValueFrom(analytical.evaluate(trials.map((t) => t.point), workload).pipe(toArray()));
    detailed.forEach((result, i) => {
      if (!result.ok) throw new Error(result.error);
      const bound = trials[i].evaluation;
      result.evaluation.layers.forEach((layer, l) => {
        expect(bound?.layers[l].cycles, `trial ${i} layer ${l} cycles`).toBeLessThanOrEqual(layer.cycles);
        expect(bound?.layers[l].energy, `trial ${i} layer ${l} energy`).toBeLessThanOrEqual(layer.energy);
      });
    });
    store.close();
  }, 60_000);

  it('validates evaluator options through the registry with the factory schema', async () => {
    const registry = new PluginRegistry({ baseDir: configDir });
    registry.add(PACKAGE_DIR);
    const tuned = await registry.evaluator('roofline', { options: { dramWordsPerCycle: 16 } });
    expect(tuned.version).toBe('roofline-1.0.0;mac=0.5608;dram=100;bw=16');
    await expect(registry.evaluator('roofline', { options: { dramWordsPerCycle: 0 } })).rejects.toThrow(PluginOptionsError);
    await expect(registry.evaluator('roofline', { options: { bandwith: 16 } })).rejects.toThrow(/unrecognized key|bandwith/i);
  });
});
