/**
 * Starlight's predictions on several cores: a pool of worker threads (piscina), each holding the
 * model loaded from one saved directory, a batch split into contiguous slices, one per thread.
 * The WASM backend runs one thread per instance (tfjs has no WASM threads in Node), so this is
 * how a batch uses both cores of a 2-core machine. Same numbers as `Starlight.predict` on the
 * calling thread — it is that code, on a copy of the model read from the same files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { LogTargets } from '../model/layer-table.js';
import type { Starlight, StarlightPrediction } from '../dkl/starlight.js';
import { unpackPredictions } from './packed-prediction.js';
import type { PredictionTask, PredictionWorkerData } from './starlight-prediction-worker.js';

export interface StarlightPredictionPoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly workers?: number;
  /** Batches below this many rows per thread are not split further (default 2,048). */
  readonly minRowsPerTask?: number;
}

const WORKER_FILE = new URL('./starlight-prediction-worker.mjs', import.meta.url).href;
/** How long an idle worker thread lives, ms, before it exits (the next batch starts it again). */
const IDLE_TIMEOUT_MS = 60_000;

export class StarlightPredictionPool {
  readonly workers: number;
  private readonly pool: Piscina;
  private readonly minRowsPerTask: number;
  private failure: Error | undefined;

  private constructor(private readonly dir: string, private readonly ownsDir: boolean, options: StarlightPredictionPoolOptions) {
    const { workers, minRowsPerTask } = options;
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new RangeError(`workers must be a whole number ≥ 1, got ${workers}`);
    this.workers = workers ?? availableParallelism();
    this.minRowsPerTask = minRowsPerTask ?? 2048;
    const workerData: PredictionWorkerData = { dir };
    this.pool = new Piscina({
      filename: WORKER_FILE, minThreads: 0, maxThreads: this.workers, idleTimeout: IDLE_TIMEOUT_MS, workerData,
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
    });
    this.pool.on('error', (error: unknown) => {
      this.failure = new Error(`Starlight's prediction worker threads failed: ${error instanceof Error ? error.message : String(error)}`
        + ` (the model directory was ${dir}; Starlight.predict on the calling thread still works)`, { cause: error });
    });
  }

  /** A pool over the model saved in `dir` (by `Starlight.save` / `polaris train`). */
  static fromDirectory(dir: string, options: StarlightPredictionPoolOptions = {}): StarlightPredictionPool {
    return new StarlightPredictionPool(dir, false, options);
  }

  /** A pool over `model`, saved first to a temporary directory that {@link close} removes. */
  static async fromModel(model: Starlight, options: StarlightPredictionPoolOptions = {}): Promise<StarlightPredictionPool> {
    const dir = mkdtempSync(join(tmpdir(), 'polaris-starlight-'));
    await model.save(dir);
    return new StarlightPredictionPool(dir, true, options);
  }

  /**
   * Mean and std of ln cycles, ln energy and ln EDP per feature row (`rows × cols`), as
   * `Starlight.predict` gives them. @param prior as there: required for non-standard feature rows.
   */
  async predict(features: Float32Array, rows: number, prior?: LogTargets): Promise<StarlightPrediction> {
    if (this.failure) throw this.failure;
    if (rows === 0 || features.length % rows !== 0) throw new RangeError(`StarlightPredictionPool.predict: ${features.length} feature values is not ${rows} whole rows`);
    const cols = features.length / rows;
    const tasks = Math.max(1, Math.min(this.workers, Math.floor(rows / this.minRowsPerTask)));
    const answers: Promise<Float64Array>[] = [];
    for (let t = 0; t < tasks; t++) {
      const start = Math.floor((t * rows) / tasks);
      const end = Math.floor(((t + 1) * rows) / tasks);
      const task: PredictionTask = {
        features: features.slice(start * cols, end * cols), rows: end - start,
        ...(prior ? { prior: { logCycles: prior.logCycles.slice(start, end), logEnergy: prior.logEnergy.slice(start, end) } } : {}),
      };
      answers.push(this.pool.run(task, { transferList: [task.features.buffer as ArrayBuffer] }) as Promise<Float64Array>);
    }
    return unpackPredictions(await Promise.all(answers));
  }

  /** Stops the worker threads and removes the temporary model directory, if this pool made one; idempotent. */
  async close(): Promise<void> {
    await this.pool.destroy();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
