import type { Observable } from 'rxjs';
import type { SearchEvent } from '@polaris/core';
import { formatQuantity } from './format-number.js';
import { ProgressBar } from './progress-bar.js';

/** Failure lines printed before the rest are only counted. */
const PRINTED_FAILURES = 5;

/** Options of {@link renderSearchEvents}. */
export interface RenderOptions {
  /** No progress bar and no per-failure lines. */
  readonly quiet: boolean;
  /** The run's `retries:` setting, to say when a stored failure will not be retried again. */
  readonly retries?: number;
}

/**
 * Draws a search's events: a progress bar with the best EDP so far (and, while the optimizer
 * proposes a batch, how far it got), failures as lines above it — those read back from the
 * store on resume too, with their stored message.
 */
export function renderSearchEvents(events$: Observable<SearchEvent>, options: RenderOptions): void {
  const bar = new ProgressBar(process.stderr);
  let best = '';
  let failures = 0;
  let done = 0;
  let total = 0;
  const failure = (line: string) => {
    failures++;
    if (!options.quiet && failures <= PRINTED_FAILURES) bar.log(line);
    if (failures === PRINTED_FAILURES + 1) bar.log('further failures are counted, not printed');
  };
  events$.subscribe({
    next: (event) => {
      switch (event.type) {
        case 'started':
          total = event.total;
          if (event.resumed > 0) bar.log(`resuming: ${event.resumed} of ${event.total} trials already in the store`);
          break;
        case 'retrying':
          if (event.unfinished.length > 0) {
            bar.log(`evaluating ${event.unfinished.length} trial${event.unfinished.length === 1 ? '' : 's'} left unfinished by the last session (${listIndices(event.unfinished)})`);
          }
          if (event.trials > 0) bar.log(`retrying ${event.trials} stored trial${event.trials === 1 ? '' : 's'} that failed recoverably (${listIndices(event.indices)})`);
          break;
        case 'proposing':
          if (!options.quiet) bar.status(done, total, `${best}${best ? '; ' : ''}proposing ${event.proposed}/${event.requested} of the next batch`);
          break;
        case 'best':
          best = `best EDP ${formatQuantity(event.evaluation.edp / 1e6, 4)} µJ·cycles (trial ${event.index})`;
          break;
        case 'error':
          failure(describeFailure(event, options.retries));
          break;
        case 'progress':
          done = event.done;
          if (!options.quiet) bar.update(event.done, event.total, best);
          break;
        case 'finished':
          bar.finish();
          break;
        default:
          break;
      }
    },
    error: () => bar.finish(),
  });
}

/** One line for a failed trial: what failed, whether it will be tried again, its message. */
function describeFailure(event: Extract<SearchEvent, { type: 'error' }>, retries = 2): string {
  if (!event.stored) {
    const again = event.recoverable ? ' (recoverable: retried when the run is resumed)' : '';
    return `trial ${event.index} failed${event.attempts > 1 ? ` again (attempt ${event.attempts})` : ''}${again}: ${event.error}`;
  }
  const why = event.recoverable
    ? `failed recoverably ${event.attempts} time${event.attempts === 1 ? '' : 's'}; not retried again (raise \`retries:\` above ${retries} to retry)`
    : 'failed (not recoverable: the same point would fail again)';
  return `trial ${event.index} (stored) ${why}: ${event.error}`;
}

function listIndices(indices: readonly number[]): string {
  const shown = indices.slice(0, 8).map((i) => `#${i}`).join(', ');
  return indices.length > 8 ? `${shown}, … ${indices.length - 8} more` : shown;
}
