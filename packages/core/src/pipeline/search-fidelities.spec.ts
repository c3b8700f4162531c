import { describe, expect, it } from 'vitest';
import type { Optimizer, Proposal, Trial } from '../contracts/optimizer.js';
import { hashDesignPoint } from '../domain/design-point.js';
import { MemoryStore } from '../store/memory-store.js';
import { runSearch } from './run-search.js';
import { DigestOptimizer, options, ToyEvaluator } from './search-test-doubles.js';

/** Proposes the digest optimizer's points, every third one for an rtl evaluation; records what it was told. */
class TwoFidelityOptimizer implements Optimizer {
  readonly id = 'two-fidelity';
  readonly told: Trial[] = [];
  private readonly inner = new DigestOptimizer(5);
  private asked = 0;

  ask(n: number): Proposal[] {
    return this.inner.ask(n).map((point) => (this.asked++ % 3 === 2 ? { point, fidelity: 'rtl' as const } : point));
  }

  tell(trials: readonly Trial[]): void {
    this.told.push(...trials);
    this.inner.tell(trials);
  }
}

describe('a run with several fidelities', () => {
  it('evaluates each trial at the fidelity it was asked for, stores and tells that fidelity, and takes the best at the primary only', async () => {
    const store = new MemoryStore();
    const analytical = new ToyEvaluator();
    const rtl = new ToyEvaluator(() => 3, 'rtl');
    const optimizer = new TwoFidelityOptimizer();
    const summary = await runSearch(options({ store, optimizer, evaluator: analytical, evaluators: { rtl }, budget: { trials: 12, batch: 4 }, concurrency: { rtl: 1 } })).done;
    expect(summary.trials).toBe(12);
    const trials = store.trials('run-1');
    expect(trials.map((t) => t.fidelity ?? 'primary')).toEqual(trials.map((_, i) => (i % 3 === 2 ? 'rtl' : 'primary')));
    expect(trials.filter((t) => t.fidelity === 'rtl' && t.evaluation).every((t) => t.evaluation?.fidelity === 'rtl')).toBe(true);
    expect(rtl.order).toEqual(trials.filter((t) => t.fidelity === 'rtl').map((t) => t.pointHash).filter((h, i, all) => all.indexOf(h) === i));
    expect(rtl.maxInFlight).toBe(1);
    expect(optimizer.told.map((t) => t.fidelity ?? 'primary')).toEqual(trials.map((t) => t.fidelity ?? 'primary'));
    const primaryBest = trials.filter((t) => !t.fidelity && t.evaluation).sort((a, b) => a.evaluation!.edp - b.evaluation!.edp)[0];
    expect(summary.best?.index).toBe(primaryBest.index);

    // Resumed, the optimizer is told each stored trial with its fidelity.
    const resumedOptimizer = new TwoFidelityOptimizer();
    await runSearch(options({ store, optimizer: resumedOptimizer, evaluator: analytical, evaluators: { rtl }, budget: { trials: 12, batch: 4 } })).done;
    expect(resumedOptimizer.told.map((t) => [t.point && hashDesignPoint(t.point), t.fidelity])).toEqual(trials.map((t) => [t.pointHash, t.fidelity]));
  });

  it('stops at the evaluation budget of a secondary fidelity', async () => {
    const store = new MemoryStore();
    const summary = await runSearch(options({
      store, optimizer: new TwoFidelityOptimizer(), evaluators: { rtl: new ToyEvaluator(() => 0, 'rtl') },
      budget: { trials: 30, batch: 4, evaluations: { rtl: 2 } },
    })).done;
    expect(summary.stoppedBy).toBe('evaluations');
    expect(store.trials('run-1').filter((t) => t.fidelity === 'rtl')).toHaveLength(2);
    expect(summary.trials).toBe(8); // trial 8 would be the third rtl one
  });

  it('fails with a message naming the missing fidelity and the config key', async () => {
    await expect(runSearch(options({ store: new MemoryStore(), optimizer: new TwoFidelityOptimizer() })).done)
      .rejects.toThrow(/asked for evaluations at fidelity rtl, but this run has evaluators only for analytical; add an evaluator of fidelity rtl under the config's `evaluators:`/);
  });
});
