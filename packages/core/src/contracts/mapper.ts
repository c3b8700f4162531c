import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { HardwareConfig } from '../domain/hardware.js';
import type { Layer } from '../domain/layer.js';
import type { Mapping } from '../domain/mapping.js';

/** A mapping found for one layer and the cost the mapper's own model gave it. */
export interface MapperResult {
  readonly mapping: Mapping;
  /** Cycles per the mapper's model. */
  readonly cycles: number;
  /** Energy in pJ per the mapper's model. */
  readonly energy: number;
}

/** One question for a mapper: map `layer` onto `hardware` with `seed`. */
export interface MapRequest {
  readonly layer: Layer;
  readonly hardware: HardwareConfig;
  readonly seed: number;
}

/**
 * The answer to one {@link MapRequest}: a result, or the layer does not fit the hardware — a
 * value, not a thrown error, so one impossible request does not lose the rest of a batch.
 */
export type MapOutcome =
  | { readonly ok: true; readonly result: MapperResult }
  | { readonly ok: false; readonly error: LayerDoesNotFitError };

/** Options of {@link Mapper.mapMany}. */
export interface MapManyOptions {
  /**
   * Stops the batch: requests not started are dropped and the promise rejects with the
   * signal's reason, within about one layer's mapping time.
   */
  readonly signal?: AbortSignal;
}

/**
 * Finds a good valid mapping of a layer onto given hardware. Deterministic for a given
 * `seed`. Lets optimizers obtain mappings without importing a fidelity package.
 *
 * Lifecycle: `map` works from construction on. A mapper that holds resources (worker threads)
 * releases them in `close`; whoever created the mapper calls it once, when done with it.
 */
export interface Mapper {
  readonly id: string;
  /**
   * Names the mapper's code and every option that changes its answers (e.g. a hash of its
   * energy table and buffer layout). When present, answers may be cached in the store by
   * (id, version, layer, hardware, seed) — see {@link StoreCachedMapper}; bump it when the search changes.
   * How the work is run (in-process or on worker threads) is not part of it: the answers are equal.
   */
  readonly version?: string;
  /**
   * Maps one layer synchronously, on the calling thread.
   * @throws LayerDoesNotFitError when no valid mapping exists (e.g. buffers too small).
   */
  map(layer: Layer, hardware: HardwareConfig, seed: number): MapperResult;
  /**
   * Maps many layers, possibly in parallel (e.g. on worker threads); optional — callers use
   * {@link mapRequests}, which falls back to `map` on the calling thread, yielding between requests.
   * Each answer is exactly what `map` gives for the same request.
   * @returns one outcome per request, in request order; "does not fit" is an outcome.
   * @throws (rejects) with `signal.reason` when aborted, and with any other error `map` would throw.
   */
  mapMany?(requests: readonly MapRequest[], options?: MapManyOptions): Promise<MapOutcome[]>;
  /** Releases what the mapper holds (worker threads); idempotent. `map` may be used afterwards, `mapMany` not. */
  close?(): Promise<void>;
}
/** DI token for {@link Mapper}. */
export const Mapper = Symbol.for('polaris.Mapper');

/** No valid mapping of a layer exists on the given hardware; the message names the limit hit. */
export class LayerDoesNotFitError extends Error {
  override readonly name = 'LayerDoesNotFitError';
}

/**
 * Answers `requests` with `mapper.mapMany` when the mapper has it, else in-process: `map` per
 * request, yielding to the event loop after each and checking `signal` before each.
 * @returns one outcome per request, in request order.
 * @throws (rejects) with `signal.reason` when aborted; any error other than LayerDoesNotFitError is passed on.
 */
export function mapRequests(mapper: Mapper, requests: readonly MapRequest[], options: MapManyOptions = {}): Promise<MapOutcome[]> {
  if (mapper.mapMany) return mapper.mapMany(requests, options);
  return mapInProcess(mapper, requests, options);
}

/** Per mapper, the end of the in-process batches queued so far (see {@link mapInProcess}). */
const inProcessQueues = new WeakMap<Mapper, Promise<unknown>>();

/**
 * The in-process {@link Mapper.mapMany}: `map` per request on the calling thread, yielding to the
 * event loop after each so that signals, timers and progress keep running. Concurrent calls on
 * one mapper are answered one batch after the other, in call order — as a one-thread pool
 * would — so the first caller's answers come first instead of every batch finishing last.
 * A queued call checks its signal when its turn comes (so when the running call shares the
 * signal, every call has rejected within one layer's mapping time).
 */
export function mapInProcess(mapper: Mapper, requests: readonly MapRequest[], options: MapManyOptions = {}): Promise<MapOutcome[]> {
  const previous = inProcessQueues.get(mapper) ?? Promise.resolve();
  const run = previous.then(() => mapEach(mapper, requests, options.signal));
  inProcessQueues.set(mapper, run.catch(() => undefined));
  return run;
}

/** `map` per request, checking the signal before each and yielding after each. */
async function mapEach(mapper: Mapper, requests: readonly MapRequest[], signal: AbortSignal | undefined): Promise<MapOutcome[]> {
  const outcomes: MapOutcome[] = [];
  for (const { layer, hardware, seed } of requests) {
    signal?.throwIfAborted();
    outcomes.push(mapOne(mapper, layer, hardware, seed));
    await yieldToEventLoop();
  }
  signal?.throwIfAborted();
  return outcomes;
}

/** `mapper.map` with "does not fit" as a value. */
function mapOne(mapper: Mapper, layer: Layer, hardware: HardwareConfig, seed: number): MapOutcome {
  try {
    return { ok: true, result: mapper.map(layer, hardware, seed) };
  } catch (error) {
    if (error instanceof LayerDoesNotFitError) return { ok: false, error };
    throw error;
  }
}
