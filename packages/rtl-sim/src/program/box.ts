import { MAX_COUNT } from './isa.js';

/**
 * A multi-dimensional block of buffer rows ↔ DRAM rows, outer→inner: index i of a dimension
 * moves `rowStride` buffer rows and `dramStride` DRAM bytes. A DMA instruction moves `n`
 * consecutive buffer rows with one DRAM stride, so the innermost dimension must have
 * `rowStride` 1 (see {@link mergeBox}).
 */
export interface BoxDim {
  readonly count: number;
  readonly rowStride: number;
  readonly dramStride: number;
}

/**
 * Simplifies a box for DMA: drops count-1 dimensions and merges each dimension into the one
 * inside it when their strides line up (outer stride = inner stride · inner count, in rows
 * and in bytes). Appends a unit innermost dimension when the innermost stride is not 1 row.
 */
export function mergeBox(dims: readonly BoxDim[]): BoxDim[] {
  const out = dims.filter((d) => d.count !== 1);
  // Merge from the inside out: an outer dimension folds into the inner one when strides line up.
  const merged: BoxDim[] = [];
  for (let i = out.length - 1; i >= 0; i--) {
    const outer = out[i];
    const inner = merged[0];
    if (inner && outer.rowStride === inner.rowStride * inner.count && outer.dramStride === inner.dramStride * inner.count) {
      merged[0] = { count: inner.count * outer.count, rowStride: inner.rowStride, dramStride: inner.dramStride };
    } else {
      merged.unshift(outer);
    }
  }
  if (merged.length === 0 || merged[merged.length - 1].rowStride !== 1) merged.push({ count: 1, rowStride: 1, dramStride: 0 });
  return merged;
}

/** DMA instructions {@link forEachRun} makes of a merged box. */
export const boxRunCount = (dims: readonly BoxDim[]): number =>
  dims.slice(0, -1).reduce((p, d) => p * d.count, 1) * Math.ceil(dims[dims.length - 1].count / MAX_COUNT);

/** Rows in a box. */
export const boxRows = (dims: readonly BoxDim[]): number => dims.reduce((p, d) => p * d.count, 1);

/**
 * Calls `emit(row, dramAddr, n, dramStride)` once per DMA instruction that moves the (merged)
 * box whose first row is `row0` and first DRAM byte `dram0`: one per index of the outer
 * dimensions, the innermost dimension split into runs of at most 65535 rows.
 */
export function forEachRun(
  dims: readonly BoxDim[], row0: number, dram0: number,
  emit: (row: number, dramAddr: number, n: number, dramStride: number) => void,
): void {
  const inner = dims[dims.length - 1];
  const outer = dims.length - 1;
  const idx = new Array<number>(outer).fill(0);
  for (;;) {
    let row = row0;
    let dram = dram0;
    for (let i = 0; i < outer; i++) {
      row += idx[i] * dims[i].rowStride;
      dram += idx[i] * dims[i].dramStride;
    }
    for (let done = 0; done < inner.count; done += MAX_COUNT) {
      const n = Math.min(MAX_COUNT, inner.count - done);
      emit(row + done * inner.rowStride, dram + done * inner.dramStride, n, inner.dramStride);
    }
    let j = outer - 1;
    while (j >= 0 && ++idx[j] === dims[j].count) idx[j--] = 0;
    if (j < 0) return;
  }
}
