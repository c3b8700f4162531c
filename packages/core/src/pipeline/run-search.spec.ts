import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwError, EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Evaluator } from '../contracts/evaluator.js';
import type { Optimizer } from '../contracts/optimizer.js';
import type { Store } from '../contracts/store.js';
import type { DesignPoint } from '../domain/design-point.js';
import { MemoryStore } from '../store/memory-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { describeEvaluatorContract, describeOptimizerContract } from '../testing/index.js';
import { flatDesignPoint } from '../testing/tiny-workload.js';
import { runSearch } from './run-search.js';
import type { SearchEvent } from './search-event.js';
import { searchEvents } from './search-events.js';
import { collect, DigestOptimizer, hashDelay, options, ToyEvaluator, trialHashes, workload } from './search-test-doubles.js';

describe('runSearch', () => {
  it('spends exactly the budget in batches and stores every trial in ask order', async () => {
    const store = new MemoryStore();
    const optimizer = new DigestOptimizer(1);
    const events = await collect(options({ store, optimizer }));
    expect(events[0]).toEqual({ type: 'started', runId: 'run-1', total: 10, resumed: 0 });
    const last = events.at(-1)!;
    expect(last.type === 'finished' && last.summary).toMatchObject({ trials: 10, resumed: 0, stoppedBy: 'budget' });
    expect(optimizer.asks).toBe(3);
    expect(events.filter((e) => e.type === 'trial').map((e) => e.type === 'trial' && e.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(store.trials('run-1').map((t) => t.pointHash)).toEqual(trialHashes(events));
    expect(optimizer.told).toEqual(trialHashes(events));
    expect(store.getRun('run-1')?.status).toBe('finished');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toEqual({ type: 'progress', done: 10, total: 10 });
  });

  it('tells results in ask order, so the trial sequence does not depend on completion order', async () => {
    const evaluators: ToyEvaluator[] = [];
    const runWith = (delayOf: (p: DesignPoint) => number) => {
      evaluators.push(new ToyEvaluator(delayOf));
      return collect(options({ store: new MemoryStore(), evaluator: evaluators.at(-1), budget: { trials: 12, batch: 4 }, concurrency: 4 }));
    };
    const a = await runWith(hashDelay(2));
    const b = await runWith((p) => 12 - hashDelay(2)(p));
    const c = await runWith(() => 0);
    // the evaluations really did complete in different orders
    expect(evaluators[0].order).not.toEqual(evaluators[1].order);
    expect(trialHashes(b)).toEqual(trialHashes(a));
    expect(trialHashes(c)).toEqual(trialHashes(a));
    const types = (events: SearchEvent[]) => events.map((e) => e.type);
    expect(types(b)).toEqual(types(a));
  });

  it('reuses stored evaluations: a second run of the same points computes nothing', async () => {
    const store = new MemoryStore();
    const first = new ToyEvaluator();
    await collect(options({ store, evaluator: first, runId: 'a' }));
    expect(first.computed).toBeGreaterThan(0);
    const second = new ToyEvaluator();
    const events = await collect(options({ store, evaluator: second, runId: 'b' }));
    const okTrials = events.filter((e) => e.type === 'trial' && e.result.ok);
    expect(okTrials.length).toBeGreaterThan(0);
    expect(okTrials.every((e) => e.type === 'trial' && e.cached)).toBe(true);
    // Only failed points (never cached) are computed again.
    const failedTrials = events.filter((e) => e.type === 'trial' && !e.result.ok).length;
    expect(second.computed).toBe(new Set(events.flatMap((e) => (e.type === 'trial' && !e.result.ok ? [e.pointHash] : []))).size);
    expect(failedTrials).toBeLessThan(10);
  });

  it('reports failed evaluations as error events and keeps going to the budget', async () => {
    const store = new MemoryStore();
    const optimizer: Optimizer = {
      id: 'fixed',
      ask: (n) => Array.from({ length: n }, (_, k) => flatDesignPoint({ peDim: k % 2 === 0 ? 2 : 8, spKB: 64 + k, accKB: 32 }, workload)),
      tell: () => undefined,
    };
    const events = await collect(options({ store, optimizer, budget: { trials: 6, batch: 3 } }));
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatchObject({ type: 'error', error: 'peDim 2 is too small for the toy', recoverable: true });
    const finished = events.at(-1);
    expect(finished?.type === 'finished' && finished.summary).toMatchObject({ trials: 6, failed: 4, stoppedBy: 'budget' });
    expect(store.trials('run-1').filter((t) => t.error).length).toBe(4);
  });

  it('turns a throwing or silent evaluator into failed trials', async () => {
    const silentOrThrowing: Evaluator = {
      ...new ToyEvaluator(),
      id: 'flaky', version: '1', fidelity: 'analytical',
      capabilities: { accessCounts: false, uncertainty: false, maxConcurrency: 1 },
      evaluate: (points) => (points[0].hardware.spKB % 2 === 0 ? throwError(() => new Error('simulator crashed')) : EMPTY),
    };
    const optimizer: Optimizer = {
      id: 'fixed', tell: () => undefined,
      ask: (n) => Array.from({ length: n }, (_, k) => flatDesignPoint({ peDim: 8, spKB: 10 + k, accKB: 32 }, workload)),
    };
    const events = await collect(options({ store: new MemoryStore(), optimizer, evaluator: silentOrThrowing, budget: { trials: 2, batch: 2 } }));
    const errors = events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
    expect(errors).toEqual(['evaluator "flaky" failed: simulator crashed', 'evaluator "flaky" completed without a result for this point']);
  });

  it('limits concurrent evaluations per fidelity', async () => {
    const evaluator = new ToyEvaluator(() => 3);
    await collect(options({ store: new MemoryStore(), evaluator, budget: { trials: 8, batch: 8 }, concurrency: { analytical: 2, rtl: 8 } }));
    expect(evaluator.maxInFlight).toBe(2);
  });

  it('announces a new best only when the EDP improves', async () => {
    const events = await collect(options({ store: new MemoryStore(), budget: { trials: 16, batch: 4 } }));
    const bests = events.flatMap((e) => (e.type === 'best' ? [e.evaluation.edp] : []));
    expect(bests.length).toBeGreaterThan(0);
    for (let i = 1; i < bests.length; i++) expect(bests[i]).toBeLessThan(bests[i - 1]);
    const finished = events.at(-1);
    expect(finished?.type === 'finished' && finished.summary.best?.evaluation.edp).toBe(bests.at(-1));
  });

  it.each([3, 5, 8])('stops on abort after trial %i, cancels evaluations in flight, and resumes to the same sequence', async (abortAt) => {
    const reference = trialHashes(await collect(options({ store: new MemoryStore(), budget: { trials: 12, batch: 4 } })));
    const dir = mkdtempSync(join(tmpdir(), 'polaris-resume-'));
    try {
      const path = join(dir, 'runs.sqlite');
      const controller = new AbortController();
      const slow = new ToyEvaluator(hashDelay(3));
      let store: Store = new SqliteStore(path);
      const run = runSearch(options({ store, evaluator: slow, budget: { trials: 12, batch: 4 }, signal: controller.signal }));
      run.events$.subscribe((e) => { if (e.type === 'trial' && e.index === abortAt) controller.abort(); });
      const partial = await run.done;
      expect(partial.stoppedBy).toBe('aborted');
      expect(partial.trials).toBe(abortAt + 1);
      expect(slow.inFlight).toBe(0);
      expect(slow.cancelled).toBeGreaterThan(0);
      store.close();

      store = new SqliteStore(path);
      const optimizer = new DigestOptimizer(42);
      const events = await collect(options({ store, optimizer, budget: { trials: 12, batch: 4 } }));
      expect(events[0]).toEqual({ type: 'started', runId: 'run-1', total: 12, resumed: partial.trials });
      expect(store.trials('run-1').map((t) => t.pointHash)).toEqual(reference);
      expect(optimizer.told).toEqual(reference);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resumes a partial batch with an optimizer that proposes other points, keeping indices contiguous', async () => {
    const store = new MemoryStore();
    const controller = new AbortController();
    const run = runSearch(options({ store, evaluator: new ToyEvaluator(() => 2), signal: controller.signal }));
    run.events$.subscribe((e) => { if (e.type === 'trial' && e.index === 5) controller.abort(); });
    const partial = await run.done;
    expect(partial.trials).toBe(6);
    const other = new DigestOptimizer(777);
    const summary = await runSearch(options({ store, optimizer: other })).done;
    expect(summary).toMatchObject({ trials: 10, resumed: partial.trials, stoppedBy: 'budget' });
    expect(store.trials('run-1').map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(other.told).toEqual(store.trials('run-1').map((t) => t.pointHash));
  });

  it('does nothing more when the budget is already spent', async () => {
    const store = new MemoryStore();
    await collect(options({ store, budget: { trials: 4, batch: 4 } }));
    const evaluator = new ToyEvaluator();
    const events = await collect(options({ store, evaluator, budget: { trials: 4, batch: 4 }, retries: 0 }));
    expect(evaluator.computed).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'finished', summary: { trials: 4, resumed: 4, stoppedBy: 'budget' } });
  });

  it('stops when the optimizer has nothing left to ask', async () => {
    const optimizer: Optimizer = { id: 'empty', ask: () => [], tell: () => undefined };
    const summary = await runSearch(options({ store: new MemoryStore(), optimizer })).done;
    expect(summary).toMatchObject({ trials: 0, stoppedBy: 'exhausted' });
  });

  it('rejects done and errors events$ when the store fails', async () => {
    const store = new MemoryStore();
    store.appendTrial = () => { throw new Error('disk full'); };
    const run = runSearch(options({ store }));
    let streamError: unknown;
    run.events$.subscribe({ error: (e: unknown) => { streamError = e; } });
    await expect(run.done).rejects.toThrow('disk full');
    expect(String(streamError)).toContain('disk full');
  });
});

describe('searchEvents', () => {
  it('stops asking and cancels evaluations when unsubscribed', async () => {
    const optimizer = new DigestOptimizer(9);
    const evaluator = new ToyEvaluator(() => 5);
    let trials = 0;
    const subscription = searchEvents(options({ store: new MemoryStore(), optimizer, evaluator, budget: { trials: 40, batch: 4 } }))
      .subscribe((e) => {
        if (e.type === 'trial' && ++trials === 3) subscription.unsubscribe();
      });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(trials).toBe(3);
    expect(optimizer.asks).toBe(1);
    expect(evaluator.inFlight).toBe(0);
    expect(evaluator.cancelled).toBeGreaterThan(0);
  });
});

describeEvaluatorContract('pipeline toy evaluator', () => new ToyEvaluator(hashDelay(1)), () => ({
  workload,
  points: [flatDesignPoint({ peDim: 16, spKB: 128, accKB: 32 }, workload), flatDesignPoint({ peDim: 4, spKB: 2, accKB: 1 }, workload)],
  invalidPoints: [flatDesignPoint({ peDim: 2, spKB: 2, accKB: 1 }, workload)],
}));

describeOptimizerContract('pipeline digest optimizer', (seed, w) => new DigestOptimizer(seed, w), () => ({ workload, quickAsk: true }));
