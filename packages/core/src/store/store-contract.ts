import { afterEach, describe, expect, it } from 'vitest';
import type { EvaluationKey, Store, TrialRecord } from '../contracts/store.js';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import type { Evaluation } from '../domain/evaluation.js';
import { parseMapping } from '../domain/mapping.js';
import { cycles, energyDelayProduct, milliseconds, picoJoules } from '../domain/units.js';

/**
 * A store under test: a fresh, empty store, and (for persistent stores) a way to open the
 * same data again after `store.close()`, to check resume.
 */
export interface StoreHarness {
  readonly store: Store;
  /** Reopens the same storage after the first store was closed. */
  readonly reopen?: () => Store;
  /** Removes what the harness created (files, folders). */
  readonly cleanup?: () => void;
}

/** A small design point with two layers' mappings (text form from DESIGN.md). */
export function sampleDesignPoint(peDim = 16): DesignPoint {
  return {
    hardware: { peDim, spKB: 128, accKB: 32 },
    mappings: [
      parseMapping('L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16'),
      parseMapping('L3[WIO] C4 - L2[WI] K16X - L1[O] C16X - L0[W] P7 Q7'),
    ],
  };
}

/** An analytical evaluation of {@link sampleDesignPoint}, with per-layer access counts. */
export function sampleEvaluation(scale = 1, version = '1.0.0'): Evaluation {
  const layer = (c: number, e: number) => ({
    cycles: cycles(c * scale),
    energy: picoJoules(e * scale),
    macs: 118_013_952,
    accesses: [
      { level: 0, instances: 256, tensors: { W: { reads: 118_013_952, fills: 9408, updates: 0 } }, energy: picoJoules(5.7e7), cycles: cycles(c) },
      { level: 3, instances: 1, tensors: { W: { reads: 9408, fills: 0, updates: 0 }, O: { reads: 0, fills: 0, updates: 802_816 } }, energy: picoJoules(8.1e7), cycles: cycles(c / 2) },
    ],
  });
  const layers = [layer(1_234_567, 2.5e8), layer(98_765, 1.25e7)];
  const totalCycles = cycles(layers[0].cycles + 3 * layers[1].cycles);
  const totalEnergy = picoJoules(layers[0].energy + 3 * layers[1].energy);
  return {
    fidelity: 'analytical', evaluator: 'analytical', evaluatorVersion: version, layers,
    cycles: totalCycles, energy: totalEnergy, edp: energyDelayProduct(totalEnergy, totalCycles), cost: milliseconds(0.25),
  };
}

function keyOf(point: DesignPoint, version = '1.0.0', workloadHash = 'w0'): EvaluationKey {
  return { fidelity: 'analytical', pointHash: hashDesignPoint(point), evaluator: 'analytical', evaluatorVersion: version, workloadHash };
}

function trialOf(runId: string, index: number, point: DesignPoint, evaluation?: Evaluation): TrialRecord {
  return evaluation
    ? { runId, index, pointHash: hashDesignPoint(point), point, evaluation }
    : { runId, index, pointHash: hashDesignPoint(point), point, error: `layer ${index} does not fit` };
}

/**
 * The behaviour every {@link Store} must have. Call inside a spec file:
 * `describeStoreContract('SqliteStore', () => ({ store: new SqliteStore(path), reopen: … }))`.
 */
export function describeStoreContract(name: string, makeHarness: () => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness | undefined;
    const open = (): Store => {
      harness = makeHarness();
      return harness.store;
    };
    afterEach(() => {
      try {
        harness?.store.close();
      } catch {
        // already closed by the test
      }
      harness?.cleanup?.();
      harness = undefined;
    });

    it('returns undefined for an evaluation never stored', () => {
      expect(open().getEvaluation(keyOf(sampleDesignPoint()))).toBeUndefined();
    });

    it('stores an evaluation and reads it back equal, per-layer accesses included', () => {
      const store = open();
      const point = sampleDesignPoint();
      store.putEvaluation(keyOf(point), point, sampleEvaluation());
      expect(store.getEvaluation(keyOf(point))).toEqual(sampleEvaluation());
    });

    it('keys evaluations by fidelity, point, evaluator id and version, and workload', () => {
      const store = open();
      const point = sampleDesignPoint();
      store.putEvaluation(keyOf(point), point, sampleEvaluation());
      expect(store.getEvaluation(keyOf(point, '2.0.0'))).toBeUndefined();
      expect(store.getEvaluation(keyOf(point, '1.0.0', 'w1'))).toBeUndefined();
      expect(store.getEvaluation(keyOf(sampleDesignPoint(32)))).toBeUndefined();
      expect(store.getEvaluation({ ...keyOf(point), fidelity: 'rtl' })).toBeUndefined();
      // Another evaluator of the same fidelity that happens to use the same version string.
      expect(store.getEvaluation({ ...keyOf(point), evaluator: 'roofline' })).toBeUndefined();
    });

    it('never overwrites an evaluation: the first one stored wins', () => {
      const store = open();
      const point = sampleDesignPoint();
      store.putEvaluation(keyOf(point), point, sampleEvaluation(1));
      store.putEvaluation(keyOf(point), point, sampleEvaluation(2));
      expect(store.getEvaluation(keyOf(point))?.cycles).toBe(sampleEvaluation(1).cycles);
    });

    it('rejects an evaluation whose fidelity or version disagrees with its key', () => {
      const store = open();
      const point = sampleDesignPoint();
      expect(() => store.putEvaluation(keyOf(point, '9.9.9'), point, sampleEvaluation())).toThrow(/key says/);
    });

    it('starts, reads and finishes runs', () => {
      const store = open();
      const run = store.startRun({ id: 'r1', config: '{"name":"x"}', seed: 3 });
      expect(run).toMatchObject({ id: 'r1', config: '{"name":"x"}', seed: 3, status: 'running' });
      expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);
      expect(store.getRun('r1')).toEqual(run);
      expect(store.getRun('nope')).toBeUndefined();
      store.finishRun('r1', 'finished');
      const finished = store.getRun('r1');
      expect(finished?.status).toBe('finished');
      expect(finished?.finishedAt).toEqual(expect.any(String));
      expect(() => store.startRun({ id: 'r1', config: '{}', seed: 0 })).toThrow(/already exists/);
      expect(() => store.finishRun('nope', 'failed')).toThrow(/no such run/);
    });

    it('returns trials in index order, with evaluations or errors', () => {
      const store = open();
      store.startRun({ id: 'r', config: '{}', seed: 1 });
      const points = [sampleDesignPoint(8), sampleDesignPoint(16), sampleDesignPoint(32)];
      const written = [trialOf('r', 0, points[0], sampleEvaluation(1)), trialOf('r', 1, points[1]), trialOf('r', 2, points[2], sampleEvaluation(3))];
      for (const trial of [written[2], written[0], written[1]]) store.appendTrial(trial);
      expect(store.trials('r')).toEqual(written);
      expect(store.trials('unknown')).toEqual([]);
    });

    it('keeps trials append-only and idempotent', () => {
      const store = open();
      store.startRun({ id: 'r', config: '{}', seed: 1 });
      const trial = trialOf('r', 0, sampleDesignPoint(), sampleEvaluation());
      store.appendTrial(trial);
      store.appendTrial(trial);
      expect(store.trials('r')).toHaveLength(1);
      expect(() => store.appendTrial(trialOf('r', 0, sampleDesignPoint(64)))).toThrow(/already has trial 0/);
      expect(() => store.appendTrial(trialOf('missing', 0, sampleDesignPoint()))).toThrow(/no run "missing"/);
    });

    it('returns copies that callers cannot use to change the store', () => {
      const store = open();
      store.startRun({ id: 'r', config: '{}', seed: 1 });
      const point = sampleDesignPoint();
      store.putEvaluation(keyOf(point), point, sampleEvaluation());
      store.appendTrial(trialOf('r', 0, point, sampleEvaluation()));
      (store.getEvaluation(keyOf(point)) as { cycles: number }).cycles = -1;
      (store.trials('r')[0].point.hardware as { peDim: number }).peDim = -1;
      expect(store.getEvaluation(keyOf(point))?.cycles).toBe(sampleEvaluation().cycles);
      expect(store.trials('r')[0].point.hardware.peDim).toBe(16);
    });

    it('replaces a failed trial by its retry, never a successful one', () => {
      const store = open();
      store.startRun({ id: 'r', config: '{}', seed: 1 });
      const point = sampleDesignPoint();
      const failed: TrialRecord = { ...trialOf('r', 0, point), error: 'simulator hung', recoverable: true };
      store.appendTrial(failed);
      expect(store.trials('r')[0]).toEqual(failed);
      const retry: TrialRecord = { ...trialOf('r', 0, point, sampleEvaluation()), attempts: 2 };
      store.replaceTrial(retry);
      expect(store.trials('r')).toEqual([retry]);
      expect(() => store.replaceTrial({ ...retry, attempts: 3 })).toThrow(/succeeded/);
      store.appendTrial({ ...trialOf('r', 1, point), recoverable: true });
      expect(() => store.replaceTrial({ ...trialOf('r', 1, sampleDesignPoint(8)), attempts: 2 })).toThrow(/is of point/);
      expect(() => store.replaceTrial({ ...trialOf('r', 1, point), attempts: 1 })).toThrow(/more attempts/);
      expect(() => store.replaceTrial({ ...trialOf('r', 5, point), attempts: 2 })).toThrow(/no such trial/);
    });

    it('keeps running trials and replaces them by their result; records a run\'s search time', () => {
      const store = open();
      store.startRun({ id: 'r', config: '{}', seed: 1 });
      const point = sampleDesignPoint();
      const running: TrialRecord = { runId: 'r', index: 0, pointHash: hashDesignPoint(point), point, running: true };
      store.appendTrial(running);
      expect(store.trials('r')).toEqual([running]);
      expect(() => store.appendTrial({ ...running, index: 1, error: 'x' })).toThrow(/running and cannot have/);
      const done = trialOf('r', 0, point, sampleEvaluation());
      store.replaceTrial(done);
      expect(store.trials('r')).toEqual([done]);
      expect(store.getRun('r')?.elapsedMs).toBeUndefined();
      store.setRunElapsed('r', 1234.5);
      expect(store.getRun('r')?.elapsedMs).toBe(1234.5);
      expect(() => store.setRunElapsed('nope', 1)).toThrow(/no such run/);
    });

    it('caches mapper answers by mapper version, layer, hardware and seed, refusals included', () => {
      const store = open();
      const mapping = sampleDesignPoint().mappings[0];
      const key = { mapper: 'm', mapperVersion: '1', layerKey: 'L', hardware: { peDim: 16, spKB: 128, accKB: 32 }, seed: 3 };
      expect(store.getMapperResult(key)).toBeUndefined();
      store.putMapperResult(key, { ok: true, result: { mapping, cycles: 1234, energy: 5.5e6 } });
      store.putMapperResult(key, { ok: false, error: 'first one wins' });
      expect(store.getMapperResult(key)).toEqual({ ok: true, result: { mapping, cycles: 1234, energy: 5.5e6 } });
      for (const other of [{ mapperVersion: '2' }, { seed: 4 }, { layerKey: 'L2' }, { hardware: { peDim: 16, spKB: 64, accKB: 32 } }, { mapper: 'n' }]) {
        expect(store.getMapperResult({ ...key, ...other })).toBeUndefined();
      }
      store.putMapperResult({ ...key, seed: 9 }, { ok: false, error: 'weights do not fit the scratchpad' });
      expect(store.getMapperResult({ ...key, seed: 9 })).toEqual({ ok: false, error: 'weights do not fit the scratchpad' });
    });

    it('grants a run lock to one holder at a time until it expires or is released', () => {
      const store = open();
      const t0 = 1_000_000;
      const a = { holder: 'a', host: 'h', pid: 1, heartbeatAt: t0 };
      const b = { holder: 'b', host: 'h', pid: 2, heartbeatAt: t0 + 500 };
      const policy = (now: number) => ({ expiryMs: 1000, now: () => now });
      expect(store.acquireRunLock('r', a, policy(t0))).toBeUndefined();
      expect(store.acquireRunLock('r', a, policy(t0))).toBeUndefined(); // re-entrant
      expect(store.acquireRunLock('r', b, policy(t0 + 500))).toEqual(a);
      expect(store.renewRunLock('r', 'a', t0 + 900)).toBe(true);
      expect(store.acquireRunLock('r', b, policy(t0 + 1800))).toEqual({ ...a, heartbeatAt: t0 + 900 });
      expect(store.acquireRunLock('r', b, policy(t0 + 1901))).toBeUndefined(); // a expired
      expect(store.renewRunLock('r', 'a', t0 + 2000)).toBe(false);
      expect(store.acquireRunLock('r', a, { ...policy(t0 + 600), isAlive: () => false })).toBeUndefined();
      store.releaseRunLock('r', 'b'); // not the holder: no effect
      expect(store.acquireRunLock('r', b, policy(t0 + 600))).toMatchObject({ holder: 'a' });
      store.releaseRunLock('r', 'a');
      expect(store.acquireRunLock('r', b, policy(t0 + 600))).toBeUndefined();
    });

    it('keeps everything across close and reopen (resume)', (context) => {
      const first = open();
      if (!harness?.reopen) {
        context.skip();
        return;
      }
      const point = sampleDesignPoint();
      first.startRun({ id: 'resume', config: '{"seed":1}', seed: 1 });
      const written = [trialOf('resume', 0, point, sampleEvaluation()), trialOf('resume', 1, sampleDesignPoint(4))];
      for (const trial of written) first.appendTrial(trial);
      first.putEvaluation(keyOf(point), point, sampleEvaluation());
      const run = first.getRun('resume');
      first.close();
      const second = harness.reopen();
      try {
        expect(second.getRun('resume')).toEqual(run);
        expect(second.trials('resume')).toEqual(written);
        expect(second.getEvaluation(keyOf(point))).toEqual(sampleEvaluation());
        second.appendTrial(trialOf('resume', 2, sampleDesignPoint(2), sampleEvaluation(2)));
        expect(second.trials('resume').map((t) => t.index)).toEqual([0, 1, 2]);
      } finally {
        second.close();
      }
    });
  });
}
