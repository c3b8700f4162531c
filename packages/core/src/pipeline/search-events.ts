import { Observable } from 'rxjs';
import type { Evaluator } from '../contracts/evaluator.js';
import { type Proposal, proposalFidelity, proposalPoint, type Trial } from '../contracts/optimizer.js';
import type { TrialRecord } from '../contracts/store.js';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import type { EvaluationResult, Fidelity } from '../domain/evaluation.js';
import { workloadHash } from '../domain/workload-hash.js';
import { RunLease } from './run-lease.js';
import { askUnlessStopped, evaluateSlots, type Slot } from './search-slots.js';
import type { BestTrial, SearchEvent, SearchOptions, SearchStop, SearchSummary } from './search-event.js';
import { storedAsks } from './stored-asks.js';
import { recordResult, recordTrial, retryable } from './trial-records.js';

/**
 * The search as a cold stream: subscribing starts (or resumes) run `runId`, unsubscribing
 * stops asking and cancels evaluations in flight, as does aborting `options.signal` (which
 * still emits `finished` with `stoppedBy: 'aborted'`).
 *
 * Each round: `ask(batch)` → store every proposal as a `running` trial → reuse evaluations the
 * store has for (fidelity, point hash, evaluator version, workload hash) → evaluate the rest,
 * each at the fidelity its proposal names (one evaluator per fidelity, concurrency per
 * fidelity) → `putEvaluation` as each arrives, the trial's result in ask order → `tell` the
 * whole batch in ask order. So the trial sequence of a seeded optimizer does not depend on which evaluation
 * finishes first, and everything told is already durable. Failed evaluations become trials
 * with an error; the run goes on. The stream errors only when the optimizer or store throws,
 * or another live process holds the run's write lock ({@link RunLease}).
 *
 * On resume, the stored trials whose evaluation failed recoverably are evaluated again first
 * (up to `options.retries` extra attempts per trial, counted across sessions) and replaced in
 * the store; the optimizer is then told every stored trial as it now stands.
 */
export function searchEvents(options: SearchOptions): Observable<SearchEvent> {
  return new Observable<SearchEvent>((subscriber) => {
    const controller = new AbortController();
    const abort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    else options.signal?.addEventListener('abort', abort, { once: true });
    new SearchLoop(options, controller.signal, (event) => subscriber.next(event)).run().then(
      () => subscriber.complete(),
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      options.signal?.removeEventListener('abort', abort);
      controller.abort();
    };
  });
}

class SearchLoop {
  private readonly total: number;
  /** `budget.evaluations` for the evaluator's fidelity is lower than `budget.trials`. */
  private readonly trialsCappedByEvaluations: boolean;
  /** Search time of earlier sessions of this run (ms), from the store. */
  private priorElapsedMs = 0;
  private readonly workloadKey: string;
  private readonly startedAt = performance.now();
  private nextIndex = 0;
  private done = 0;
  private resumed = 0;
  private evaluated = 0;
  private cached = 0;
  private failed = 0;
  /** Best trial at the primary fidelity (other fidelities' EDPs are not comparable with it). */
  private best?: BestTrial;
  /** Trials stored per fidelity (running ones included), for `budget.evaluations`. */
  private readonly trialsPerFidelity = new Map<Fidelity, number>();
  /** Stored trials of a partial last batch, re-asked on resume (see {@link resume}). */
  private tail: TrialRecord[] = [];
  /** Aborted by the caller's signal, or when the run's write lock is lost. */
  private readonly signal: AbortSignal;
  private readonly lockLost = new AbortController();
  /** Aborted with the reason 'minutes' when `budget.minutes` (summed over sessions) runs out. */
  private readonly timeUp = new AbortController();

  constructor(
    private readonly options: SearchOptions,
    callerSignal: AbortSignal,
    private readonly emit: (event: SearchEvent) => void,
  ) {
    this.signal = AbortSignal.any([callerSignal, this.lockLost.signal, this.timeUp.signal]);
    const evaluationCap = options.budget.evaluations?.[options.evaluator.fidelity];
    this.trialsCappedByEvaluations = evaluationCap !== undefined && evaluationCap < options.budget.trials;
    this.total = Math.max(0, Math.floor(Math.min(options.budget.trials, evaluationCap ?? Number.POSITIVE_INFINITY)));
    this.workloadKey = options.workloadHash ?? workloadHash(options.workload);
    if (!(options.budget.batch >= 1)) throw new RangeError(`budget.batch must be ≥ 1, got ${options.budget.batch}`);
  }

  async run(): Promise<void> {
    const { store, runId } = this.options;
    if (!store.getRun(runId)) store.startRun({ id: runId, config: this.options.run?.config ?? '{}', seed: this.options.run?.seed ?? 0 });
    const lease = this.options.lock === false
      ? undefined
      : RunLease.acquire(store, runId, this.options.lock ?? {}, (error) => this.lockLost.abort(error));
    this.priorElapsedMs = store.getRun(runId)?.elapsedMs ?? 0;
    const timer = this.startTimeBudget();
    try {
      await this.search();
    } finally {
      clearTimeout(timer);
      this.saveElapsed();
      lease?.release();
    }
    if (this.lockLost.signal.aborted) throw this.lockLost.signal.reason;
  }

  private async search(): Promise<void> {
    const { store, runId } = this.options;
    const stored = [...store.trials(runId)].sort((a, b) => a.index - b.index);
    this.emit({ type: 'started', runId, total: this.total, resumed: stored.filter((t) => !t.running).length });
    const resumed = await this.resume(stored);
    for (const record of resumed) {
      if (!record.error) continue;
      this.emit({
        type: 'error', index: record.index, pointHash: record.pointHash, error: record.error,
        recoverable: record.recoverable ?? false, stored: true, attempts: record.attempts ?? 1,
      });
    }
    if (this.best) this.emit({ type: 'best', ...this.best });
    if (this.resumed > 0) this.emit({ type: 'progress', done: this.done, total: this.total });

    let stoppedBy: SearchStop | undefined = this.signal.aborted ? this.stopReason() : undefined;
    while (stoppedBy === undefined && this.done < this.total) {
      const n = Math.min(this.options.budget.batch, this.total - this.done + this.tail.length);
      const asked = await askUnlessStopped(this.options.optimizer, n, this.signal, (proposed, requested) => {
        this.emit({ type: 'proposing', proposed, requested });
      });
      if (asked === undefined) { stoppedBy = this.stopReason(); break; }
      let proposals = asked;
      let prefilled: Slot[] = [];
      if (this.tail.length > 0) [prefilled, proposals] = this.matchTail(proposals);
      const withinBudget = this.withinEvaluationBudgets(proposals);
      if (withinBudget.length < proposals.length) stoppedBy = 'evaluations';
      if (withinBudget.length === 0 && prefilled.length === 0) {
        if (this.done < this.total) stoppedBy ??= 'exhausted';
        break;
      }
      const slots = await this.evaluateSlots([...prefilled, ...this.freshSlots(withinBudget)]);
      if (slots === undefined) { stoppedBy = this.stopReason(); break; }
      this.options.optimizer.tell(slots.map((s): Trial => ({ point: s.point, result: s.result!, ...(s.fidelity ? { fidelity: s.fidelity } : {}) })));
      this.saveElapsed();
    }
    stoppedBy ??= this.trialsCappedByEvaluations ? 'evaluations' : 'budget';
    if ((stoppedBy === 'budget' || stoppedBy === 'evaluations') && store.getRun(runId)?.status === 'running') store.finishRun(runId, 'finished');
    this.emit({ type: 'finished', summary: this.summary(stoppedBy) });
  }

  /**
   * Arms `budget.minutes`, counted over every session of the run (the store keeps the time
   * spent): the remaining time aborts the run with the reason 'minutes' (at once when none is left).
   */
  private startTimeBudget(): NodeJS.Timeout | undefined {
    const minutes = this.options.budget.minutes;
    if (minutes === undefined) return undefined;
    const remainingMs = minutes * 60_000 - this.priorElapsedMs;
    if (remainingMs <= 0) {
      this.timeUp.abort('minutes');
      return undefined;
    }
    return setTimeout(() => this.timeUp.abort('minutes'), remainingMs);
  }

  /** Stores the run's total search time; a closed or failing store keeps the last value saved. */
  private saveElapsed(): void {
    try {
      this.options.store.setRunElapsed(this.options.runId, this.elapsedMs());
    } catch {
      // the store is closed or broken: the error that matters is reported elsewhere
    }
  }

  /** Search time of the run over all its sessions, ms. */
  private elapsedMs(): number {
    return this.priorElapsedMs + (performance.now() - this.startedAt);
  }

  /** Why the signal was aborted: the caller's time budget, or a stop (Ctrl-C, unsubscribe, lost lock). */
  private stopReason(): SearchStop {
    return this.signal.reason === 'minutes' ? 'minutes' : 'aborted';
  }

  /**
   * Tells the optimizer the trials the store already has for this run, ask by ask as they were
   * asked ({@link storedAsks}: an ask may be shorter than the batch where the optimizer's
   * `askLimit` ends it), after retrying those that failed recoverably (see {@link retryStored}).
   * A killed run may have stored only part of its last ask (or the budget cut it short); those
   * trials are kept as the {@link tail} and the ask is made again, told what it was told then,
   * so a deterministic optimizer proposes the same points and the resumed run follows the
   * uninterrupted sequence exactly.
   * @returns the stored trials as they stand after the retries.
   */
  private async resume(stored: TrialRecord[]): Promise<TrialRecord[]> {
    if (stored.length === 0) return [];
    const records = await this.retryStored(stored);
    for (const record of records) {
      this.countTrial(record.fidelity);
      const result = recordResult(record);
      if (result.ok && record.fidelity === undefined) this.considerBest(record.index, record.pointHash, record.point, result, false);
    }
    const { optimizer, budget } = this.options;
    const contiguous = records.every((r, k) => r.index === k);
    const asks = contiguous
      ? storedAsks(records.length, budget.batch, (asked) => optimizer.askLimit?.(asked))
      : [{ start: 0, end: records.length, complete: true }];
    const told = asks.at(-1)!.complete ? records.length : asks.at(-1)!.start;
    for (const ask of asks) if (ask.end <= told) optimizer.tell(records.slice(ask.start, ask.end).map(recordTrial));
    this.tail = records.slice(told);
    this.resumed = stored.filter((t) => !t.running).length;
    this.done = records.length;
    this.nextIndex = told === records.length ? records[records.length - 1].index + 1 : told;
    return records;
  }

  /**
   * Evaluates the stored trials that were still running when an earlier session ended, and
   * again those that failed recoverably and have attempts left, replacing each in the store as
   * its result arrives. Stopped part-way, the rest stay as stored.
   * @returns `stored` with the evaluated trials replaced.
   */
  private async retryStored(stored: TrialRecord[]): Promise<TrialRecord[]> {
    const retries = Math.max(0, Math.floor(this.options.retries ?? 2));
    const unfinished = stored.filter((record) => record.running);
    const failed = stored.filter((record) => retryable(record, retries));
    if ((unfinished.length === 0 && failed.length === 0) || this.signal.aborted) return stored;
    this.emit({ type: 'retrying', trials: failed.length, indices: failed.map((r) => r.index), unfinished: unfinished.map((r) => r.index) });
    const due = [...unfinished, ...failed].sort((a, b) => a.index - b.index);
    const slots = due.map((record): Slot => ({
      index: record.index, point: record.point, pointHash: record.pointHash, cached: false, retryOf: record,
      ...(record.fidelity ? { fidelity: record.fidelity } : {}),
    }));
    await this.evaluateSlots(slots);
    const replaced = new Map<number, TrialRecord>();
    for (const slot of slots) if (slot.result && slot.recorded) replaced.set(slot.index, this.trialRecord(slot));
    return stored.map((record) => replaced.get(record.index) ?? record);
  }

  /**
   * Matches a re-asked batch against the stored {@link tail}. When the optimizer proposed the
   * same points, the stored trials fill the first slots; otherwise (a non-deterministic
   * optimizer, or a changed batch size) the tail is told as it is and the new points follow it.
   * @returns the prefilled slots and the points still to evaluate.
   */
  private matchTail(proposals: Proposal[]): [Slot[], Proposal[]] {
    const tail = this.tail;
    this.tail = [];
    if (tail.every((record, k) => k < proposals.length && hashDesignPoint(proposalPoint(proposals[k])) === record.pointHash)) {
      const prefilled = tail.map((r): Slot => ({
        index: r.index, point: r.point, pointHash: r.pointHash, result: recordResult(r), cached: true, recorded: true,
        ...(r.fidelity ? { fidelity: r.fidelity } : {}),
      }));
      this.nextIndex = tail[tail.length - 1].index + 1;
      return [prefilled, proposals.slice(tail.length)];
    }
    this.options.optimizer.tell(tail.map(recordTrial));
    this.nextIndex = tail[tail.length - 1].index + 1;
    return [[], proposals.slice(0, Math.max(0, this.total - this.done))];
  }

  /**
   * Slots for newly asked points, at the next trial indices, each stored as a `running` trial
   * before anything is evaluated: a kill from here on loses no asked point, and the resume
   * evaluates exactly these.
   */
  private freshSlots(proposals: readonly Proposal[]): Slot[] {
    const slots = proposals.map((proposal, k): Slot => {
      const point = proposalPoint(proposal);
      const asked = proposalFidelity(proposal);
      const fidelity = asked === undefined || this.evaluatorFor(asked) === this.options.evaluator ? undefined : asked;
      return { index: this.nextIndex + k, point, pointHash: hashDesignPoint(point), cached: false, ...(fidelity ? { fidelity } : {}) };
    });
    this.nextIndex += slots.length;
    for (const slot of slots) {
      this.countTrial(slot.fidelity);
      this.options.store.appendTrial({
        runId: this.options.runId, index: slot.index, pointHash: slot.pointHash, point: slot.point, running: true,
        ...(slot.fidelity ? { fidelity: slot.fidelity } : {}),
      });
    }
    return slots;
  }

  private countTrial(fidelity: Fidelity | undefined): void {
    const key = fidelity ?? this.options.evaluator.fidelity;
    this.trialsPerFidelity.set(key, (this.trialsPerFidelity.get(key) ?? 0) + 1);
  }

  /**
   * The leading proposals that `budget.evaluations` still allows (trials per fidelity, resumed
   * ones included); the primary fidelity's cap already bounds the trial count.
   */
  private withinEvaluationBudgets(proposals: readonly Proposal[]): Proposal[] {
    const caps = this.options.budget.evaluations ?? {};
    const counts = new Map(this.trialsPerFidelity);
    const allowed: Proposal[] = [];
    for (const proposal of proposals) {
      const fidelity = proposalFidelity(proposal) ?? this.options.evaluator.fidelity;
      const count = counts.get(fidelity) ?? 0;
      if (count >= (caps[fidelity] ?? Number.POSITIVE_INFINITY)) break;
      counts.set(fidelity, count + 1);
      allowed.push(proposal);
    }
    return allowed;
  }

  /** Evaluates a batch's slots through the store, each at its fidelity, recording them in order. */
  private evaluateSlots(slots: Slot[]): Promise<Slot[] | undefined> {
    return evaluateSlots(slots, {
      ...this.options, workloadHash: this.workloadKey, signal: this.signal,
      evaluatorFor: (fidelity) => this.evaluatorFor(fidelity),
      record: (slot) => this.record(slot),
      onEvaluated: () => { this.evaluated += 1; },
    });
  }

  /**
   * The evaluator of a fidelity: the run's primary `evaluator` for undefined (or its own
   * fidelity), else the one `options.evaluators` holds.
   * @throws Error naming the fidelity and the config key when the run has none.
   */
  private evaluatorFor(fidelity: Fidelity | undefined): Evaluator {
    const { evaluator, evaluators } = this.options;
    if (fidelity === undefined || fidelity === evaluator.fidelity) return evaluator;
    const other = evaluators?.[fidelity];
    if (!other) {
      const have = [evaluator.fidelity, ...Object.keys(evaluators ?? {})].join(', ');
      throw new Error(`optimizer "${this.options.optimizer.id}" asked for evaluations at fidelity ${fidelity}, but this run has evaluators `
        + `only for ${have}; add an evaluator of fidelity ${fidelity} under the config's \`evaluators:\``);
    }
    return other;
  }

  /** The stored form of a finished slot. */
  private trialRecord(slot: Slot): TrialRecord {
    const result = slot.result!;
    return {
      runId: this.options.runId,
      index: slot.index,
      pointHash: slot.pointHash,
      point: slot.point,
      ...(slot.fidelity ? { fidelity: slot.fidelity } : {}),
      ...(result.ok ? { evaluation: result.evaluation } : { error: result.error, recoverable: result.recoverable }),
      elapsedMs: this.elapsedMs(),
      ...(slot.retryOf ? { attempts: (slot.retryOf.attempts ?? 1) + (slot.retryOf.running ? 0 : 1) } : {}),
    };
  }

  /** Stores a finished trial (replacing its running record, or the failure it retries) and publishes its events. */
  private record(slot: Slot): void {
    const result = slot.result!;
    const trial = this.trialRecord(slot);
    this.options.store.replaceTrial(trial); // the running trial, or the failure it retries
    if (!slot.retryOf) this.done += 1;
    if (slot.cached) this.cached += 1;
    this.emit({ type: 'trial', index: slot.index, pointHash: slot.pointHash, point: slot.point, result, cached: slot.cached, attempts: trial.attempts ?? 1 });
    if (!result.ok) {
      this.failed += 1;
      this.emit({ type: 'error', index: slot.index, pointHash: slot.pointHash, error: result.error, recoverable: result.recoverable, stored: false, attempts: trial.attempts ?? 1 });
    } else if (slot.fidelity === undefined) {
      this.considerBest(slot.index, slot.pointHash, slot.point, result, true);
    }
    if (!slot.retryOf) this.emit({ type: 'progress', done: this.done, total: this.total });
  }

  private considerBest(index: number, pointHash: string, point: DesignPoint, result: EvaluationResult & { ok: true }, announce: boolean): void {
    if (this.best && !(result.evaluation.edp < this.best.evaluation.edp)) return;
    this.best = { index, pointHash, point, evaluation: result.evaluation };
    if (announce) this.emit({ type: 'best', ...this.best });
  }

  private summary(stoppedBy: SearchStop): SearchSummary {
    return {
      runId: this.options.runId,
      trials: this.done,
      resumed: this.resumed,
      evaluated: this.evaluated,
      cached: this.cached,
      failed: this.failed,
      best: this.best,
      stoppedBy,
      elapsedMs: performance.now() - this.startedAt,
      totalElapsedMs: this.elapsedMs(),
    };
  }
}

