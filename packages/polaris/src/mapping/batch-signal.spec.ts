import { describe, expect, it } from 'vitest';
import { withBatchSignal } from './batch-signal.js';

/** Resolves when `signal` is aborted, with its reason. */
const aborted = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason)));

describe('withBatchSignal', () => {
  it('aborts the batch with the caller\'s reason', async () => {
    const outer = new AbortController();
    const reason = new Error('stopped by the test');
    const run = withBatchSignal(outer.signal, 1, async (signal) => {
      const stopped = aborted(signal);
      outer.abort(reason);
      return stopped;
    });
    expect(await run).toBe(reason);
  });

  it('aborts the batch with the failure of its work and rejects with it', async () => {
    const failure = new Error('a mapper crashed');
    let inner: AbortSignal | undefined;
    await expect(withBatchSignal(undefined, 2, async (signal) => {
      inner = signal;
      throw failure;
    })).rejects.toBe(failure);
    expect(inner?.aborted).toBe(true);
    expect(inner?.reason).toBe(failure);
  });

  it('does not start when the caller\'s signal is already aborted', async () => {
    const outer = new AbortController();
    outer.abort(new Error('already stopped'));
    let started = false;
    await expect(withBatchSignal(outer.signal, 1, async () => { started = true; })).rejects.toThrow('already stopped');
    expect(started).toBe(false);
  });
});
