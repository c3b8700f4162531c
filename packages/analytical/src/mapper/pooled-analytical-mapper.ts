import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import {
  type HardwareConfig, type Layer, LayerDoesNotFitError, type MapManyOptions, type MapOutcome, type MapRequest, type Mapper,
} from '@polaris/core';
import { AnalyticalMapper } from './analytical-mapper.js';
import type { MapperWorkerData, MapperWorkerOutcome } from './analytical-mapper-worker.js';
import type { LayerMapping, MapperOptions } from './map-layer.js';

/** Options of {@link PooledAnalyticalMapper}: the mapper's own, plus the pool's size. */
export interface PooledMapperOptions extends MapperOptions {
  /** Worker threads (default `os.availableParallelism()`, the cores this process may use). */
  readonly workers?: number;
  /** The worker entry module (default `analytical-mapper-worker.mjs`); tests replace it. */
  readonly workerFile?: string;
}

/**
 * How long an idle worker thread lives, ms, before it exits to free its memory (the next batch
 * starts it again). Idle threads do not keep the process alive (piscina unrefs them).
 */
const IDLE_TIMEOUT_MS = 10_000;

/** The worker entry: a JavaScript file that registers tsx, then loads the TypeScript task. */
const WORKER_FILE = new URL('./analytical-mapper-worker.mjs', import.meta.url).href;

/**
 * The {@link AnalyticalMapper} with `mapMany` on a pool of worker threads (piscina), one task per
 * request, so a batch of layers is mapped on every core while the main thread keeps serving
 * signals, heartbeats and progress. Each worker builds its own AnalyticalMapper from the same plain
 * options, so every answer — and the `version` under which the store caches it — equals the
 * in-process mapper's. `map` runs in-process, for callers that map one layer synchronously.
 *
 * Lifecycle: the threads start on the first `mapMany` (a command that only calls `map` starts
 * none) and are stopped by `close`, which the creator calls when its command ends; idle threads
 * also exit after {@link IDLE_TIMEOUT_MS}, and never keep the process alive. Aborting a batch
 * drops its queued tasks and terminates the threads running its tasks (the next batch starts new ones).
 */
export class PooledAnalyticalMapper implements Mapper {
  readonly id = 'analytical';
  readonly version: string;
  /** Worker threads the pool runs at most. */
  readonly workers: number;
  private readonly inProcess: AnalyticalMapper;
  private readonly workerData: MapperWorkerData;
  private readonly workerFile: string;
  private pool: Piscina | undefined;
  private closed = false;
  /** Why the worker threads cannot run (they failed to start), once they have failed. */
  private failure: Error | undefined;

  constructor(options: PooledMapperOptions = {}) {
    const { workers, workerFile, ...mapperOptions } = options;
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
      throw new RangeError(`workers must be a whole number ≥ 1, got ${workers}`);
    }
    this.inProcess = new AnalyticalMapper(mapperOptions);
    this.version = this.inProcess.version;
    this.workers = workers ?? availableParallelism();
    this.workerData = { options: mapperOptions };
    this.workerFile = workerFile ?? WORKER_FILE;
  }

  /** The mapper's options (the search's, without the pool's), as the in-process AnalyticalMapper has them. */
  get options(): MapperOptions {
    return this.inProcess.options;
  }

  /** @throws LayerDoesNotFitError when no mapping of the layer fits the buffers. */
  map(layer: Layer, hardware: HardwareConfig, seed: number): LayerMapping {
    return this.inProcess.map(layer, hardware, seed);
  }

  /**
   * Maps every request on the pool, in parallel.
   * @returns one outcome per request, in request order.
   * @throws (rejects) with `signal.reason` when aborted; with the worker's error on a mapper bug;
   * and when the mapper is closed.
   */
  async mapMany(requests: readonly MapRequest[], options: MapManyOptions = {}): Promise<MapOutcome[]> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (requests.length === 0) return [];
    const pool = this.started();
    // One listener on the caller's signal per batch; piscina listens on the batch's, once per task.
    const batch = new AbortController();
    setMaxListeners(requests.length + 10, batch.signal);
    const stop = () => batch.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    let answers: MapperWorkerOutcome[];
    try {
      answers = await Promise.all(requests.map(({ layer, hardware, seed }) =>
        pool.run({ layer, hardware, seed } satisfies MapRequest, { signal: batch.signal }) as Promise<MapperWorkerOutcome>));
    } catch (error) {
      signal?.throwIfAborted();
      if (this.failure) throw this.failure;
      batch.abort(error); // a mapper bug: the rest of the batch is not needed
      throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    return answers.map((answer) => (answer.ok ? { ok: true, result: answer.result } : { ok: false, error: new LayerDoesNotFitError(answer.error) }));
  }

  /** Stops the worker threads (tasks still queued are rejected); idempotent. `map` keeps working. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  /** The pool, started on first use. */
  private started(): Piscina {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the analytical mapper\'s worker pool is closed; create a new mapper to map more batches');
    if (this.pool) return this.pool;
    const pool = new Piscina({
      filename: this.workerFile,
      minThreads: 0,
      maxThreads: this.workers,
      idleTimeout: IDLE_TIMEOUT_MS,
      workerData: this.workerData,
      // Workers inherit the process's Node options, except one they refuse (`node --input-type=module -e …`).
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
    });
    // A thread that fails while no task is on it (e.g. while loading the worker module): piscina
    // starts no more, so end the pool, rejecting what is queued, and say why from now on.
    pool.on('error', (error: unknown) => {
      this.failure = new Error(`the analytical mapper's worker threads failed: ${error instanceof Error ? error.message : String(error)}`
        + ' (the mapper option workers: 0 maps on the calling thread instead)', { cause: error });
      if (this.pool === pool) this.pool = undefined;
      void pool.destroy();
    });
    this.pool = pool;
    return pool;
  }
}
