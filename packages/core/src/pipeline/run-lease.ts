import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunLockHolder, Store } from '../contracts/store.js';

/** Timing of a run's write lock (Optuna's RDB heartbeat: interval and grace period). */
export interface RunLockTiming {
  /** How often the holder renews its heartbeat, ms (default 5 000). */
  readonly heartbeatMs?: number;
  /** A lock not renewed for this long is expired and may be taken over, ms (default 30 000). */
  readonly expiryMs?: number;
}

/** Another live process writes the run: the message names it and what to do. */
export class RunLockedError extends Error {
  override readonly name = 'RunLockedError';

  constructor(readonly runId: string, readonly holder: RunLockHolder, expiryMs: number, now = Date.now()) {
    const ago = Math.max(0, (now - holder.heartbeatAt) / 1000);
    super(`run "${runId}" is being written by another polaris process (pid ${holder.pid} on ${holder.host}, `
      + `last heartbeat ${ago.toFixed(1)} s ago); wait for it to finish or stop it (Ctrl-C, or kill ${holder.pid}), then rerun to resume. `
      + `A holder that died without releasing the run expires ${(expiryMs / 1000).toFixed(0)} s after its last heartbeat`);
  }
}

/** The lease was taken by another process while this one held it (its heartbeat stalled past the expiry). */
export class RunLockLostError extends Error {
  override readonly name = 'RunLockLostError';
}

/** Whether a process with this pid exists on this machine (EPERM: it exists but is not ours). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The write lock of one run, held by this process while it searches: taken in the store with a
 * heartbeat that a timer renews, so a second process on the same run is refused while the
 * holder lives, and takes over once the holder is gone — at once when the holder was a process
 * of this machine that no longer exists, else when its heartbeat is older than the expiry.
 */
export class RunLease {
  private readonly timer: NodeJS.Timeout;
  private released = false;

  private constructor(
    private readonly store: Store,
    readonly runId: string,
    readonly holder: string,
    heartbeatMs: number,
    onLost: (error: RunLockLostError) => void,
  ) {
    this.timer = setInterval(() => {
      if (this.released) return;
      let renewed: boolean;
      try {
        renewed = store.renewRunLock(runId, holder, Date.now());
      } catch {
        return; // a busy or closing store: the next beat retries; expiry is several beats away
      }
      if (!renewed) {
        this.stop();
        onLost(new RunLockLostError(`lost the write lock of run "${runId}": another process took it over after this one's `
          + 'heartbeat stalled; stop one of them and rerun to resume'));
      }
    }, heartbeatMs);
    this.timer.unref();
  }

  /**
   * Takes the lock of `runId` or throws.
   * @param onLost called (once) if the lock is found taken by another process at a heartbeat.
   * @throws RunLockedError when a live process holds it.
   */
  static acquire(store: Store, runId: string, timing: RunLockTiming, onLost: (error: RunLockLostError) => void): RunLease {
    const heartbeatMs = Math.max(10, timing.heartbeatMs ?? 5_000);
    const expiryMs = Math.max(heartbeatMs * 2, timing.expiryMs ?? 30_000);
    const host = hostname();
    const candidate: RunLockHolder = {
      holder: `${host}:${process.pid}:${randomBytes(4).toString('hex')}`, host, pid: process.pid, heartbeatAt: Date.now(),
    };
    const current = store.acquireRunLock(runId, candidate, {
      expiryMs,
      isAlive: (h) => h.host !== host || h.pid === process.pid || processIsAlive(h.pid),
    });
    if (current) throw new RunLockedError(runId, current, expiryMs);
    return new RunLease(store, runId, candidate.holder, heartbeatMs, onLost);
  }

  /** Frees the lock (a store that is already closed keeps it until it expires). */
  release(): void {
    if (this.released) return;
    this.stop();
    try {
      this.store.releaseRunLock(this.runId, this.holder);
    } catch {
      // closed store: the lock expires on its own
    }
  }

  private stop(): void {
    this.released = true;
    clearInterval(this.timer);
  }
}
