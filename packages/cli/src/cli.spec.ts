import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '@polaris/core/testing';

const BIN = fileURLToPath(new URL('../bin/polaris.mjs', import.meta.url));

/** Runs the real `polaris` command in a child process (not a TTY: plain progress lines). */
function polaris(args: string[], cwd = process.cwd()) {
  const r = execaSync(process.execPath, [BIN, ...args], { cwd, reject: false, timeout: 120_000 });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'polaris-cli-'));
}

function writeConfig(dir: string, trials: number, extra = ''): string {
  const path = join(dir, 'run.yaml');
  writeFileSync(path, `name: bert-test\nseed: 3\nworkload: bert\nbudget: {trials: ${trials}, batch: 4}\n` +
    `store: runs.sqlite\noutput: out/{name}-{seed}.json\n${extra}`);
  return path;
}

describe('polaris CLI', () => {
  it('resolves a relative --plugin path against the current directory', () => {
    const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
    const r = polaris(['plugins', '--plugin', './plugins/roofline'], repoRoot);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/roofline\s+evaluator\s+roofline\s+ready/);
  });

  it('lists workloads and plugins with availability', () => {
    const w = polaris(['workloads']);
    expect(w.code).toBe(0);
    for (const name of ['resnet50', 'bert', 'unet', 'retinanet']) expect(w.stdout).toContain(name);
    const p = polaris(['plugins']);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/analytical\s+evaluator,mapper\S*\s+analytical\s+ready/);
    expect(p.stdout).toMatch(/polaris\s+optimizer,model\s+\S*\brandom\b\S*,gp\s+ready/);
  });

  it('evaluates one design, mapping it when no mapping file is given', () => {
    const r = polaris(['evaluate', '--workload', 'bert', '--hw', '16,128,32', '--json']);
    expect(r.code).toBe(0);
    const [report] = JSON.parse(r.stdout);
    expect(report.evaluation.layers).toHaveLength(5);
    expect(report.evaluation.edp).toBeCloseTo(report.evaluation.energy * report.evaluation.cycles, -3);
  });

  it('prints two fidelities side by side, one from a plugin loaded by path', () => {
    const roofline = fileURLToPath(new URL('../../../plugins/roofline', import.meta.url));
    const r = polaris(['evaluate', '--workload', 'bert', '--fidelity', 'analytical,roofline', '--plugin', roofline]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('side by side (ratios to analytical)');
    // The roofline is an optimistic bound: its network cycles are at most the analytical model's.
    const network = r.stdout.split('\n').find((line) => /^\s+network/.test(line)) ?? '';
    const cycleRatio = Number(/(\d+\.\d+)×/.exec(network)?.[1]);
    expect(cycleRatio).toBeGreaterThan(0);
    expect(cycleRatio).toBeLessThanOrEqual(1);
  });

  it('runs a search to a result file, and a rerun resumes it from the store', () => {
    const dir = tempDir();
    const config = writeConfig(dir, 8);
    const first = polaris(['run', config]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('best design');
    expect(first.stdout).toMatch(/L3\[WIO\].* - L2\[WI\].* - L1\[O\].* - L0\[W\]/);
    const result = JSON.parse(readFileSync(join(dir, 'out/bert-test-3.json'), 'utf8'));
    expect(result.summary.trials).toBe(8);
    expect(result.best.layers).toHaveLength(5);
    expect(result.best.edp).toBeGreaterThan(0);
    const again = polaris(['run', config]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('8 resumed, 0 evaluated');
    expect(JSON.parse(readFileSync(join(dir, 'out/bert-test-3.json'), 'utf8')).best).toEqual(result.best);
  });

  it('a killed run resumes where it stopped and ends as an uninterrupted run would', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, 40);
    const child = execa(process.execPath, [BIN, 'run', config], { cwd: dir, reject: false });
    child.stderr.on('data', (chunk: Buffer) => {
      if (/progress (1[0-9]|2[0-9])\/40/.test(chunk.toString())) child.kill('SIGKILL');
    });
    const killed = await child;
    expect(killed.signal, 'the run should have been killed mid-way').toBe('SIGKILL');
    const resumed = polaris(['run', config]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming: \d+ of 40 trials/);
    const reference = tempDir();
    const uninterrupted = polaris(['run', writeConfig(reference, 40)]);
    const best = (d: string) => JSON.parse(readFileSync(join(d, 'out/bert-test-3.json'), 'utf8')).best;
    expect(uninterrupted.code).toBe(0);
    expect(best(dir)).toEqual(best(reference));
  });

  it('scores a DOSA-format CSV and writes our figures beside its targets', () => {
    const dir = tempDir();
    const lines = readFileSync(join(SHARED_DATA, 'dosa/timeloop/timeloop_dataset_sample.csv'), 'utf8').split(/\r?\n/);
    const csv = join(dir, 'mine.csv');
    writeFileSync(csv, lines.slice(0, 51).join('\n'));
    const r = polaris(['evaluate', '--csv', csv]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('50 of 50 rows scored');
    expect(r.stdout).toMatch(/100% equal target\.cycle exactly/);
    const out = readFileSync(join(dir, 'mine.polaris.csv'), 'utf8').trim().split('\n');
    expect(out[0]).toMatch(/,polaris\.cycle,polaris\.energy,polaris\.error$/);
    expect(out).toHaveLength(51);
  });

  describe('bad input gets one clear message, a non-zero exit, and no stack trace unless --verbose', () => {
    const expectClean = (r: ReturnType<typeof polaris>, message: RegExp) => {
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    };

    it('malformed YAML and unknown keys', () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'a.yaml'), 'workload: bert\n  budget: [\n');
      expectClean(polaris(['run', join(dir, 'a.yaml')]), /a\.yaml[\s\S]*line \d+, column \d+/);
      writeFileSync(join(dir, 'b.yaml'), 'workload: bert\noptimiser: random\n');
      expectClean(polaris(['run', join(dir, 'b.yaml')]), /did you mean "optimizer"/);
    });

    it('unknown workload and plugin name the allowed values', () => {
      expectClean(polaris(['evaluate', '--workload', 'resnet-50']), /allowed: resnet50, bert, unet, retinanet/);
      const dir = tempDir();
      expectClean(polaris(['run', writeConfig(dir, 2, 'evaluator: rtlx\n')]), /unknown evaluator "rtlx"; known evaluators: "analytical"/);
    });

    it('hardware outside the template, an unparsable mapping, a mapping that does not fit', () => {
      expectClean(polaris(['evaluate', '--hw', '3,128,32']), /peDim = 3 is not a power of two; allowed: a power of two from 2 to 128/);
      const dir = tempDir();
      const layer = join(SHARED_DATA, 'dosa/workloads/resnet50/_outputs_input.2.yaml');
      writeFileSync(join(dir, 'bad.txt'), 'L3[WIO] K8 Q28 - L2[WI] N1 K4X\n');
      expectClean(polaris(['evaluate', '--workload', layer, '--mapping', join(dir, 'bad.txt')]), /has 2 levels/);
      writeFileSync(join(dir, 'big.txt'), 'L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16\n');
      expectClean(polaris(['evaluate', '--workload', layer, '--mapping', join(dir, 'big.txt')]), /accumulator.*896 words.*accKB ≥ 56/);
    });

    it('--verbose adds the stack trace', () => {
      const r = polaris(['evaluate', '--workload', 'resnet-50', '--verbose']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/\n\s+at /);
    });
  });
});
