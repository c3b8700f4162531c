/**
 * The task a `StarlightPredictionPool` worker thread runs: Starlight, loaded once per thread
 * from the pool's model directory (`workerData`), predicts one contiguous slice of a batch.
 * Loaded through `starlight-prediction-worker.mjs`.
 */
import { workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { Starlight } from '../dkl/starlight.js';
import type { LogTargets } from '../model/layer-table.js';
import { packPrediction } from './packed-prediction.js';

/** What a worker thread is started with. */
export interface PredictionWorkerData {
  /** A directory `Starlight.save` wrote. */
  readonly dir: string;
}

/** One slice: `rows × cols` feature values (row-major) and, optionally, the rows' analytical prior. */
export interface PredictionTask {
  readonly features: Float32Array;
  readonly rows: number;
  readonly prior?: LogTargets;
}

/** Loaded on the first task, so a missing or corrupt model rejects that task with the loader's message. */
let model: Promise<Starlight> | undefined;

/**
 * Predicts one slice. The answer is one `6 × rows` Float64Array — mean and σ of ln cycles, of
 * ln energy and of ln EDP, in that order (`PACKED_ORDER`) — moved, not copied, back to the
 * calling thread.
 */
export default async function predictInWorker({ features, rows, prior }: PredictionTask): Promise<Float64Array> {
  model ??= Starlight.load((workerData as PredictionWorkerData).dir);
  return Piscina.move(packPrediction((await model).predict(features, rows, prior), rows)) as Float64Array;
}
