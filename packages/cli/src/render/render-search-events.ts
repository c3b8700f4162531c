import type { Observable } from 'rxjs';
import type { SearchEvent } from '@polaris/core';
import { formatQuantity } from './format-number.js';
import { ProgressBar } from './progress-bar.js';

/** Draws a search's events: a progress bar with the best EDP so far, failures as lines above it. */
export function renderSearchEvents(events$: Observable<SearchEvent>, options: { quiet: boolean }): void {
  const bar = new ProgressBar(process.stderr);
  let best = '';
  let failures = 0;
  events$.subscribe({
    next: (event) => {
      switch (event.type) {
        case 'started':
          if (event.resumed > 0) bar.log(`resuming: ${event.resumed} of ${event.total} trials already in the store`);
          break;
        case 'best':
          best = `best EDP ${formatQuantity(event.evaluation.edp / 1e6, 4)} µJ·cycles (trial ${event.index})`;
          break;
        case 'error':
          failures++;
          if (!options.quiet && failures <= 5) bar.log(`trial ${event.index} failed${event.recoverable ? ' (recoverable)' : ''}: ${event.error}`);
          if (failures === 6) bar.log('further failures are counted, not printed');
          break;
        case 'progress':
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
