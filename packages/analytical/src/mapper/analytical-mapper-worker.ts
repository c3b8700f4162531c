/**
 * The task a {@link PooledAnalyticalMapper} worker thread runs: one (layer, hardware, seed)
 * mapped by an {@link AnalyticalMapper} built once per thread from the pool's plain options
 * (`workerData`), so the worker needs no container. Loaded through `analytical-mapper-worker.mjs`.
 */
import { workerData } from 'node:worker_threads';
import { LayerDoesNotFitError, type MapRequest } from '@polaris/core';
import { AnalyticalMapper } from './analytical-mapper.js';
import type { LayerMapping, MapperOptions } from './map-layer.js';

/** What a worker thread is started with: the mapper's options, structured-cloneable data. */
export interface MapperWorkerData {
  readonly options: MapperOptions;
}

/** A worker's answer: the mapping, or the "does not fit" message (a value, as in `MapOutcome`). */
export type MapperWorkerOutcome =
  | { readonly ok: true; readonly result: LayerMapping }
  | { readonly ok: false; readonly error: string };

const mapper = new AnalyticalMapper((workerData as MapperWorkerData).options);

/** Maps one request; any error but LayerDoesNotFitError (a mapper bug) rejects the task. */
export default function mapInWorker({ layer, hardware, seed }: MapRequest): MapperWorkerOutcome {
  try {
    return { ok: true, result: mapper.map(layer, hardware, seed) };
  } catch (error) {
    if (error instanceof LayerDoesNotFitError) return { ok: false, error: error.message };
    throw error;
  }
}
