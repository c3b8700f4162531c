import { MAX_COMPUTE_STRIDE, MAX_COUNT } from './isa.js';

/**
 * The vectors streamed under one PRELOAD: the innermost loops of the nest that change neither
 * the weight block nor any tile (P, Q, N loops at L1/L0 inside the innermost weight loop).
 * Each stream loop moves `spStride` input rows and `accStride` accumulator rows per step.
 */
export interface StreamLoop {
  readonly count: number;
  readonly spStride: number;
  readonly accStride: number;
}

/** One COMPUTE of a stream, relative to the stream's first sp and acc row. */
export interface ComputeRun {
  readonly spOffset: number;
  readonly accOffset: number;
  readonly vectors: number;
  readonly spStride: number;
  readonly accStride: number;
}

/** A stream after merging: the loops repeated around each COMPUTE, and the COMPUTE's own loop. */
interface MergedStream {
  readonly outer: readonly StreamLoop[];
  readonly vectorLoop: StreamLoop | undefined;
}

/**
 * Adjacent loops whose strides line up (outer stride = inner stride · inner count, in sp and acc
 * rows) merge into one; the innermost merged loop becomes the COMPUTE's vectors when its strides
 * fit 16 bits, else every vector is its own COMPUTE.
 */
function mergeStream(loops: readonly StreamLoop[]): MergedStream {
  const merged: StreamLoop[] = [];
  for (let i = loops.length - 1; i >= 0; i--) {
    const outer = loops[i];
    if (outer.count === 1) continue;
    const inner = merged[0];
    if (inner && outer.spStride === inner.spStride * inner.count && outer.accStride === inner.accStride * inner.count) {
      merged[0] = { count: inner.count * outer.count, spStride: inner.spStride, accStride: inner.accStride };
    } else {
      merged.unshift(outer);
    }
  }
  const innermost = merged[merged.length - 1];
  const vectorLoop = innermost && innermost.spStride <= MAX_COMPUTE_STRIDE && innermost.accStride <= MAX_COMPUTE_STRIDE
    ? innermost : undefined;
  return { outer: vectorLoop ? merged.slice(0, -1) : merged, vectorLoop };
}

/** How many COMPUTEs {@link planComputeRuns} makes of a stream, without listing them. */
export function computeRunCount(loops: readonly StreamLoop[]): number {
  const { outer, vectorLoop } = mergeStream(loops);
  return outer.reduce((p, l) => p * l.count, 1) * (vectorLoop ? Math.ceil(vectorLoop.count / MAX_COUNT) : 1);
}

/**
 * Splits a stream into COMPUTEs (see mergeStream): the innermost merged loop becomes the
 * COMPUTE's vectors (chunks of ≤ 65535), the outer ones repeat it. Returns the runs in execution
 * order (the same for every stream of the program).
 */
export function planComputeRuns(loops: readonly StreamLoop[]): ComputeRun[] {
  const { outer, vectorLoop } = mergeStream(loops);
  const runs: ComputeRun[] = [];
  const idx = new Array<number>(outer.length).fill(0);
  for (;;) {
    let sp = 0;
    let acc = 0;
    for (let i = 0; i < outer.length; i++) {
      sp += idx[i] * outer[i].spStride;
      acc += idx[i] * outer[i].accStride;
    }
    if (vectorLoop) {
      for (let done = 0; done < vectorLoop.count; done += MAX_COUNT) {
        runs.push({
          spOffset: sp + done * vectorLoop.spStride, accOffset: acc + done * vectorLoop.accStride,
          vectors: Math.min(MAX_COUNT, vectorLoop.count - done), spStride: vectorLoop.spStride, accStride: vectorLoop.accStride,
        });
      }
    } else {
      runs.push({ spOffset: sp, accOffset: acc, vectors: 1, spStride: 0, accStride: 0 });
    }
    let j = outer.length - 1;
    while (j >= 0 && ++idx[j] === outer[j].count) idx[j--] = 0;
    if (j < 0) return runs;
  }
}

/** Streams with more loops than this keep the nest's order (7! orders would be slow to try). */
export const MAX_REORDERED_STREAM_LOOPS = 6;

/**
 * The order of `items` with the lowest `cost`, trying every permutation when there are at most
 * {@link MAX_REORDERED_STREAM_LOOPS}; ties keep the earliest order tried, the given one first.
 */
export function cheapestOrder<T>(items: readonly T[], cost: (order: readonly T[]) => number): T[] {
  let best = [...items];
  if (items.length > MAX_REORDERED_STREAM_LOOPS) return best;
  let bestCost = cost(best);
  const visit = (prefix: T[], rest: T[]): void => {
    if (rest.length === 0) {
      const c = cost(prefix);
      if (c < bestCost) {
        best = [...prefix];
        bestCost = c;
      }
      return;
    }
    for (let i = 0; i < rest.length; i++) visit([...prefix, rest[i]], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  visit([], [...items]);
  return best;
}
