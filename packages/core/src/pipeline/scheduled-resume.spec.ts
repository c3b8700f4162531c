import { describe, expect, it } from 'vitest';
import type { Optimizer, Proposal, Trial } from '../contracts/optimizer.js';
import type { Store } from '../contracts/store.js';
import { MemoryStore } from '../store/memory-store.js';
import { runSearch } from './run-search.js';
import { ScheduledOptimizer } from './scheduled-optimizer.js';
import type { SearchBudget } from './search-event.js';
import { DigestOptimizer, FiniteStage, hashDelay, options, ToyEvaluator } from './search-test-doubles.js';

// Schedules whose stage ends are not multiples of the batch, run uninterrupted and killed at
// every trial (evaluations in flight left `running`) or while an ask's trials were being
// stored, then resumed from the store: the trials must be the uninterrupted run's.

/** A stage of a test schedule: a digest optimizer, finite when `limit` is set (it runs out after `limit` trials). */
interface StageSpec {
  readonly trials?: number;
  readonly limit?: number;
}

/** A stage that notes its index in its session's log for every point it proposes. */
class LoggedStage implements Optimizer {
  readonly id: string;
  constructor(readonly inner: DigestOptimizer, private readonly stage: number, private readonly log: number[]) {
    this.id = inner.id;
  }
  ask(n: number): Proposal[] {
    const points = this.inner.ask(n);
    this.log.push(...points.map(() => this.stage));
    return points;
  }
  tell(trials: readonly Trial[]): void {
    this.inner.tell(trials);
  }
}

/** One session's schedule: the stage of every point it proposed, in ask order, and its last stage. */
function session(stages: readonly StageSpec[]) {
  const log: number[] = [];
  const logged = stages.map((spec, k) => new LoggedStage(spec.limit === undefined ? new DigestOptimizer(100 + k) : new FiniteStage(100 + k, spec.limit), k, log));
  const optimizer = new ScheduledOptimizer(logged.map((stage, k) => ({ optimizer: stage, ...(stages[k].trials ? { trials: stages[k].trials } : {}) })));
  return { log, optimizer, last: logged.at(-1)!.inner };
}

/** A stored trial: its index, design point (hash), the stage that proposed it, and whether it is still running. */
interface TrialSeen {
  readonly index: number;
  readonly point: string;
  readonly stage?: number;
  readonly running: boolean;
}

/**
 * The run's trials with the stage of each: the first session proposed trials 0, 1, …; the
 * resumed one (re-asking a partial batch first) proposed the last `resumedLog.length` trials.
 */
function trialsOf(store: Store, firstLog: readonly number[], resumedLog: readonly number[] = []): TrialSeen[] {
  const records = store.trials('run-1');
  const stages = records.map((_, i) => firstLog[i]);
  const offset = records.length - resumedLog.length;
  resumedLog.forEach((stage, j) => { stages[offset + j] = stage; });
  return records.map((r, i) => ({ index: r.index, point: r.pointHash, stage: stages[i], running: r.running ?? false }));
}

async function uninterrupted(stages: readonly StageSpec[], budget: SearchBudget) {
  const store = new MemoryStore();
  const run = session(stages);
  await runSearch(options({ store, optimizer: run.optimizer, budget })).done;
  return { trials: trialsOf(store, run.log), told: run.last.told };
}

/** Resumes the run in `store` with a fresh schedule; `firstLog` is the killed session's. */
async function resume(store: Store, stages: readonly StageSpec[], budget: SearchBudget, firstLog: readonly number[]) {
  const wasRunning = store.trials('run-1').filter((t) => t.running).length;
  const run = session(stages);
  const summary = await runSearch(options({ store, optimizer: run.optimizer, budget })).done;
  expect(summary.stoppedBy).toBe('budget');
  // A session that asked nothing (the killed one had stored every trial) tells its stages nothing either.
  return { trials: trialsOf(store, firstLog, run.log), told: run.log.length > 0 ? run.last.told : undefined, wasRunning };
}

/** Aborts the run when trial `index` is recorded (later trials of its batch stay running), then resumes it. */
async function killedAtTrial(stages: readonly StageSpec[], budget: SearchBudget, index: number) {
  const store = new MemoryStore();
  const first = session(stages);
  const controller = new AbortController();
  const run = runSearch(options({ store, optimizer: first.optimizer, evaluator: new ToyEvaluator(hashDelay(1)), signal: controller.signal, budget }));
  run.events$.subscribe((e) => { if (e.type === 'trial' && e.index === index) controller.abort(); });
  expect(await run.done).toMatchObject({ stoppedBy: 'aborted', trials: index + 1 });
  return resume(store, stages, budget, first.log);
}

/** Kills the run while it stores an ask's trials as running — after `appended` trials in all — then resumes it. */
async function killedWhileStoring(stages: readonly StageSpec[], budget: SearchBudget, appended: number) {
  const store = new MemoryStore();
  const append = store.appendTrial.bind(store);
  let left = appended;
  store.appendTrial = (trial) => {
    if (left-- <= 0) throw new Error('killed while storing');
    append(trial);
  };
  const first = session(stages);
  await expect(runSearch(options({ store, optimizer: first.optimizer, budget })).done).rejects.toThrow('killed while storing');
  store.appendTrial = append;
  expect(store.trials('run-1')).toHaveLength(appended);
  return resume(store, stages, budget, first.log);
}

const stagesOf = (trials: readonly TrialSeen[]) => trials.map((t) => t.stage);
const runs = (stage: number, count: number) => Array.from({ length: count }, () => stage);

const cases: { name: string; stages: StageSpec[]; budget: SearchBudget; expectedStages: number[] }[] = [
  { name: 'digest×10 → digest, batch 4', stages: [{ trials: 10 }, {}], budget: { trials: 22, batch: 4 }, expectedStages: [...runs(0, 10), ...runs(1, 12)] },
  {
    name: 'digest×6 → digest×5 → digest, batch 4 (both ends inside a batch)', stages: [{ trials: 6 }, { trials: 5 }, {}],
    budget: { trials: 20, batch: 4 }, expectedStages: [...runs(0, 6), ...runs(1, 5), ...runs(2, 9)],
  },
  {
    name: '6 of digest×10 (runs out inside a batch) → digest, batch 4', stages: [{ trials: 10, limit: 6 }, {}],
    budget: { trials: 20, batch: 4 }, expectedStages: [...runs(0, 6), ...runs(1, 14)],
  },
  { name: 'digest×4 → digest×4 → digest, batch 3', stages: [{ trials: 4 }, { trials: 4 }, {}], budget: { trials: 17, batch: 3 }, expectedStages: [...runs(0, 4), ...runs(1, 4), ...runs(2, 9)] },
];

describe.each(cases)('resuming a schedule: $name', ({ stages, budget, expectedStages }) => {
  it('runs the same trials twice, each from the stage the schedule says', async () => {
    const reference = await uninterrupted(stages, budget);
    expect(stagesOf(reference.trials)).toEqual(expectedStages);
    expect((await uninterrupted(stages, budget)).trials).toEqual(reference.trials);
  });

  it('resumes a run aborted at any trial (its batch\'s later trials running) to the uninterrupted trials', async () => {
    const reference = await uninterrupted(stages, budget);
    let killsWithRunning = 0;
    for (let index = 0; index < budget.trials - 1; index++) {
      const resumed = await killedAtTrial(stages, budget, index);
      if (resumed.wasRunning > 0) killsWithRunning += 1;
      expect(resumed.trials, `aborted at trial ${index}`).toEqual(reference.trials);
      if (resumed.told) expect(resumed.told, `what the last stage was told, aborted at trial ${index}`).toEqual(reference.told);
    }
    expect(killsWithRunning).toBeGreaterThan(0);
  });

  it('resumes a run killed while storing an ask\'s trials to the uninterrupted trials', async () => {
    const reference = await uninterrupted(stages, budget);
    for (let appended = 1; appended < budget.trials; appended++) {
      const resumed = await killedWhileStoring(stages, budget, appended);
      expect(resumed.trials, `killed after storing ${appended} trials`).toEqual(reference.trials);
      if (resumed.told) expect(resumed.told, `what the last stage was told, killed after storing ${appended}`).toEqual(reference.told);
    }
  });
});
