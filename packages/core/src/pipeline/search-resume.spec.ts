import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Optimizer } from '../contracts/optimizer.js';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import type { EvaluationResult } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';
import { MemoryStore } from '../store/memory-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { RunLockedError } from './run-lease.js';
import { runSearch } from './run-search.js';
import { collect, DigestOptimizer, options, ToyEvaluator } from './search-test-doubles.js';

/** The toy evaluator, but peDim 2 fails recoverably only for the first `failuresPerPoint` evaluations of a point. */
class FlakyEvaluator extends ToyEvaluator {
  private readonly failures = new Map<string, number>();

  constructor(private readonly failuresPerPoint: number, private readonly recoverable = true) {
    super();
  }

  protected override scoreFailing(point: DesignPoint, w: Workload): EvaluationResult {
    const pointHash = hashDesignPoint(point);
    const seen = this.failures.get(pointHash) ?? 0;
    this.failures.set(pointHash, seen + 1);
    if (seen < this.failuresPerPoint) return { ok: false, pointHash, error: `simulator crashed (attempt ${seen + 1})`, recoverable: this.recoverable };
    return this.succeed(point, w);
  }
}

describe('resume: recoverable failures are retried, bounded', () => {
  it('re-evaluates stored recoverable failures on resume and tells the optimizer their new results', async () => {
    const store = new MemoryStore();
    const flaky = new FlakyEvaluator(1);
    const first = await runSearch(options({ store, evaluator: flaky })).done;
    expect(first.failed).toBeGreaterThan(0);
    const failedIndices = store.trials('run-1').filter((t) => t.error).map((t) => t.index);
    expect(store.trials('run-1').filter((t) => t.error).every((t) => t.recoverable)).toBe(true);

    const optimizer = new DigestOptimizer(42);
    const events = await collect(options({ store, evaluator: flaky, optimizer, budget: { trials: 12, batch: 4 } }));
    expect(events.find((e) => e.type === 'retrying')).toEqual({ type: 'retrying', trials: failedIndices.length, indices: failedIndices, unfinished: [] });
    const after = store.trials('run-1');
    for (const index of failedIndices) {
      expect(after[index].evaluation, `trial ${index}`).toBeDefined();
      expect(after[index].attempts).toBe(2);
    }
    // The optimizer was told the retried (now successful) results, then the run went on.
    expect(after).toHaveLength(12);
    expect(optimizer.told).toEqual(after.map((t) => t.pointHash));
  });

  it('stops retrying after `retries` extra attempts and then reports the stored failure', async () => {
    const store = new MemoryStore();
    const broken = new FlakyEvaluator(Number.POSITIVE_INFINITY);
    await runSearch(options({ store, evaluator: broken, retries: 2 })).done;
    const failed = store.trials('run-1').filter((t) => t.error).map((t) => t.index);
    expect(failed.length).toBeGreaterThan(0);
    for (let resume = 1; resume <= 3; resume++) {
      const events = await collect(options({ store, evaluator: broken, retries: 2 }));
      const retrying = events.some((e) => e.type === 'retrying');
      expect(retrying, `resume ${resume}`).toBe(resume <= 2);
      const stored = events.filter((e) => e.type === 'error' && e.stored);
      expect(stored.map((e) => e.type === 'error' && e.index)).toEqual(failed);
      expect(stored.every((e) => e.type === 'error' && e.attempts === Math.min(1 + resume, 3) && /simulator crashed/.test(e.error))).toBe(true);
    }
    expect(store.trials('run-1')[failed[0]].attempts).toBe(3);
  });

  it('never retries a failure that is not recoverable, and reports it again with its stored message', async () => {
    const store = new MemoryStore();
    const rejecting = new FlakyEvaluator(Number.POSITIVE_INFINITY, false);
    await runSearch(options({ store, evaluator: rejecting })).done;
    const computed = rejecting.computed;
    const events = await collect(options({ store, evaluator: rejecting }));
    expect(rejecting.computed).toBe(computed);
    expect(events.some((e) => e.type === 'retrying')).toBe(false);
    expect(events.filter((e) => e.type === 'error' && e.stored && !e.recoverable).length).toBeGreaterThan(0);
  });
});

describe('run lock', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('refuses a second writer on a live run and lets it in once the first has finished', async () => {
    dir = mkdtempSync(join(tmpdir(), 'polaris-lock-'));
    const path = join(dir, 'runs.sqlite');
    const [a, b] = [new SqliteStore(path), new SqliteStore(path)];
    const first = runSearch(options({ store: a, evaluator: new ToyEvaluator(() => 5) }));
    const started = new Promise<void>((resolve) => first.events$.subscribe((e) => { if (e.type === 'started') resolve(); }));
    await started;
    const second = runSearch(options({ store: b }));
    await expect(second.done).rejects.toThrow(RunLockedError);
    await expect(second.done).rejects.toThrow(new RegExp(`pid ${process.pid} on .*wait for it to finish or stop it`));
    await first.done;
    const resumed = await runSearch(options({ store: b })).done;
    expect(resumed).toMatchObject({ resumed: 10, stoppedBy: 'budget' });
    a.close();
    b.close();
  });

  it('takes over a run whose holder stopped beating, at once when the holder was a dead process of this machine', async () => {
    const store = new MemoryStore();
    store.startRun({ id: 'run-1', config: '{}', seed: 0 });
    const policy = { expiryMs: 60_000 };
    // A holder on another machine that beat a minute ago; then one here whose pid is gone.
    store.acquireRunLock('run-1', { holder: 'elsewhere:1:x', host: 'elsewhere', pid: 1, heartbeatAt: Date.now() - 61_000 }, policy);
    const staleTakeover = await runSearch(options({ store })).done;
    expect(staleTakeover.stoppedBy).toBe('budget');

    const live = { holder: 'elsewhere:2:y', host: 'elsewhere', pid: 2, heartbeatAt: Date.now() };
    store.acquireRunLock('run-1', live, policy);
    await expect(runSearch(options({ store })).done).rejects.toThrow(/pid 2 on elsewhere/);

    const { hostname } = await import('node:os');
    store.releaseRunLock('run-1', live.holder);
    store.acquireRunLock('run-1', { holder: 'dead', host: hostname(), pid: 2 ** 22 + 12345, heartbeatAt: Date.now() }, policy);
    await expect(runSearch(options({ store, budget: { trials: 12, batch: 4 } })).done).resolves.toMatchObject({ trials: 12 });
  });

  it('heartbeats while running and releases the lock at the end', async () => {
    const store = new MemoryStore();
    const beats: number[] = [];
    const renew = store.renewRunLock.bind(store);
    store.renewRunLock = (runId, holder, at) => { beats.push(at); return renew(runId, holder, at); };
    await runSearch(options({ store, evaluator: new ToyEvaluator(() => 30), lock: { heartbeatMs: 20, expiryMs: 1000 } })).done;
    expect(beats.length).toBeGreaterThan(2);
    expect(store.acquireRunLock('run-1', { holder: 'next', host: 'h', pid: 1, heartbeatAt: Date.now() }, { expiryMs: 1000 })).toBeUndefined();
  });

  it('aborts with a clear error when another process took the lock over', async () => {
    const store = new MemoryStore();
    const run = runSearch(options({ store, evaluator: new ToyEvaluator(() => 30), lock: { heartbeatMs: 20, expiryMs: 40 } }));
    run.events$.subscribe({
      next: (e) => {
        if (e.type === 'trial' && e.index === 1) {
          store.acquireRunLock('run-1', { holder: 'thief', host: 'h', pid: 1, heartbeatAt: Date.now() }, { expiryMs: 0, now: () => Date.now() + 1 });
        }
      },
      error: () => undefined, // the rejection of `done` is what is checked
    });
    await expect(run.done).rejects.toThrow(/lost the write lock of run "run-1"/);
  });
});

describe('stopping', () => {
  it('abandons an ask that never returns as soon as the run is stopped', async () => {
    const hanging: Optimizer = { id: 'hang', ask: () => new Promise(() => undefined), tell: () => undefined };
    const run = runSearch(options({ store: new MemoryStore(), optimizer: hanging }));
    setTimeout(() => run.stop(), 20);
    await expect(run.done).resolves.toMatchObject({ stoppedBy: 'aborted', trials: 0 });
  });

  it('passes the stop signal to the optimizer and publishes its proposal progress', async () => {
    let seen: AbortSignal | undefined;
    const proposing: number[] = [];
    const optimizer: Optimizer = {
      id: 'slow',
      ask: async (n, context) => {
        seen = context?.signal;
        for (let k = 1; k <= n; k++) context?.onProposed?.(k, n);
        return new Promise(() => undefined);
      },
      tell: () => undefined,
    };
    const run = runSearch(options({ store: new MemoryStore(), optimizer }));
    run.events$.subscribe((e) => { if (e.type === 'proposing') proposing.push(e.proposed); });
    setTimeout(() => run.stop(), 20);
    await run.done;
    expect(proposing).toEqual([1, 2, 3, 4]);
    expect(seen?.aborted).toBe(true);
  });

  it('says a time budget stopped the run, and leaves it open for a resume', async () => {
    const store = new MemoryStore();
    const run = runSearch(options({ store, evaluator: new ToyEvaluator(() => 10), budget: { trials: 1000, batch: 4 } }));
    setTimeout(() => run.stop('minutes'), 30);
    const summary = await run.done;
    expect(summary.stoppedBy).toBe('minutes');
    expect(store.getRun('run-1')?.status).toBe('running');
  });
});

describe('trials in flight', () => {
  it('are stored running before they are evaluated, and a resume evaluates exactly those, none twice', async () => {
    const store = new MemoryStore();
    const controller = new AbortController();
    const slow = new ToyEvaluator((point) => (point.hardware.spKB % 3) * 5 + 5);
    const run = runSearch(options({ store, evaluator: slow, signal: controller.signal, budget: { trials: 12, batch: 4 } }));
    run.events$.subscribe((e) => { if (e.type === 'trial' && e.index === 5) controller.abort(); });
    await run.done;
    const stored = store.trials('run-1');
    const running = stored.filter((t) => t.running).map((t) => t.index);
    expect(stored.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(running).toEqual([6, 7]);

    const reference = new MemoryStore();
    await runSearch(options({ store: reference, budget: { trials: 12, batch: 4 } })).done;
    const resumedEvaluator = new ToyEvaluator();
    const events = await collect(options({ store, evaluator: resumedEvaluator, budget: { trials: 12, batch: 4 } }));
    expect(events.find((e) => e.type === 'retrying')).toMatchObject({ unfinished: [6, 7], trials: expect.any(Number) });
    expect(events[0]).toMatchObject({ type: 'started', resumed: 6 });
    expect(store.trials('run-1').map((t) => t.pointHash)).toEqual(reference.trials('run-1').map((t) => t.pointHash));
    expect(store.trials('run-1').some((t) => t.running)).toBe(false);
    // Each point evaluated at most once over both sessions, except stored recoverable failures retried.
    const retried = events.find((e) => e.type === 'retrying');
    const retriedCount = retried?.type === 'retrying' ? retried.trials : 0;
    expect(new Set(resumedEvaluator.order).size).toBe(resumedEvaluator.order.length);
    expect(resumedEvaluator.order.filter((h) => slow.order.includes(h)).length).toBe(retriedCount);
  });
});

describe('budgets', () => {
  it('counts budget.minutes over every session of the run, and keeps the time in the store', async () => {
    const store = new MemoryStore();
    const first = await runSearch(options({ store, evaluator: new ToyEvaluator(() => 5), budget: { trials: 1000, batch: 4, minutes: 0.002 } })).done;
    expect(first.stoppedBy).toBe('minutes');
    expect(first.trials).toBeGreaterThan(0);
    expect(store.getRun('run-1')?.elapsedMs).toBeGreaterThanOrEqual(100);
    expect(store.trials('run-1').every((t) => t.running || t.evaluation || t.error)).toBe(true);
    // The next session has no time left: it stops before asking anything new.
    const second = await runSearch(options({ store, budget: { trials: 1000, batch: 4, minutes: 0.002 } })).done;
    expect(second).toMatchObject({ stoppedBy: 'minutes' });
    expect(second.evaluated).toBe(0);
    expect(second.totalElapsedMs).toBeGreaterThanOrEqual(first.totalElapsedMs);
    // More minutes: the run goes on from where it stopped.
    const third = await runSearch(options({ store, budget: { trials: first.trials + 8, batch: 4, minutes: 10 } })).done;
    expect(third).toMatchObject({ stoppedBy: 'budget', trials: first.trials + 8 });
  });

  it('stops at the evaluation budget of the evaluator\'s fidelity and says so', async () => {
    const store = new MemoryStore();
    const summary = await runSearch(options({ store, budget: { trials: 10, batch: 4, evaluations: { analytical: 6, rtl: 1 } } })).done;
    expect(summary).toMatchObject({ trials: 6, stoppedBy: 'evaluations' });
    expect(store.getRun('run-1')?.status).toBe('finished');
  });
});
