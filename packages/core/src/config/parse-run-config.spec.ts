import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, didYouMean } from './config-error.js';
import { expandOutputPath, loadRunConfig, parseRunConfig } from './parse-run-config.js';

/** The problems of a config that must fail, as `path: message` lines. */
function problemsOf(text: string, source?: string): string[] {
  try {
    parseRunConfig(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('parseRunConfig', () => {
  it('fills every default from a one-line config', () => {
    const config = parseRunConfig('workload: resnet50', '/work/exp/quick.yaml');
    expect(config).toEqual({
      name: 'quick',
      seed: 1,
      workload: 'resnet50',
      evaluator: { id: 'analytical', options: {} },
      optimizer: [{ id: 'random', options: {} }],
      budget: { trials: 200, batch: 8 },
      space: {},
      energy: 'timeloop',
      plugins: [],
      store: '/work/exp/polaris-runs/runs.sqlite',
      output: '/work/exp/polaris-runs/{name}-{seed}.json',
      concurrency: {},
      evaluators: [],
      retries: 2,
      lock: { heartbeatSeconds: 5, expirySeconds: 30 },
    });
    expect(parseRunConfig('workload: bert').name).toBe('run');
  });

  it('reads the full example and resolves paths against the config folder', () => {
    const config = parseRunConfig(`
name: resnet50-quickstart
seed: 7
workload: ./problems/conv1.yaml
evaluator: {id: rtl, options: {timeoutSeconds: 600}}
optimizer:
  id: genetic
  options: {population: 32}
budget: {trials: 50, batch: 4, minutes: 30}
space:
  peDim: [4, 64]
  spKB: 256
energy: tables/my-energy.yaml
plugins: [./plugins/mine.js, "@acme/polaris-evaluator"]
store: /abs/runs.sqlite
output: out/{name}-{optimizer}-{seed}.json
concurrency: {analytical: 4, rtl: 2}
`, '/work/exp/config.yaml');
    expect(config.workload).toBe('/work/exp/problems/conv1.yaml');
    expect(config.optimizer).toEqual([{ id: 'genetic', options: { population: 32 } }]);
    expect(config.budget).toEqual({ trials: 50, batch: 4, minutes: 30 });
    expect(config.space).toEqual({ peDim: [4, 64], spKB: [256, 256] });
    expect(config.energy).toBe('/work/exp/tables/my-energy.yaml');
    expect(config.plugins).toEqual(['/work/exp/plugins/mine.js', '@acme/polaris-evaluator']);
    expect(config.store).toBe('/abs/runs.sqlite');
    expect(expandOutputPath(config)).toBe('/work/exp/out/resnet50-quickstart-genetic-7.json');
    expect(expandOutputPath(config, { seed: 9 })).toBe('/work/exp/out/resnet50-quickstart-genetic-9.json');
    expect(config.concurrency).toEqual({ analytical: 4, rtl: 2 });
    expect(config.evaluator).toEqual({ id: 'rtl', options: { timeoutSeconds: 600 } });
  });

  it('accepts an optimizer given by id alone and keeps :memory: stores', () => {
    const config = parseRunConfig('workload: unet\noptimizer: bayesian\nstore: ":memory:"');
    expect(config.optimizer).toEqual([{ id: 'bayesian', options: {} }]);
    expect(config.store).toBe(':memory:');
  });

  it('reads an optional performance model as an id or {id, options}, absent by default', () => {
    expect(parseRunConfig('workload: bert').model).toBeUndefined();
    expect(parseRunConfig('workload: bert\nmodel: dosa').model).toEqual({ id: 'dosa', options: {} });
    expect(parseRunConfig('workload: bert\nmodel: {id: starlight, options: {model: trained}}').model).toEqual({ id: 'starlight', options: { model: 'trained' } });
    expect(problemsOf('workload: bert\nmodel: {id: dosa, option: {}}')).toEqual([expect.stringMatching(/^model.*unknown key "option"/)]);
  });

  it('reports a wrong type with the key path, the value and what is allowed', () => {
    expect(problemsOf('workload: resnet50\nbudget:\n  trials: ten')).toEqual([
      'budget.trials: expected a positive integer, got "ten"; allowed: integer 1..1000000 (more with polaris run --force)',
    ]);
  });

  it('caps budget.trials at MAX_TRIALS unless forced, and applies command-line overrides', () => {
    expect(problemsOf('workload: r\nbudget:\n  trials: 1e12\n')).toEqual([
      expect.stringMatching(/^budget\.trials: 1000000000000 trials is above the cap of 1000000; allowed: integer 1\.\.1000000, or more with `polaris run --force`/),
    ]);
    expect(parseRunConfig('workload: r\nbudget: {trials: 1e12}', undefined, { force: true }).budget.trials).toBe(1e12);
    expect(parseRunConfig('workload: r\nbudget: {trials: 1e12}', undefined, { trials: 5, seed: 9 })).toMatchObject({ seed: 9, budget: { trials: 5 } });
    expect(() => parseRunConfig('workload: r', undefined, { trials: 2e6 })).toThrow(/--trials: 2000000 trials is above the cap/);
    expect(() => parseRunConfig('workload: r', undefined, { trials: 0 })).toThrow(/--trials: expected a positive integer, got 0/);
  });

  it('reads retries and the run lock timing, and rejects an expiry shorter than two heartbeats', () => {
    const config = parseRunConfig('workload: bert\nretries: 0\nlock: {heartbeatSeconds: 1, expirySeconds: 3}\n', '/x/c.yaml');
    expect(config.retries).toBe(0);
    expect(config.lock).toEqual({ heartbeatSeconds: 1, expirySeconds: 3 });
    expect(() => parseRunConfig('workload: bert\nlock: {heartbeatSeconds: 10, expirySeconds: 15}\n', '/x/c.yaml'))
      .toThrow(/lock\.expirySeconds must be at least twice lock\.heartbeatSeconds/);
    expect(() => parseRunConfig('workload: bert\nretries: -1\n', '/x/c.yaml')).toThrow(/retries.*integer 0\.\.100/);
  });

  it('reads evaluation budgets per fidelity and names the fidelities for an unknown one', () => {
    expect(parseRunConfig('workload: bert\nbudget: {trials: 50, evaluations: {rtl: 10}}\n', '/x/c.yaml').budget)
      .toEqual({ trials: 50, batch: 8, evaluations: { rtl: 10 } });
    expect(problemsOf('workload: bert\nbudget: {evaluations: {rtl: 5, starlight: 3}}')).toEqual([
      expect.stringMatching(/^budget\.evaluations\.starlight: unknown key "starlight"; allowed: keys analytical, surrogate, rtl/),
    ]);
  });

  it('keys concurrency by fidelity and names the fidelities for another key', () => {
    expect(problemsOf('workload: bert\nconcurrency: {rtl: 2, starlight: 2}')).toEqual([
      expect.stringMatching(/^concurrency\.starlight: unknown key "starlight"; allowed: keys analytical, surrogate, rtl/),
    ]);
  });

  it('reads an optimizer schedule, each stage but the last with trials', () => {
    const config = parseRunConfig('workload: bert\noptimizer:\n  - {id: random, trials: 16}\n  - {id: bayesian, options: {kappa: 1}}\n', '/x/c.yaml');
    expect(config.optimizer).toEqual([{ id: 'random', options: {}, trials: 16 }, { id: 'bayesian', options: { kappa: 1 } }]);
    expect(expandOutputPath({ ...config, output: '/o/{optimizer}.json' })).toBe('/o/random-bayesian.json');
    expect(problemsOf('workload: bert\noptimizer: [random, {id: bayesian}]')).toEqual([
      expect.stringMatching(/^optimizer\[0\]\.trials.*stage 1 \(random\) of the schedule needs trials: .*only the last stage may be open/),
    ]);
    expect(problemsOf('workload: bert\noptimizer: []')).toEqual([expect.stringMatching(/^optimizer.*allowed: .*a list \[\{id: random, trials: 16\}/)]);
  });

  it('reports every problem at once, in line order, with lines', () => {
    let error: ConfigError | undefined;
    try {
      parseRunConfig('seed: -1\nworkload: resnet50\nbudget: {trials: 0, batch: 2.5}\nplugins: [3]\nconcurrency: {rtl: two}\n', 'bad.yaml');
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.problems.map((p) => [p.path, p.line])).toEqual([
      ['seed', 1], ['budget.trials', 3], ['budget.batch', 3], ['plugins[0]', 4], ['concurrency.rtl', 5],
    ]);
    expect(error?.message).toMatch(/^bad\.yaml: 5 problems\n {2}- seed \(line 1, column 1\): expected a non-negative integer, got -1; allowed: integer ≥ 0/);
    expect(error?.message).toContain('budget.batch (line 3, column 21): expected a positive integer, got 2.5; allowed: integer ≥ 1');
  });

  it('rejects unknown keys, listing the known ones and guessing the typo', () => {
    const [problem] = problemsOf('workload: resnet50\noptimiser: random');
    expect(problem).toMatch(/^optimiser: unknown key "optimiser" \(did you mean "optimizer"\?\); allowed: name, seed, workload, evaluator, optimizer, budget/);
    expect(problemsOf('workload: r\nbudget: {trails: 5}')).toEqual([
      'budget.trails: unknown key "trails" (did you mean "trials"?); allowed: trials, batch, minutes, evaluations',
    ]);
    expect(problemsOf('workload: r\nzzzzzz: 1')[0]).not.toContain('did you mean');
  });

  it('reports a missing required key', () => {
    expect(problemsOf('seed: 3')).toEqual([
      expect.stringMatching(/^workload: expected a workload, got nothing \(the key is missing\); allowed: a built-in name/),
    ]);
  });

  it('reports malformed YAML with line and column', () => {
    let error: ConfigError | undefined;
    try {
      parseRunConfig('workload: resnet50\nbudget: [1, 2\nseed: 3\n', 'broken.yaml');
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems[0]).toMatchObject({ path: '(yaml)', line: expect.any(Number), column: expect.any(Number) });
    expect(error?.message).toMatch(/^broken\.yaml: 1 problem\n {2}- \(yaml\) \(line \d+, column \d+\): .*allowed: valid YAML/);
    expect(problemsOf('workload: a\nworkload: b')[0]).toMatch(/^\(yaml\): Map keys must be unique/);
  });

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf('- 1\n- 2')).toEqual(['(root): expected a mapping of settings, got a list of 2; allowed: a YAML mapping with at least `workload:`']);
  });

  it('checks space ranges against the hardware template', () => {
    const problems = problemsOf('workload: r\nspace:\n  peDim: [1, 256]\n  spKB: [64, 8]\n  accKB: [3, 3]\n');
    expect(problems).toEqual([
      "space.peDim: [1, 256] leaves the template's range 2..128; allowed: [min, max] (or one number) within 2..128, powers of two",
      'space.spKB: min 64 is greater than max 8; allowed: [min, max] (or one number) within 1..2048',
    ]);
    expect(problemsOf('workload: r\nspace: {peDim: [5, 7]}')[0]).toContain('contains no power of two');
    expect(problemsOf('workload: r\nspace: {peDim: [4, x]}')[0]).toBe(
      'space.peDim[1]: expected a positive number, got "x"; allowed: [min, max] (or one number) within 2..128, powers of two',
    );
  });

  it('checks names and output placeholders', () => {
    expect(problemsOf('workload: r\nname: "my run"')[0]).toMatch(/^name: expected a run name, got "my run" .*allowed: letters, digits/);
    expect(problemsOf('workload: r\noutput: "runs/{nam}.json"')[0]).toBe(
      'output: unknown placeholder {nam} in "runs/{nam}.json"; allowed: {name} {seed} {workload} {optimizer} {evaluator}',
    );
  });
});

describe('loadRunConfig', () => {
  it('loads a file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'polaris-config-'));
    const good = join(dir, 'study.yaml');
    writeFileSync(good, 'workload: ../nets/resnet.yaml\n');
    expect(() => loadRunConfig(good)).toThrow(/workload \(line 1, column 1\): no file or folder at .*resnet\.yaml; allowed: resnet50/);
    const config = loadRunConfig(good, { checkFiles: false });
    expect(config.name).toBe('study');
    expect(config.workload).toBe(join(dir, '..', 'nets', 'resnet.yaml'));
    writeFileSync(join(dir, 'energy.yaml'), 'workload: bert\nenergy: tables/mine.yaml\n');
    expect(() => loadRunConfig(join(dir, 'energy.yaml'))).toThrow(/energy \(line 2, column 1\): no energy table file at .*tables\/mine\.yaml; allowed: timeloop \| dosa \| a path/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'workload: r\nbudget: {trials: -3}\n');
    expect(() => loadRunConfig(bad)).toThrow(`${bad}: 1 problem`);
    expect(() => loadRunConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read .*missing\.yaml: file not found/);
  });
});

describe('didYouMean', () => {
  it('suggests only close keys', () => {
    expect(didYouMean('optimiser', ['optimizer', 'output'])).toBe('optimizer');
    expect(didYouMean('Seed', ['seed'])).toBe('seed');
    expect(didYouMean('banana', ['seed', 'store'])).toBeUndefined();
  });
});
