import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '@polaris/core/testing';

const BIN = fileURLToPath(new URL('../../bin/polaris.mjs', import.meta.url));

/** Runs the real `polaris` command in a child process. */
function polaris(args: string[], cwd?: string) {
  const r = execaSync(process.execPath, [BIN, ...args], { cwd, reject: false, timeout: 120_000 });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** A small model so each command takes seconds: 3 epochs, hidden 32-16, 4 latent dimensions. */
const SMALL = ['--epochs', '3', '--hidden', '32,16', '--latent-dim', '4'];

describe('polaris train and predict', () => {
  const dir = mkdtempSync(join(tmpdir(), 'polaris-train-'));
  const store = join(dir, 'data.sqlite');
  const model = join(dir, 'model');

  beforeAll(() => {
    const made = polaris(['dataset', '--fidelity', 'analytical', '--workload', 'bert', '--n', '6', '--seed', '2', '--store', store]);
    expect(made.code, made.stderr).toBe(0);
  });

  it('trains on the store\'s samples, saves Starlight and Starlight-Low, and reports what it did', () => {
    const r = polaris(['train', '--workload', 'bert', '--store', store, '--fidelity', 'analytical', '--low-samples', '16', '--seed', '3', '--out', model, ...SMALL]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('bert: 30 analytical layer samples'); // 6 points × 5 unique layers
    expect(r.stderr).toMatch(/bert: 16 design points \(16 evaluated now, 0 reused from the store, 0 failed\)/);
    expect(r.stdout).toMatch(/trained Starlight in [\d.]+ s on the (wasm|cpu|tensorflow) backend/);
    expect(r.stdout).toMatch(/Starlight-Low: 80 analytical layer samples of bert, pretrained in [\d.]+ s/);
    expect(r.stdout).toMatch(/pretraining validation error \(MAE of ln\): cycles [\d.]+ \(×[\d.]+\), energy [\d.]+/);
    expect(r.stdout).toMatch(/Starlight: 30 high-fidelity layer samples \(analytical\)/);
    expect(r.stdout).toContain('"epochs":3');
    expect(r.stdout).toMatch(/calibration on held-out layers: (\d+ rows of \d+ layers; cycles: mean .*, (σ × [\d.]+|σ = √\(\([\d.]+ σ_GP\)² \+ [\d.]+²\)); energy: .*ln EDP coverage ±1σ [\d.]+, ±2σ [\d.]+|none \(too few layers)/);
    for (const file of ['starlight.json', 'starlight.bin', 'low/starlight-low.json', 'low/starlight-low.bin']) {
      expect(existsSync(join(model, file)), file).toBe(true);
    }
    const metadata = JSON.parse(readFileSync(join(model, 'starlight.json'), 'utf8')).metadata;
    expect(metadata).toMatchObject({ kind: 'polaris/starlight', rows: 30, training: { seed: 3 } });

    // Rerun: the pretraining design points are reused from the store.
    const again = polaris(['train', '--workload', 'bert', '--store', store, '--fidelity', 'analytical', '--low-samples', '16', '--seed', '3', '--out', join(dir, 'model-again'), ...SMALL]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/bert: 16 design points \(0 evaluated now, 16 reused from the store, 0 failed\)/);
  }, 60_000);

  it('predicts a design: per layer cycles and energy ×/÷ e^σ beside the analytical answer, and the EDP with its σ', () => {
    const r = polaris(['predict', '--model', model, '--workload', 'bert', '--hw', 'peDim=16,spKB=128,accKB=32']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('hardware    16x16 PEs, 128 KiB scratchpad, 32 KiB accumulator');
    for (const layer of ['mm_0', 'mm_1', 'mm_2', 'mm_4', 'mm_5']) {
      expect(r.stdout).toMatch(new RegExp(`${layer}\\s+×\\d\\s+\\S+\\s+\\S+\\s+\\S+ ×/÷[\\d.]+\\s+\\S+ ×/÷[\\d.]+`));
    }
    expect(r.stdout).toMatch(/EDP \(µJ·cycles\): analytical [\d.e]+, starlight [\d.e]+ ×\/÷[\d.]+ \(σ of ln EDP [\d.]+\)/);

    const json = polaris(['predict', '--model', model, '--workload', 'bert', '--hw', '16,128,32', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const [analytical, starlight] = JSON.parse(json.stdout) as { evaluator: string; evaluation: { edp: number; std?: number; layers: { cycles: number; std?: object }[] } }[];
    expect(analytical.evaluator).toBe('analytical');
    expect(starlight.evaluator).toBe('starlight');
    expect(starlight.evaluation.std).toBeGreaterThanOrEqual(0);
    expect(starlight.evaluation.layers).toHaveLength(5);
    for (const layer of starlight.evaluation.layers) expect(layer.std).toMatchObject({ logCycles: expect.any(Number), logEnergy: expect.any(Number) });
    // Trained on the analytical model's own answers: Starlight reproduces it closely.
    expect(Math.abs(Math.log(starlight.evaluation.edp / analytical.evaluation.edp))).toBeLessThan(0.5);

    // The same through `polaris evaluate`, with the full design reports.
    const evaluated = polaris(['evaluate', '--workload', 'bert', '--fidelity', 'analytical,starlight', '--model', model]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/fidelity    surrogate \(starlight model-[0-9a-f]{16}\+analytical@/);
    expect(evaluated.stdout).toMatch(/σ\(ln EDP\)\s+[\d.]+ \(EDP ×\/÷[\d.]+\)/);
  }, 60_000);

  it('searches with the starlight evaluator from a run config', () => {
    const config = join(dir, 'run.yaml');
    writeFileSync(config, ['name: starlight-bert', 'seed: 1', 'workload: bert', `evaluator: {id: starlight, options: {model: ${JSON.stringify(model)}}}`,
      'budget: {trials: 4, batch: 2}', 'store: runs.sqlite', 'output: out.json', ''].join('\n'));
    const r = polaris(['run', config, '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('evaluator starlight (surrogate fidelity)');
    const result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(JSON.stringify(result)).toContain('"starlight"');
  }, 60_000);

  it('transfers a saved Starlight-Low (--low) to measured FireSim data (--csv)', () => {
    const lines = readFileSync(join(SHARED_DATA, 'dosa/firesim/firesim_results.csv'), 'utf8').split('\n');
    const csv = join(dir, 'firesim-head.csv');
    writeFileSync(csv, `${lines.slice(0, 41).join('\n')}\n`);
    const out = join(dir, 'firesim-model');
    const r = polaris(['train', '--csv', csv, '--low', join(model, 'low'), '--out', out, '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/firesim-head\.csv: 40 layer samples, 0 rows skipped/);
    expect(r.stdout).toContain(`Starlight-Low: reused ${join(model, 'low')}`);
    expect(r.stdout).toMatch(/Starlight: 40 high-fidelity layer samples \(FireSim CSV /);
    expect(existsSync(join(out, 'starlight.json'))).toBe(true);
    expect(existsSync(join(out, 'low'))).toBe(false); // nothing pretrained
  }, 60_000);

  it('says which polaris dataset command makes missing high-fidelity samples, and which option names a missing model', () => {
    const r = polaris(['train', '--workload', 'bert', '--store', store, '--fidelity', 'rtl', '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`holds no rtl samples of bert; make them with \`polaris dataset --fidelity rtl --workload bert --n 50 --store ${store}\``);
    expect(existsSync(join(dir, 'never'))).toBe(false);
    const noStore = polaris(['train', '--store', join(dir, 'absent.sqlite'), '--out', join(dir, 'never')]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toMatch(/absent\.sqlite does not exist; make high-fidelity samples with `polaris dataset --fidelity rtl/);
    const bad = polaris(['train', '--fidelity', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--fidelity fast: expected one of rtl, analytical');
    const noModel = polaris(['evaluate', '--workload', 'bert', '--fidelity', 'analytical,starlight']);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain('--fidelity starlight needs --model <dir>');
    const missing = polaris(['predict', '--model', join(dir, 'no-model'), '--workload', 'bert']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/starlight option "model": .*no-model does not exist; train one with `polaris train/);
  }, 60_000);
});
