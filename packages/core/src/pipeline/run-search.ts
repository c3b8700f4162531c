import { type Observable, Subject } from 'rxjs';
import type { SearchEvent, SearchOptions, SearchSummary } from './search-event.js';
import { searchEvents } from './search-events.js';

/** A search that is already running. */
export interface SearchRun {
  /**
   * Every event of the run (hot). The run starts on the next microtask, so subscribing in
   * the same tick as {@link runSearch} sees `started`. Unsubscribing does not stop the run;
   * use {@link SearchRun.stop} or the `signal` option.
   */
  readonly events$: Observable<SearchEvent>;
  /** Resolves with the summary when the run finishes (also when stopped); rejects if the optimizer or store throws. */
  readonly done: Promise<SearchSummary>;
  /**
   * Stops asking and cancels evaluations in flight; `done` then resolves with `stoppedBy`
   * `'aborted'`, or `'minutes'` when stopped because the time budget ran out.
   */
  stop(reason?: 'aborted' | 'minutes'): void;
}

/**
 * Starts a search (see {@link searchEvents} for the wiring) and returns its event stream and a
 * promise of its summary — the shape the CLI renders:
 *
 * ```ts
 * const run = runSearch({ optimizer, evaluator, store, workload, runId, budget: { trials: 200, batch: 8 } });
 * run.events$.subscribe(render);
 * const summary = await run.done;
 * ```
 */
export function runSearch(options: SearchOptions): SearchRun {
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  else options.signal?.addEventListener('abort', forward, { once: true });
  const events$ = new Subject<SearchEvent>();
  const done = new Promise<SearchSummary>((resolve, reject) => {
    let summary: SearchSummary | undefined;
    queueMicrotask(() => {
      searchEvents({ ...options, signal: controller.signal }).subscribe({
        next: (event) => {
          if (event.type === 'finished') summary = event.summary;
          events$.next(event);
        },
        error: (error: unknown) => {
          options.signal?.removeEventListener('abort', forward);
          events$.error(error);
          reject(error);
        },
        complete: () => {
          options.signal?.removeEventListener('abort', forward);
          events$.complete();
          if (summary) resolve(summary);
          else reject(new Error('search completed without a finished event'));
        },
      });
    });
  });
  // A caller that only watches events$ must not get an unhandled-rejection crash from `done`.
  done.catch(() => undefined);
  return {
    events$: events$.asObservable(), done,
    stop: (reason = 'aborted') => controller.abort(reason === 'minutes' ? 'minutes' : undefined),
  };
}
