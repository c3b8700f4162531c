import { statSync } from 'node:fs';
import { Observable } from 'rxjs';
import type { SimulatorBuild } from './build-record.js';
import { type BuildOptions, buildSimulator } from './verilator-build.js';

interface Entry {
  readonly promise: Promise<SimulatorBuild>;
  readonly controller: AbortController;
  /** Subscribers waiting for the build now. */
  waiting: number;
  settled: boolean;
  /** The finished build's binary and its size, mtime and inode when its digest was checked. */
  verified?: { readonly binary: string; readonly stat: string };
}

/** Size, mtime and inode of a file (`undefined` when it is gone): a cheap "is it still the same file". */
function statKey(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The simulator builds one evaluator needs, one per DIM, shared by all its evaluations.
 *
 * Lifecycle: {@link acquire} is cold; the first subscriber for a DIM starts
 * {@link buildSimulator} (which returns at once when the build is in the disk cache), later
 * ones wait for the same build. If every waiting subscriber unsubscribes before the build
 * finishes, the build is aborted (its verilator/make/yosys processes are killed) and forgotten,
 * so the next request starts afresh. A finished build — or a failed one, so a broken RTL fails
 * every later point at once instead of rebuilding for each — is kept for the object's lifetime,
 * except that a finished build whose binary has changed on disk since its digest was checked
 * (size, mtime or inode differ) is dropped, so the next request checks the cache again and
 * rebuilds a replaced binary instead of running it.
 */
export class SimulatorBuilds {
  private readonly entries = new Map<number, Entry>();

  /** @param options everything {@link buildSimulator} takes except `dim` and `signal`. */
  constructor(private readonly options: Omit<BuildOptions, 'dim' | 'signal'> = {}) {}

  /** A cold Observable of the build for `dim` (one value, or the build's error). */
  acquire(dim: number): Observable<SimulatorBuild> {
    return new Observable<SimulatorBuild>((subscriber) => {
      let entry = this.entries.get(dim);
      if (entry?.verified !== undefined && statKey(entry.verified.binary) !== entry.verified.stat) entry = undefined;
      entry ??= this.start(dim);
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
    promise.then((build) => {
      entry.settled = true;
      const stat = statKey(build.binary);
      if (stat !== undefined) entry.verified = { binary: build.binary, stat };
    }, () => { entry.settled = true; });
    this.entries.set(dim, entry);
    return entry;
  }
}
