import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvaluationResult } from '@polaris/core';
import { firstValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeSimulatorScript, installFakeSimulator } from '../runner/fake-simulator.testing.js';
import { isAlive, waitUntil } from '../runner/process-wait.testing.js';
import { SimulationPool } from '../runner/simulation-pool.js';
import { hasVerilator } from '../runner/toolchain.js';
import type { RtlActivity } from './rtl-activity.js';
import { RtlEvaluator } from './rtl-evaluator.js';
import { DEFAULT_RTL_OPTIONS } from './rtl-options.js';
import { rtlTinyPoints, rtlTinyWorkload } from './rtl-test-fixture.js';

/**
 * The rtl evaluator against deliberately broken simulators: shell scripts installed as the
 * cached DIM-4 simulator (with a matching build.json, so the evaluator trusts and runs them) in
 * a temp cache — real processes, no Verilator build. Skipped without verilator on PATH (the
 * cache key hashes its version).
 */
const VERILATOR = hasVerilator();
if (!VERILATOR) console.warn('rtl-sim: verilator is not on PATH — SKIPPING the rtl fault tests. Install it with `bash scripts/install-system-tools.sh`.');
const work = mkdtempSync(join(tmpdir(), 'rtl-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** One line of printable ASCII (plus the ellipsis). */
const PRINTABLE_LINE = /^[\x20-\x7e…]*$/;

/** Evaluates the first tiny point with `script` as the simulator; returns its result, the activity, and the evaluator. */
async function evaluateWith(name: string, script: string, options: { timeoutSeconds?: number; concurrency?: number } = {}) {
  const cacheDir = join(work, name);
  installFakeSimulator({ cacheDir, dim: 4, script });
  const pool = new SimulationPool({ concurrency: options.concurrency ?? 2 });
  const evaluator = new RtlEvaluator({ ...DEFAULT_RTL_OPTIONS, cacheDir, timeoutSeconds: options.timeoutSeconds ?? 30 }, { pool });
  const activity: { event: RtlActivity; status?: string }[] = [];
  const watching = evaluator.activity.subscribe((event) => activity.push({ event, status: evaluator.describeActivity() }));
  const began = Date.now();
  const [result] = await firstValueFrom(evaluator.evaluate(rtlTinyPoints().slice(0, 1), rtlTinyWorkload()).pipe(toArray()));
  const wallMs = Date.now() - began;
  watching.unsubscribe();
  return { result, activity, wallMs, evaluator, pool };
}

const failure = (result: EvaluationResult) => {
  if (result.ok) throw new Error('expected the evaluation to fail');
  return result;
};

describe.skipIf(!VERILATOR)('RtlEvaluator with a broken simulator', () => {
  it('kills a hanging simulator at the timeout: a recoverable failure naming the option, the processes gone', async () => {
    const pids = join(work, 'hang.pids');
    const { result, activity, wallMs, evaluator, pool } = await evaluateWith('hang', fakeSimulatorScript(`echo $$ >> ${pids}\nexec sleep 300`), { timeoutSeconds: 1 });
    const { error, recoverable } = failure(result);
    expect(recoverable).toBe(true);
    expect(error).toMatch(/^rtl simulation failed: layer [12] "conv(3x3|1x1)": the simulator ran past its time limit of 1 s and was killed .*rtl option timeoutSeconds \(`polaris evaluate --timeout <seconds>`\)/);
    expect(wallMs).toBeLessThan(10_000);
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started.length).toBeGreaterThan(0);
    for (const pid of started) expect(await waitUntil(() => !isAlive(pid), 2_000), `simulator ${pid} still running`).toBe(true);
    // The other layer's simulator, cancelled when the point failed, frees its slot once it has exited.
    expect(await waitUntil(() => pool.active + pool.waiting === 0, 2_000), 'pool slots freed').toBe(true);
    // While it hung, the evaluator said what it was waiting on.
    const running = activity.find(({ event }) => event.type === 'layer' && event.state === 'running');
    expect(running?.status).toMatch(/^simulating layer [12] of 2 "conv(3x3|1x1)" for 0 s.*\(limit 1 s per layer, --timeout\)/);
    expect(activity.map(({ event }) => event.type)).toEqual(expect.arrayContaining(['build-wait', 'build-end', 'layer', 'layer-end']));
    expect(evaluator.describeActivity()).toBeUndefined();
  });

  it('reports a simulator that exits 1 without the harness\'s answer as not behaving as the harness, not as rejected arguments', async () => {
    const { result } = await evaluateWith('exit1', fakeSimulatorScript('echo "wrapper: license server unreachable" >&2\nexit 1'));
    const { error, recoverable } = failure(result);
    expect(error).not.toMatch(/rejected/);
    expect(error).toMatch(/the simulator exited with code 1 without the harness's JSON answer .* is not behaving as the harness Polaris built/);
    expect(error).toMatch(/remove .*dim4-[0-9a-f]{16} so the simulator is rebuilt, then rerun; stderr "wrapper: license server unreachable"$/);
    expect(recoverable).toBe(true);
  });

  it('quotes a simulator that prints binary garbage as a bounded, escaped excerpt', async () => {
    const { result } = await evaluateWith('garbage', fakeSimulatorScript('head -c 20000 /dev/urandom\nprintf "\\033[2J\\a" >&2\nexit 0'));
    const { error, recoverable } = failure(result);
    expect(recoverable).toBe(true);
    expect(error).toMatch(PRINTABLE_LINE);
    expect(error).toMatch(/exited 0 but its output is not the harness's JSON report/);
    const stdout = /stdout "(.*?)" … (\d+) more bytes/.exec(error);
    expect(stdout, error).not.toBeNull();
    expect(stdout?.[1].length).toBeLessThanOrEqual(400);
    expect(Number(stdout?.[2])).toBeGreaterThan(19_000);
    expect(error).toMatch(/stderr "\\x1b\[2J\\x07"$/);
    expect(error.length).toBeLessThan(1200);
  });

  it('reports a crash (signal) as recoverable and removes the layer runs\' temp dirs', async () => {
    const cwds = join(work, 'segv.cwds');
    const { result } = await evaluateWith('segv', fakeSimulatorScript(`pwd >> ${cwds}\nkill -SEGV $$`));
    const { error, recoverable } = failure(result);
    expect(error).toMatch(/the simulator was killed by SIGSEGV \(a segmentation fault in the simulator\); this says nothing about the design: rerun/);
    expect(recoverable).toBe(true);
    const dirs = readFileSync(cwds, 'utf8').trim().split('\n');
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) expect(existsSync(dir), dir).toBe(false);
  });
});
