import { describe, expect, it } from 'vitest';
import { type Optimizer, proposalPoint, type Trial } from '../contracts/optimizer.js';
import { hashDesignPoint } from '../domain/design-point.js';
import { MemoryStore } from '../store/memory-store.js';
import { describeOptimizerContract } from '../testing/optimizer-contract.js';
import { runSearch } from './run-search.js';
import { ScheduledOptimizer } from './scheduled-optimizer.js';
import { DigestOptimizer, FiniteStage, hashDelay, options, RecordingStage, ToyEvaluator, workload } from './search-test-doubles.js';

/** A search of `trials` trials in batches of 4 with [a stage of `limit` proposals but trials: 100, a recording stage]. */
async function exhaustFirstStage(limit: number, trials: number) {
  const a = new FiniteStage(1, limit);
  const b = new RecordingStage(2);
  const store = new MemoryStore();
  const summary = await runSearch(options({
    store, optimizer: new ScheduledOptimizer([{ optimizer: a, trials: 100 }, { optimizer: b }]), budget: { trials, batch: 4 },
  })).done;
  return { a, b, store, summary };
}

const schedule = (seed: number, first = 5) => new ScheduledOptimizer([
  { optimizer: new DigestOptimizer(seed), trials: first },
  { optimizer: new DigestOptimizer(seed + 1000) },
]);

describeOptimizerContract('schedule (digest×5 → digest)', (seed) => schedule(seed), () => ({ workload, quickAsk: true }));

describeOptimizerContract('schedule (6 of digest, exhausted → digest)', (seed) => new ScheduledOptimizer([
  { optimizer: new FiniteStage(seed, 6), trials: 100 },
  { optimizer: new DigestOptimizer(seed + 1000) },
]), () => ({ workload, quickAsk: true }));

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

  it('hands over to the next stage when a stage runs out before its trials, telling it every earlier trial', async () => {
    const { a, b, store, summary } = await exhaustFirstStage(8, 16);
    expect(summary).toMatchObject({ trials: 16, stoppedBy: 'budget' });
    expect(a.asked).toEqual([4, 4, 4]); // the third ask finds it exhausted
    expect(a.told).toHaveLength(8);
    expect(b.asked).toEqual([4, 4]);
    expect(b.told).toEqual(store.trials('run-1').map((t) => t.pointHash));
  });

  it('fills the rest of an ask from the next stage when a stage runs out mid-batch, and does not ask the exhausted stage again', async () => {
    const { a, b, store, summary } = await exhaustFirstStage(6, 14);
    expect(summary).toMatchObject({ trials: 14, stoppedBy: 'budget' });
    expect(a.asked).toEqual([4, 4]); // 4, then 2
    expect(b.asked).toEqual([2, 4, 2]); // trials 6–7 complete the second batch; the last ask is the budget's 2
    const hashes = store.trials('run-1').map((t) => t.pointHash);
    expect(b.told).toEqual(hashes); // the first 4 when it took over, then every batch, its own and a's last two
    expect(a.told).toEqual(hashes.slice(0, 4));
  });

  it('keeps the next stage\'s own end when it takes over early, and ends as exhausted only when the last stage runs out', async () => {
    const a = new FiniteStage(1, 3);
    const b = new FiniteStage(2, 100);
    const c = new FiniteStage(3, 13);
    const summary = await runSearch(options({
      store: new MemoryStore(),
      optimizer: new ScheduledOptimizer([{ optimizer: a, trials: 5 }, { optimizer: b, trials: 5 }, { optimizer: c }]),
      budget: { trials: 40, batch: 4 },
    })).done;
    expect(a.asked).toEqual([4]);
    expect(b.asked).toEqual([1, 1, 4, 1]); // trials 3–9: its end stays at 5 + 5, and an ask still stops at a's end (5)
    expect(c.asked).toEqual([4, 4]); // trials 10–12, then nothing
    expect(summary).toMatchObject({ trials: 13, stoppedBy: 'exhausted' });
  });

  it('says before any ask where its asks end: at every stage\'s end, whichever stages run out', () => {
    const fresh = new ScheduledOptimizer([{ optimizer: new FiniteStage(1, 3), trials: 6 }, { optimizer: new DigestOptimizer(2), trials: 2 }, { optimizer: new DigestOptimizer(3) }]);
    expect([0, 3, 5, 6, 7, 8, 40].map((asked) => fresh.askLimit(asked))).toEqual([6, 3, 1, 2, 1, Infinity, Infinity]);
  });

  it('resumes a kill in the stage that took over to the trials of the uninterrupted run', async () => {
    const stages = () => {
      const first = new FiniteStage(1, 6);
      const second = new RecordingStage(2);
      return { first, second, optimizer: new ScheduledOptimizer([{ optimizer: first, trials: 100 }, { optimizer: second }]) };
    };
    const budget = { trials: 18, batch: 4 };
    const straight = stages();
    const reference = new MemoryStore();
    await runSearch(options({ store: reference, optimizer: straight.optimizer, budget })).done;

    const store = new MemoryStore();
    const controller = new AbortController();
    const killed = runSearch(options({
      store, optimizer: stages().optimizer, evaluator: new ToyEvaluator(hashDelay(2)), signal: controller.signal, budget,
    }));
    killed.events$.subscribe((e) => { if (e.type === 'trial' && e.index === 9) controller.abort(); });
    expect(await killed.done).toMatchObject({ stoppedBy: 'aborted', trials: 10 });
    expect(store.trials('run-1').some((t) => t.running)).toBe(true);

    const resumed = stages();
    const summary = await runSearch(options({ store, optimizer: resumed.optimizer, budget })).done;
    expect(summary).toMatchObject({ trials: 18, stoppedBy: 'budget' });
    expect(store.trials('run-1').map((t) => t.pointHash)).toEqual(reference.trials('run-1').map((t) => t.pointHash));
    expect(resumed.first.asked).toEqual([4]); // asked once more, found exhausted, handed over
    expect(resumed.second.told).toEqual(straight.second.told);
  });

  it('refuses a stage without trials before the last', () => {
    expect(() => new ScheduledOptimizer([{ optimizer: new DigestOptimizer(1) }, { optimizer: new DigestOptimizer(2) }]))
      .toThrow(/stage 1 \(digest\) needs trials: a positive integer; only the last stage may be open/);
    expect(() => new ScheduledOptimizer([])).toThrow(/at least one stage/);
  });
});
