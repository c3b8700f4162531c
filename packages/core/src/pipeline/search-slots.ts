import { map, merge, Subscription } from 'rxjs';
import type { Evaluator } from '../contracts/evaluator.js';
import type { AskContext, Optimizer, Proposal } from '../contracts/optimizer.js';
import type { Store, TrialRecord } from '../contracts/store.js';
import type { DesignPoint } from '../domain/design-point.js';
import type { EvaluationResult, Fidelity } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';
import { evaluateThroughStore, type StoreEvaluationOptions } from './evaluate-through-store.js';

/** One trial of the current batch while its result is pending. */
export interface Slot {
  readonly index: number;
  readonly point: DesignPoint;
  readonly pointHash: string;
  /** The fidelity that evaluates it; absent for the run's primary fidelity. */
  readonly fidelity?: Fidelity;
  result?: EvaluationResult;
  cached: boolean;
  /** Already in the store with its result (a resumed partial batch, or just recorded): not stored again. */
  recorded?: boolean;
  /** A stored trial evaluated again (it was running, or failed recoverably): replaced in the store. */
  retryOf?: TrialRecord;
}

/**
 * Asks `optimizer` for `n` proposals, passing the stop signal; the ask is abandoned (its result
 * ignored) as soon as `signal` aborts, even if the optimizer does not watch it.
 * @returns the proposals (at most `n`), or undefined when stopped first.
 */
export async function askUnlessStopped(
  optimizer: Optimizer, n: number, signal: AbortSignal, onProposed: NonNullable<AskContext['onProposed']>,
): Promise<Proposal[] | undefined> {
  if (signal.aborted) return undefined;
  let onAbort = () => undefined as void;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const asked = Promise.resolve(optimizer.ask(n, { signal, onProposed: (k, m) => { if (!signal.aborted) onProposed(k, m); } }));
    asked.catch(() => undefined); // rejected after an abort won the race: nothing to report
    const proposals = await Promise.race([asked, aborted]);
    return proposals === undefined || signal.aborted ? undefined : proposals.slice(0, n);
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** What {@link evaluateSlots} evaluates with. */
export interface SlotEvaluation extends Omit<StoreEvaluationOptions, 'evaluator'> {
  readonly store: Store;
  readonly workload: Workload;
  /** The evaluator of a fidelity (undefined: the primary). */
  readonly evaluatorFor: (fidelity: Fidelity | undefined) => Evaluator;
  readonly signal: AbortSignal;
  /** Stores a finished slot and publishes it; called in slot order. */
  readonly record: (slot: Slot) => void;
  /** Called once per point the evaluators computed (not answered from the store). */
  readonly onEvaluated: () => void;
}

/**
 * Fills every slot of a batch through the store ({@link evaluateThroughStore}, one stream per
 * fidelity, all at once, each with its fidelity's concurrency) and records finished slots in
 * slot order (slots already `recorded` are kept as they are). After an abort nothing more is
 * recorded: the run stops at the trial it was aborted on.
 * @returns the completed slots, or undefined when aborted first.
 */
export function evaluateSlots(slots: Slot[], how: SlotEvaluation): Promise<Slot[] | undefined> {
  let flushed = 0;
  const flush = () => {
    for (; flushed < slots.length && slots[flushed].result && !how.signal.aborted; flushed++) {
      if (!slots[flushed].recorded) how.record(slots[flushed]);
      slots[flushed].recorded = true;
    }
  };
  const fresh = slots.filter((slot) => !slot.recorded);
  if (fresh.length === 0) {
    flush();
    return Promise.resolve(slots);
  }
  const byFidelity = new Map<Fidelity | undefined, Slot[]>();
  for (const slot of fresh) byFidelity.set(slot.fidelity, [...(byFidelity.get(slot.fidelity) ?? []), slot]);
  const results$ = merge(...[...byFidelity].map(([fidelity, group]) => evaluateThroughStore(
    group.map((slot) => slot.point), { ...how, evaluator: how.evaluatorFor(fidelity) },
  ).pipe(map((outcome) => ({ ...outcome, fidelity })))));
  return new Promise<Slot[] | undefined>((resolve, reject) => {
    let settled = false;
    // A container, so a synchronous evaluator that settles during subscribe() is still unsubscribed.
    const subscription = new Subscription();
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      how.signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      outcome();
    };
    const onAbort = () => settle(() => resolve(undefined));
    subscription.add(results$.subscribe({
      next: ({ pointHash, result, cached, fidelity }) => {
        if (settled) return;
        try {
          if (!cached) how.onEvaluated();
          let first = true;
          for (const slot of fresh) {
            if (slot.pointHash !== pointHash || slot.fidelity !== fidelity || slot.result) continue;
            slot.result = result;
            slot.cached = cached || !first; // a point asked twice in one batch is evaluated once
            first = false;
          }
          flush();
        } catch (error) {
          settle(() => reject(error));
        }
      },
      error: (error: unknown) => settle(() => reject(error)),
      complete: () => settle(() => resolve(slots)),
    }));
    if (settled) return;
    if (how.signal.aborted) onAbort();
    else how.signal.addEventListener('abort', onAbort, { once: true });
  });
}
