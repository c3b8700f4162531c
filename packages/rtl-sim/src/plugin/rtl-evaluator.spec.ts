import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DesignPoint, type EvaluationResult, type Workload, hashDesignPoint, layerMacs, makeLayer, parseMapping } from '@polaris/core';
import { describeEvaluatorContract } from '@polaris/core/testing';
import { firstValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SimulationPool, type SimulationJob } from '../runner/simulation-pool.js';
import { hasVerilator } from '../runner/toolchain.js';
import { buildSimulator } from '../runner/verilator-build.js';
import { prepareLayerRun, writeLayerRunFiles } from './layer-program.js';
import { RtlEvaluator } from './rtl-evaluator.js';
import { TIMELOOP_ENERGY_TABLE, evaluateCoefficient } from '@polaris/core';
import { DEFAULT_RTL_OPTIONS, type RtlOptions } from './rtl-options.js';
import { rtlInvalidPoints, rtlLongRun, rtlSlowPoint, rtlTinyPoints, rtlTinyWorkload } from './rtl-test-fixture.js';
import { isAlive, waitUntil } from '../runner/process-wait.testing.js';

/**
 * The rtl evaluator on the real simulator (DIM 4, built once into the default cache). Without
 * Verilator every test here is skipped with a message saying how to install it.
 */
const VERILATOR = hasVerilator();
if (!VERILATOR) {
  console.warn('rtl-sim: verilator is not on PATH — SKIPPING the rtl evaluator tests. Install it with `bash scripts/install-system-tools.sh`.');
}

const evaluator = (options: Partial<RtlOptions> = {}, pool?: SimulationPool) =>
  new RtlEvaluator({ ...DEFAULT_RTL_OPTIONS, ...options }, { pool });
const collect = (evaluator: RtlEvaluator, points = rtlTinyPoints(), workload = rtlTinyWorkload()) =>
  firstValueFrom(evaluator.evaluate(points, workload).pipe(toArray()));
const byHash = (results: EvaluationResult[]) => new Map(results.map((r) => [r.pointHash, r]));


beforeAll(async () => {
  if (VERILATOR) await buildSimulator({ dim: 4 });
}, 600_000);

if (VERILATOR) {
  describeEvaluatorContract('rtl (DIM 4)', () => evaluator({ check: true }), () => ({
    workload: rtlTinyWorkload(), points: rtlTinyPoints(), invalidPoints: rtlInvalidPoints(),
  }), { timeoutMs: 120_000 });
} else {
  describe('Evaluator contract: rtl', () => {
    it.skip('needs verilator on PATH (bash scripts/install-system-tools.sh)', () => {});
  });
}

describe.skipIf(!VERILATOR)('RtlEvaluator', () => {
  it('checks the simulated outputs against the reference convolution and reports area', async () => {
    const results = await collect(evaluator({ check: true }));
    for (const result of results) {
      expect(result.ok, result.ok ? '' : result.error).toBe(true);
      if (!result.ok) continue;
      expect(result.evaluation).toMatchObject({ fidelity: 'rtl', evaluator: 'rtl' });
      expect(result.evaluation.area).toBeGreaterThan(0);
      result.evaluation.layers.forEach((layer, i) => expect(layer.macs).toBe(layerMacs(rtlTinyWorkload().layers[i].layer)));
    }
  }, 60_000);

  it('rejects invalid points and peDim > 64 as non-recoverable', async () => {
    const [tooBig, notPowerOfTwo] = rtlInvalidPoints();
    const results = byHash(await collect(evaluator(), [tooBig, notPowerOfTwo]));
    expect(results.get(hashDesignPoint(tooBig))).toMatchObject({ ok: false, recoverable: false, error: expect.stringMatching(/peDim = 128 is not supported by the RTL/) });
    expect(results.get(hashDesignPoint(notPowerOfTwo))).toMatchObject({ ok: false, recoverable: false, error: expect.stringMatching(/peDim = 3/) });
  }, 60_000);

  it('turns a run past the cycle cap into {ok: false, recoverable: true} while the other points succeed', async () => {
    const [a, b] = rtlTinyPoints();
    const slow = rtlSlowPoint();
    const results = byHash(await collect(evaluator({ maxCycles: 20_000 }), [a, slow, b]));
    expect(results.get(hashDesignPoint(a))?.ok).toBe(true);
    expect(results.get(hashDesignPoint(b))?.ok).toBe(true);
    expect(results.get(hashDesignPoint(slow))).toMatchObject({ ok: false, recoverable: true, error: expect.stringMatching(/cycle cap/) });
  }, 60_000);

  it('rejects a layer whose program would be huge at once, {ok: false, recoverable: false}, without generating it', async () => {
    const layer = makeLayer({ R: 1, S: 1, P: 56, Q: 56, C: 256, K: 256, N: 1 });
    const workload: Workload = { name: 'huge', layers: [{ name: 'res3_conv1x1', layer, count: 1 }] };
    const point: DesignPoint = { hardware: { peDim: 4, spKB: 16, accKB: 16 }, mappings: [parseMapping('L3[WIO] K256 C256 P56 Q56 - L2[WI] - L1[O] - L0[W]')] };
    const began = performance.now();
    const [result] = await collect(evaluator(), [point], workload);
    expect(performance.now() - began).toBeLessThan(5000);
    expect(result).toMatchObject({
      ok: false, recoverable: false,
      error: expect.stringMatching(/layer 1 "res3_conv1x1".*at least 411,041,793 instructions.*maxInstructions = 8,000,000.*Fix: /),
    });
  }, 60_000);

  it('checks every layer\'s program size before simulating any: a huge later layer fails the point with no simulator started', async () => {
    const [tiny] = rtlTinyPoints();
    const tinyWorkload = rtlTinyWorkload();
    const huge = makeLayer({ R: 1, S: 1, P: 56, Q: 56, C: 256, K: 256, N: 1 });
    const workload: Workload = { name: 'tiny-then-huge', layers: [tinyWorkload.layers[0], { name: 'huge', layer: huge, count: 1 }] };
    const point: DesignPoint = { hardware: tiny.hardware, mappings: [tiny.mappings[0], parseMapping('L3[WIO] K256 C256 P56 Q56 - L2[WI] - L1[O] - L0[W]')] };
    let spawned = 0;
    const pool = new SimulationPool({ concurrency: 2, onSpawn: () => spawned++ });
    const [result] = await collect(evaluator({}, pool), [point], workload);
    expect(result).toMatchObject({ ok: false, recoverable: false, error: expect.stringMatching(/layer 2 "huge": cannot generate its program: .*maxInstructions = 8,000,000/) });
    expect(spawned).toBe(0);
  }, 60_000);

  it('turns a run past the wall-clock timeout into {ok: false, recoverable: true}', async () => {
    const slow = rtlSlowPoint();
    const [result] = await collect(evaluator({ timeoutSeconds: 0.05 }), [slow]);
    expect(result).toMatchObject({ ok: false, recoverable: true, error: expect.stringMatching(/ran past its time limit of 50 ms and was killed.*timeoutSeconds/) });
  }, 60_000);

  it('kills the simulator and removes its files when unsubscribed', async () => {
    const spawned: { pid: number; job: SimulationJob }[] = [];
    const pool = new SimulationPool({ concurrency: 1, onSpawn: (pid, job) => spawned.push({ pid, job }) });
    const { workload, point } = rtlLongRun();
    const emitted: EvaluationResult[] = [];
    const subscription = evaluator({}, pool).evaluate([point], workload).subscribe((r) => emitted.push(r));
    expect(await waitUntil(() => spawned.length > 0, 30_000), 'simulator started').toBe(true);
    const [{ pid, job }] = spawned;
    expect(isAlive(pid)).toBe(true);
    subscription.unsubscribe();
    expect(await waitUntil(() => !isAlive(pid), 5_000), `simulator ${pid} still running after unsubscribe`).toBe(true);
    expect(existsSync(job.cwd as string), 'temp dir removed').toBe(false);
    expect(await waitUntil(() => pool.active === 0, 5_000)).toBe(true);
    expect(emitted).toEqual([]);
  }, 60_000);

  it('prices the counters: energy and accesses reconcile with a direct harness run', async () => {
    const [point] = rtlTinyPoints();
    const workload = rtlTinyWorkload();
    const [result] = await collect(evaluator(), [point], workload);
    if (!result.ok) throw new Error(result.error);
    const build = await buildSimulator({ dim: 4 });
    const pool = new SimulationPool({ concurrency: 1 });
    const hw = point.hardware;
    const e = (c: Parameters<typeof evaluateCoefficient>[0]) => evaluateCoefficient(c, hw, 'test');
    for (const [i, { layer }] of workload.layers.entries()) {
      const run = prepareLayerRun(layer, point.mappings[i], hw, { check: false });
      const dir = mkdtempSync(join(tmpdir(), 'rtl-reconcile-'));
      writeLayerRunFiles(run, dir);
      const outcome = await firstValueFrom(pool.run({ binary: build.binary, args: ['--program', 'program.hex', '--dram', 'dram.hex'], cwd: dir, timeoutMs: 60_000 }));
      if (!outcome.ok) throw new Error(outcome.error);
      const c = outcome.report.counters;
      const got = result.evaluation.layers[i];
      const [l0, l1, l2, l3] = got.accesses ?? [];
      expect(got.cycles).toBe(outcome.report.cycles);
      expect(got.macs).toBe(c.macs);
      expect(l0.tensors.W?.reads).toBe(c.macs);
      expect(l1.tensors.O).toEqual({ reads: c.acc_reads * 4, fills: 0, updates: c.acc_writes * 4 });
      expect((l2.tensors.W?.reads ?? 0) + (l2.tensors.I?.reads ?? 0)).toBeCloseTo(c.sp_reads * 4, 9);
      expect((l2.tensors.W?.fills ?? 0) + (l2.tensors.I?.fills ?? 0)).toBeCloseTo(c.sp_writes * 4, 9);
      // The program's static traffic equals the counters, so the split by tensor is exact.
      expect(l2.tensors.W?.reads).toBe(run.traffic.spReadRows.W * 4);
      expect(l3.tensors.W?.reads).toBe(run.traffic.dramReadBytes.W);
      expect((l3.tensors.W?.reads ?? 0) + (l3.tensors.I?.reads ?? 0) + (l3.tensors.O?.reads ?? 0)).toBeCloseTo(c.dram_read_bytes, 9);
      expect(l3.tensors.O?.updates).toBe(c.dram_write_bytes);
      const expected = c.macs * e(TIMELOOP_ENERGY_TABLE.mac)
        + c.macs * e(TIMELOOP_ENERGY_TABLE.perWord.registers)
        + (c.acc_reads + c.acc_writes) * 4 * e(TIMELOOP_ENERGY_TABLE.perWord.accumulator)
        + (c.sp_reads + c.sp_writes) * 4 * e(TIMELOOP_ENERGY_TABLE.perWord.scratchpad)
        + (c.dram_read_bytes + c.dram_write_bytes) * e(TIMELOOP_ENERGY_TABLE.perWord.dram);
      expect(got.energy).toBeCloseTo(expected, 6);
      expect(l0.energy + l1.energy + l2.energy + l3.energy + c.macs * e(TIMELOOP_ENERGY_TABLE.mac)).toBeCloseTo(got.energy, 6);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('classifies the real harness\'s exit 1 by its answer: an unreadable input file (recoverable) vs rejected arguments (not)', async () => {
    const build = await buildSimulator({ dim: 4 });
    const pool = new SimulationPool({ concurrency: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'rtl-exit1-'));
    try {
      const missing = await firstValueFrom(pool.run({ binary: build.binary, args: ['--program', 'absent.hex', '--dram', 'absent.hex'], cwd: dir, timeoutMs: 30_000 }));
      expect(missing).toMatchObject({
        ok: false, kind: 'input-unreadable', recoverable: true,
        error: expect.stringMatching(/could not read an input file Polaris wrote for it \(exit 1, "bad-arguments: cannot read program absent\.hex"\)/),
      });
      const badFlag = await firstValueFrom(pool.run({ binary: build.binary, args: ['--bus-bytes', '0'], cwd: dir, timeoutMs: 30_000 }));
      expect(badFlag).toMatchObject({
        ok: false, kind: 'bad-arguments', recoverable: false,
        error: expect.stringMatching(/rejected its command line or input files \(exit 1, "bad-arguments: bad value for --bus-bytes"\)/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has a version that names the evaluator release and changes with the energy table', () => {
    const timeloop = evaluator();
    expect(timeloop.version).toMatch(/^0\.1\.0\+[0-9a-f]{16}$/);
    expect(evaluator({ energy: 'dosa' }).version).not.toBe(timeloop.version);
    expect(evaluator({ check: true }).version).toBe(timeloop.version);
  });
});
