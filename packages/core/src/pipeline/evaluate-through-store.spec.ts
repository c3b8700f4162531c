import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { hashDesignPoint } from '../domain/design-point.js';
import { workloadHash } from '../domain/workload-hash.js';
import { MemoryStore } from '../store/memory-store.js';
import { flatDesignPoint } from '../testing/tiny-workload.js';
import { evaluateThroughStore, evaluationKey } from './evaluate-through-store.js';
import { ToyEvaluator, workload } from './search-test-doubles.js';

const point = (peDim: number) => flatDesignPoint({ peDim, spKB: 128, accKB: 32 }, workload);

describe('evaluateThroughStore', () => {
  it('answers from the store first, evaluates each other unique point once and stores only successes', async () => {
    const store = new MemoryStore();
    const evaluator = new ToyEvaluator();
    const key = (p: ReturnType<typeof point>) => evaluationKey(evaluator, hashDesignPoint(p), workloadHash(workload));
    await lastValueFrom(evaluateThroughStore([point(16)], { evaluator, store, workload }));
    expect(store.getEvaluation(key(point(16)))).toBeDefined();

    const results = await lastValueFrom(evaluateThroughStore([point(8), point(16), point(8), point(2)], { evaluator, store, workload }).pipe(toArray()));
    expect(results.map((r) => [r.pointHash, r.cached])).toEqual([
      [hashDesignPoint(point(16)), true], // stored: emitted first
      [hashDesignPoint(point(8)), false],
      [hashDesignPoint(point(2)), false],
    ]);
    expect(evaluator.computed).toBe(3); // 16 once (first call), 8 once, 2 once
    expect(results.find((r) => r.pointHash === hashDesignPoint(point(2)))?.result.ok).toBe(false);
    expect(store.getEvaluation(key(point(2)))).toBeUndefined(); // a failure is evaluated again next time
    expect(store.getEvaluation(key(point(8)))).toBeDefined();
  });

  it('cancels evaluations in flight when unsubscribed', async () => {
    const evaluator = new ToyEvaluator(() => 50);
    const first = await firstValueFrom(evaluateThroughStore([point(4), point(8), point(16), point(32), point(64)], {
      evaluator, store: new MemoryStore(), workload, concurrency: 2,
    }).pipe(take(1)));
    expect(first.cached).toBe(false);
    expect(evaluator.inFlight).toBe(0);
    expect(evaluator.cancelled).toBeGreaterThan(0);
    expect(evaluator.maxInFlight).toBe(2);
  });
});
