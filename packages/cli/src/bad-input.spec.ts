/**
 * Every bad input a new user is likely to try, run through the real `polaris` command in a child
 * process: each must exit with the documented code (2 usage error, 1 runtime failure; see
 * commands/exit-codes.ts), print one message that names the problem and the fix, and never a
 * stack trace or a raw Node error. The children run in parallel (a few at a time) in `beforeAll`;
 * each row then checks its own result.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '@polaris/core/testing';

const BIN = fileURLToPath(new URL('../bin/polaris.mjs', import.meta.url));
const THROWING_PLUGIN = fileURLToPath(new URL('../../core/src/plugin/fixtures/throws-on-load', import.meta.url));
const ROOFLINE = fileURLToPath(new URL('../../../plugins/roofline', import.meta.url));
const TRAINED_MODEL_PLUGIN = fileURLToPath(new URL('./fixtures/trained-model', import.meta.url));
const RESNET_CONV1 = join(SHARED_DATA, 'dosa/workloads/resnet50/_outputs_input.2.yaml');

/** One bad input: the arguments, the exit code and what stderr (or stdout) must say. */
interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly code: number;
  readonly stderr?: RegExp;
  readonly stdout?: RegExp;
}

const run = (file: string, ...rest: string[]) => ['run', file, '--quiet', ...rest];
const evaluate = (...rest: string[]) => ['evaluate', '--workload', 'bert', ...rest];

const CASES: readonly Case[] = [
  // The list.
  { name: '--trials 0 on the command line', args: run('ok.yaml', '--trials', '0'), code: 2, stderr: /--trials must be an integer ≥ 1, got "0"/ },
  { name: 'trials: 1e12 in the config', args: run('huge-budget.yaml'), code: 2,
    stderr: /budget\.trials \(line 3, column \d+\): 1000000000000 trials is above the cap of 1000000; .*`polaris run --force`/ },
  { name: '--trials above the cap', args: run('ok.yaml', '--trials', '2000000'), code: 2, stderr: /--trials: 2000000 trials is above the cap of 1000000; .*--force/ },
  { name: '--hw with fractional KiB', args: evaluate('--hw', '8,64.5,16'), code: 2,
    stderr: /--hw 8,64\.5,16: spKB = 64\.5 is not a whole number of KiB; allowed: an integer from 1 to 2048/ },
  { name: 'a layer with C = 1e9', args: evaluate('--workload', 'huge-layer.yaml'), code: 2,
    stderr: /huge-layer\.yaml: problem\.C = 1000000000 is above the limit 1048576 \(2\^20\); allowed: a positive integer ≤ 1048576/ },
  { name: 'a DOSA CSV row with C = 1e9', args: ['evaluate', '--csv', 'huge-layer.csv'], code: 2,
    stderr: /huge-layer\.csv row 2: layer field C = 1000000000 is above the limit 1048576/ },
  { name: 'a CSV with only a header', args: ['evaluate', '--csv', 'header-only.csv'], code: 2, stderr: /header-only\.csv has a header but no rows/ },
  { name: 'a corrupted starlight.json', args: ['predict', '--model', 'bad-model', '--workload', 'bert'], code: 2,
    stderr: /bad-model\/starlight\.json is corrupt \(not JSON: .*\); retrain it with `polaris train --out .*bad-model`/ },
  { name: 'a corrupted starlight-low.json (train --low)', args: ['train', '--low', 'bad-model/low', '--csv', 'firesim.csv'], code: 2,
    stderr: /bad-model\/low\/starlight-low\.json is corrupt \(not JSON: .*\); retrain it with `polaris train --out .*bad-model`/ },
  { name: '--energy foo', args: evaluate('--energy', 'foo'), code: 2,
    stderr: /--energy: "foo" is not a built-in energy table and no such file \(.*foo\); allowed: timeloop \| dosa \| a path to a YAML energy table file/ },
  { name: 'a missing --mapping file', args: evaluate('--mapping', 'nope.txt'), code: 2,
    stderr: /--mapping: no such file \(.*nope\.txt\); expected a text file with one mapping string per unique layer/ },
  { name: 'a missing --csv file', args: ['evaluate', '--csv', 'nope.csv'], code: 2, stderr: /--csv: no such file \(.*nope\.csv\); expected a CSV in DOSA's format/ },
  { name: 'a missing energy: file in a config', args: run('missing-energy.yaml'), code: 2,
    stderr: /energy \(line 2, column 1\): no energy table file at .*mine\.yaml; allowed: timeloop \| dosa \| a path to a YAML energy table file/ },
  { name: 'a mapping file with the wrong count', args: evaluate('--mapping', 'one-mapping.txt'), code: 2,
    stderr: /--mapping one-mapping\.txt holds 1 mappings but workload bert has 5 unique layers; .*`polaris workloads <workload>`/ },
  { name: 'a plugin that throws on load', args: ['plugins', '--plugin', THROWING_PLUGIN], code: 0,
    stdout: /throws-on-load\s+evaluator\s+throws-on-load\s+unavailable[\s\S]*throws-on-load: unavailable: .*broken on purpose\. Fix: fix the error in/ },
  // Commander's own errors and the help.
  { name: 'an unknown option', args: run('ok.yaml', '--bogus'), code: 2, stderr: /unknown option '--bogus'/ },
  { name: 'a missing argument', args: ['run'], code: 2, stderr: /missing required argument 'config'/ },
  { name: 'an unknown command', args: ['frobnicate'], code: 2, stderr: /unknown command 'frobnicate'/ },
  { name: 'too many arguments', args: ['workloads', 'a', 'b'], code: 2, stderr: /too many arguments for 'workloads'/ },
  { name: 'an option without its value', args: ['evaluate', '--hw'], code: 2, stderr: /option '--hw <peDim,spKB,accKB>' argument missing/ },
  { name: 'a negative --seed', args: evaluate('--seed', '-1'), code: 2, stderr: /--seed must be a non-negative integer, got "-1"/ },
  { name: 'dataset --n 0', args: ['dataset', '--fidelity', 'analytical', '--n', '0'], code: 2, stderr: /--n must be an integer ≥ 1, got "0"/ },
  { name: 'no command', args: [], code: 2, stderr: /Usage: polaris[\s\S]*Exit codes:/ },
  { name: '--help documents the exit codes', args: ['--help'], code: 0, stdout: /Exit codes:\n\s+0\s+done\n\s+1\s+runtime failure[\s\S]*2\s+usage error[\s\S]*130/ },
  // Run configs.
  { name: 'malformed YAML', args: run('malformed.yaml'), code: 2, stderr: /malformed\.yaml: \d problems?\n\s+- \(yaml\) \(line \d+, column \d+\): .*allowed: valid YAML/ },
  { name: 'an unknown key', args: run('unknown-key.yaml'), code: 2, stderr: /optimiser \(line 2, column 1\): unknown key "optimiser" \(did you mean "optimizer"\?\)/ },
  { name: 'a wrong type', args: run('wrong-type.yaml'), code: 2, stderr: /budget\.trials \(line 2, column \d+\): expected a positive integer, got "ten"/ },
  { name: 'a negative batch', args: run('negative-batch.yaml'), code: 2, stderr: /budget\.batch \(line 2, column \d+\): expected a positive integer, got -4; allowed: integer ≥ 1/ },
  { name: 'a missing workload file in a config', args: run('missing-workload.yaml'), code: 2,
    stderr: /workload \(line 1, column 1\): no file or folder at .*missing\.yaml; allowed: resnet50, bert, unet, retinanet/ },
  { name: 'a missing config file', args: run('nope.yaml'), code: 2, stderr: /cannot read .*nope\.yaml: file not found; allowed: a readable YAML file/ },
  { name: 'a space outside the template', args: run('bad-space.yaml'), code: 2, stderr: /space\.peDim \(line 2, column \d+\): \[1, 256\] leaves the template's range 2\.\.128/ },
  { name: 'a missing plugin path in a config', args: run('missing-plugin.yaml'), code: 2, stderr: /plugin path ".*nope-plugin" does not exist; allowed: a plugin package folder/ },
  { name: 'invalid evaluator options', args: run('bad-options.yaml'), code: 2, stderr: /evaluator "analytical" has invalid options:\n\s+options: unknown option "colour"; analytical takes energy/ },
  { name: 'an unknown optimizer option', args: run('unknown-optimizer-option.yaml'), code: 2, stderr: /unknown option "maxHardwareDrawz"; random takes maxHardwareDraws/ },
  { name: 'a schedule stage without trials before the last', args: run('schedule-open-stage.yaml'), code: 2, stderr: /stage 1 \(random\) of the schedule needs trials:/ },
  { name: 'gradient search on an evaluator without a differentiable model', args: run('gradient-no-model.yaml'), code: 2, stderr: /optimizer gradient differentiates a model of the run's evaluator, and evaluator roofline has none \(differentiable models: analytical\)/ },
  { name: 'an unknown evaluator in a config', args: run('unknown-evaluator.yaml'), code: 2, stderr: /unknown evaluator "rtlx"; known evaluators: "analytical"/ },
  { name: 'an unknown model in a config', args: run('unknown-model.yaml'), code: 2, stderr: /unknown model "dosaa"; known models: .*"dosa".*"gp"/ },
  { name: 'a model no optimizer of the run uses', args: run('unused-model.yaml'), code: 2,
    stderr: /model: dosa is used by no optimizer of this run \(random\); remove model:, or use an optimizer that takes one \(bayesian\)/ },
  { name: 'a model that needs a trained directory, given none', args: run('model-without-dir.yaml'), code: 2,
    stderr: /model trained needs a trained model directory: set model: \{id: trained, options: \{dir: <dir>\}\} to a folder written by `polaris train --out <dir>`/ },
  { name: 'a trained model directory that does not exist', args: run('model-dir-missing.yaml'), code: 2,
    stderr: /model\.options\.dir: .*no-model does not exist; train one with `polaris train --out .*no-model`/ },
  { name: 'a starlight model directory that does not exist', args: run('starlight-model-missing.yaml'), code: 2,
    stderr: /no-model\/starlight\.json is missing .*; retrain it with `polaris train --out .*no-model`/ },
  // Evaluate and its input files.
  { name: 'an unknown workload', args: evaluate('--workload', 'resnet-50'), code: 2, stderr: /unknown workload "resnet-50".*allowed: resnet50, bert, unet, retinanet/ },
  { name: 'a folder without problem files', args: evaluate('--workload', 'empty-folder'), code: 2, stderr: /empty-folder: the folder holds no Timeloop problem YAML files/ },
  { name: '--hw not a power of two', args: evaluate('--hw', '3,128,32'), code: 2, stderr: /peDim = 3 is not a power of two; allowed: a power of two from 2 to 128/ },
  { name: '--hw with two numbers', args: evaluate('--hw', '16,128'), code: 2, stderr: /--hw 16,128: .*must be three numbers peDim,spKB,accKB \(e\.g\. 16,128,32\)/ },
  { name: 'an invalid energy table file', args: evaluate('--energy', 'bad-energy.yaml'), code: 2, stderr: /bad-energy\.yaml is not a valid energy table: mac: .*expected \{mac, perWord/ },
  { name: 'an unparsable mapping line', args: ['evaluate', '--workload', RESNET_CONV1, '--mapping', 'two-levels.txt'], code: 2,
    stderr: /two-levels\.txt, mapping 1 \(layer "_outputs_input\.2"\): .*has 2 levels/ },
  { name: 'a mapping line that breaks capacity (the evaluator rejects it)', args: ['evaluate', '--workload', RESNET_CONV1, '--mapping', 'too-big.txt'], code: 1,
    stderr: /accumulator.*896 words.*accKB ≥ 56/ },
  { name: 'an unknown fidelity', args: evaluate('--fidelity', 'nope'), code: 2, stderr: /unknown evaluator "nope"; known evaluators: "analytical"/ },
  { name: 'starlight without --model', args: evaluate('--fidelity', 'starlight'), code: 2, stderr: /--fidelity starlight needs --model <dir>/ },
  { name: 'a missing --model directory', args: ['predict', '--model', 'no-model', '--workload', 'bert'], code: 2,
    stderr: /no-model does not exist; train one with `polaris train --out .*no-model`/ },
  { name: 'dataset with an unknown fidelity', args: ['dataset', '--fidelity', 'foo', '--n', '3'], code: 2, stderr: /--fidelity foo: expected one of analytical, rtl/ },
];

/** Writes every file the cases name into a fresh folder; returns it. */
function writeFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'polaris-bad-input-'));
  const file = (name: string, text: string) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  };
  const config = (extra: string) => `${extra}store: ":memory:"\noutput: out.json\n`;
  file('ok.yaml', config('workload: bert\nbudget: {trials: 2, batch: 2}\n'));
  file('huge-budget.yaml', config('workload: bert\nbudget:\n  trials: 1e12\n'));
  file('missing-energy.yaml', config('workload: bert\nenergy: tables/mine.yaml\n'));
  file('malformed.yaml', 'workload: bert\n  budget: [\n');
  file('unknown-key.yaml', 'workload: bert\noptimiser: random\n');
  file('wrong-type.yaml', 'workload: bert\nbudget: {trials: ten}\n');
  file('negative-batch.yaml', 'workload: bert\nbudget: {batch: -4}\n');
  file('missing-workload.yaml', 'workload: ./nets/missing.yaml\n');
  file('bad-space.yaml', 'workload: bert\nspace: {peDim: [1, 256]}\n');
  file('missing-plugin.yaml', 'workload: bert\nplugins: [./nope-plugin]\n');
  file('bad-options.yaml', config('workload: bert\nevaluator: {id: analytical, options: {colour: red}}\n'));
  file('unknown-evaluator.yaml', config('workload: bert\nevaluator: rtlx\n'));
  file('gradient-no-model.yaml', config(`workload: bert\nevaluator: roofline\nplugins: [${ROOFLINE}]\noptimizer: gradient\n`));
  file('schedule-open-stage.yaml', config('workload: bert\noptimizer: [random, bayesian]\n'));
  file('unknown-model.yaml', config('workload: bert\noptimizer: bayesian\nmodel: dosaa\n'));
  file('unused-model.yaml', config('workload: bert\nmodel: dosa\n'));
  file('model-without-dir.yaml', config(`workload: bert\nplugins: [${TRAINED_MODEL_PLUGIN}]\noptimizer: bayesian\nmodel: trained\n`));
  file('model-dir-missing.yaml', config(`workload: bert\nplugins: [${TRAINED_MODEL_PLUGIN}]\noptimizer: bayesian\nmodel: {id: trained, options: {dir: no-model}}\n`));
  file('starlight-model-missing.yaml', config('workload: bert\noptimizer: bayesian\nmodel: {id: starlight, options: {model: no-model}}\n'));
  file('unknown-optimizer-option.yaml', config('workload: bert\noptimizer: {id: random, options: {maxHardwareDrawz: 3}}\n'));
  file('huge-layer.yaml', 'problem: {C: 1000000000, K: 4, P: 5, Q: 5, R: 3, S: 3, shape: cnn-layer}\n');
  file('empty-folder/readme.yaml', 'note: not a problem file\n');
  file('bad-energy.yaml', 'mac: -1\n');
  file('one-mapping.txt', 'L3[WIO] K8 - L2[WI] N1 - L1[O] N1 - L0[W] N1\n');
  file('two-levels.txt', 'L3[WIO] K8 Q28 - L2[WI] N1 K4X\n');
  file('too-big.txt', 'L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16\n');
  file('bad-model/starlight.json', '{"metadata": {"kind": "polaris/starl');
  file('bad-model/starlight.bin', 'x');
  file('bad-model/low/starlight-low.json', '{"metadata": ');
  file('bad-model/low/starlight-low.bin', 'x');
  const timeloop = readFileSync(join(SHARED_DATA, 'dosa/timeloop/timeloop_dataset_sample.csv'), 'utf8').split(/\r?\n/);
  file('header-only.csv', `${timeloop[0]}\n`);
  const column = timeloop[0].split(',').indexOf('prob.C');
  const row = timeloop[1].split(',').map((cell, i) => (i === column ? '1000000000' : cell));
  file('huge-layer.csv', `${timeloop[0]}\n${row.join(',')}\n`);
  file('firesim.csv', readFileSync(join(SHARED_DATA, 'dosa/firesim/firesim_results.csv'), 'utf8').split(/\r?\n/).slice(0, 6).join('\n'));
  return dir;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

describe('bad input: one clear message, the documented exit code, no stack trace', () => {
  const results = new Map<string, { code: number | undefined; stdout: string; stderr: string }>();

  beforeAll(async () => {
    const dir = writeFixtures();
    const outcomes = await pool(CASES.map((c) => async () => {
      const r = await execa(process.execPath, [BIN, ...c.args], { cwd: dir, reject: false, timeout: 90_000, env: { NO_COLOR: '1' } });
      return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
    }), Math.max(2, Math.min(4, availableParallelism())));
    CASES.forEach((c, i) => results.set(c.name, outcomes[i]));
  }, 180_000);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = results.get(c.name)!;
    const context = `polaris ${c.args.join(' ')}\nstdout: ${r.stdout.slice(0, 600)}\nstderr: ${r.stderr.slice(0, 1200)}`;
    expect(r.code, context).toBe(c.code);
    if (c.stderr) expect(r.stderr, context).toMatch(c.stderr);
    if (c.stdout) expect(r.stdout, context).toMatch(c.stdout);
    expect(r.stderr, context).not.toMatch(/\n\s+at /);
    expect(r.stderr, context).not.toMatch(/\bE[A-Z]{3,}: |SyntaxError|TypeError|ReferenceError/);
  });
});
