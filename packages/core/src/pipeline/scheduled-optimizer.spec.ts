import { describe, expect, it } from 'vitest';
import { type Optimizer, proposalPoint, type Trial } from '../contracts/optimizer.js';
import { hashDesignPoint } from '../domain/design-point.js';
import { MemoryStore } from '../store/memory-store.js';
import { describeOptimizerContract } from '../testing/optimizer-contract.js';
import { runSearch } from './run-search.js';
import { ScheduledOptimizer } from './scheduled-optimizer.js';
import { DigestOptimizer, options, workload } from './search-test-doubles.js';

/** A history-sensitive stage that also records what it was told and asked. */
class RecordingStage extends DigestOptimizer {
  readonly asked: number[] = [];
  override ask(n: number) {
    this.asked.push(n);
    return super.ask(n);
  }
}

const schedule = (seed: number, first = 5) => new ScheduledOptimizer([
  { optimizer: new DigestOptimizer(seed), trials: first },
  { optimizer: new DigestOptimizer(seed + 1000) },
]);

describeOptimizerContract('schedule (digest×5 → digest)', (seed) => schedule(seed), () => ({ workload, quickAsk: true }));

describe('ScheduledOptimizer', () => {
  it('switches stage at its trial count, never crossing it in one ask, and tells each new stage every earlier trial', async () => {
    const a = new RecordingStage(1);
    const b = new RecordingStage(2);
    const summary = await runSearch(options({
      store: new MemoryStore(), optimizer: new ScheduledOptimizer([{ optimizer: a, trials: 6 }, { optimizer: b }]), budget: { trials: 14, batch: 4 },
    })).done;
    expect(summary.trials).toBe(14);
    expect(a.asked).toEqual([4, 2]);
    expect(b.asked).toEqual([4, 4]);
    expect(a.told).toHaveLength(6);
    expect(b.told).toHaveLength(14); // the 6 of the first stage, then its own 8
    expect(b.told.slice(0, 6)).toEqual(a.told);
  });

  it('resumes in either stage to the uninterrupted sequence', async () => {
    const drive = async (optimizer: Optimizer, told: Trial[], rounds: number) => {
      const asked: string[] = [];
      for (let r = 0; r < rounds; r++) {
        const points = (await optimizer.ask(3)).map(proposalPoint);
        const trials = points.map((point): Trial => ({ point, result: { ok: false, pointHash: hashDesignPoint(point), error: 'x', recoverable: false } }));
        optimizer.tell(trials);
        told.push(...trials);
        asked.push(...points.map(hashDesignPoint));
      }
      return asked;
    };
    const straight = await drive(schedule(7, 4), [], 5);
    for (const cut of [1, 2, 3]) {
      const told: Trial[] = [];
      const before = await drive(schedule(7, 4), told, cut);
      const resumed = schedule(7, 4);
      resumed.tell(told);
      expect([...before, ...(await drive(resumed, [], 5 - cut))], `cut after round ${cut}`).toEqual(straight);
    }
  });

  it('refuses a stage without trials before the last', () => {
    expect(() => new ScheduledOptimizer([{ optimizer: new DigestOptimizer(1) }, { optimizer: new DigestOptimizer(2) }]))
      .toThrow(/stage 1 \(digest\) needs trials: a positive integer; only the last stage may be open/);
    expect(() => new ScheduledOptimizer([])).toThrow(/at least one stage/);
  });
});
