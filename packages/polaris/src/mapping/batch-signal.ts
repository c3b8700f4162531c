import { setMaxListeners } from 'node:events';

/**
 * Runs one ask's concurrent work (the mapper batches of its points) under a signal of its own:
 * aborted with `outer`'s reason when `outer` is aborted, and with the failure when `work` rejects,
 * so the rest of the batch stops mapping instead of running on unawaited.
 * @param listeners the concurrent batches that will listen to the signal (raises its listener limit).
 * @throws (rejects) with `outer.reason` when already aborted, and with whatever `work` rejects with.
 */
export async function withBatchSignal<T>(outer: AbortSignal | undefined, listeners: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  outer?.throwIfAborted();
  const batch = new AbortController();
  setMaxListeners(listeners + 10, batch.signal);
  const stop = () => batch.abort(outer?.reason);
  outer?.addEventListener('abort', stop, { once: true });
  try {
    return await work(batch.signal);
  } catch (error) {
    batch.abort(error);
    throw error;
  } finally {
    outer?.removeEventListener('abort', stop);
  }
}
