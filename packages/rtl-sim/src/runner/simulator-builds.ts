import { Observable } from 'rxjs';
import { type BuildOptions, type SimulatorBuild, buildSimulator } from './verilator-build.js';

interface Entry {
  readonly promise: Promise<SimulatorBuild>;
  readonly controller: AbortController;
  /** Subscribers waiting for the build now. */
  waiting: number;
  settled: boolean;
}

/**
 * The simulator builds one evaluator needs, one per DIM, shared by all its evaluations.
 *
 * Lifecycle: {@link acquire} is cold; the first subscriber for a DIM starts
 * {@link buildSimulator} (which returns at once when the build is in the disk cache), later
 * ones wait for the same build. If every waiting subscriber unsubscribes before the build
 * finishes, the build is aborted (its verilator/make/yosys processes are killed) and forgotten,
 * so the next request starts afresh. A finished build — or a failed one, so a broken RTL fails
 * every later point at once instead of rebuilding for each — is kept for the object's lifetime.
 */
export class SimulatorBuilds {
  private readonly entries = new Map<number, Entry>();

  /** @param options everything {@link buildSimulator} takes except `dim` and `signal`. */
  constructor(private readonly options: Omit<BuildOptions, 'dim' | 'signal'> = {}) {}

  /** A cold Observable of the build for `dim` (one value, or the build's error). */
  acquire(dim: number): Observable<SimulatorBuild> {
    return new Observable<SimulatorBuild>((subscriber) => {
      const entry = this.entries.get(dim) ?? this.start(dim);
      entry.waiting++;
      let done = false;
      entry.promise.then(
        (build) => {
          if (done) return;
          done = true;
          entry.waiting--;
          subscriber.next(build);
          subscriber.complete();
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          entry.waiting--;
          subscriber.error(error);
        },
      );
      return () => {
        if (done) return;
        done = true;
        entry.waiting--;
        if (entry.waiting === 0 && !entry.settled) {
          entry.controller.abort();
          if (this.entries.get(dim) === entry) this.entries.delete(dim);
        }
      };
    });
  }

  private start(dim: number): Entry {
    const controller = new AbortController();
    const promise = buildSimulator({ ...this.options, dim, signal: controller.signal });
    const entry: Entry = { promise, controller, waiting: 0, settled: false };
    promise.then(() => { entry.settled = true; }, () => { entry.settled = true; });
    this.entries.set(dim, entry);
    return entry;
  }
}
