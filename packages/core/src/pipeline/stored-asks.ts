/** One ask of a run as its stored trials show it: trials `start` to `end − 1`. */
export interface StoredAsk {
  readonly start: number;
  readonly end: number;
  /**
   * Whether the store holds every point the ask could have returned. A last ask may not: the
   * run was killed while its trials were being stored, or the budget asked fewer points.
   */
  readonly complete: boolean;
}

/**
 * Splits the `count` stored trials of a run into the asks that made them. The search loop asks
 * `batch` points a round, and an optimizer with an `askLimit` (a schedule, at
 * its stages' ends) returns at most that many, so every ask has `min(batch, askLimit(start))`
 * trials — except perhaps the last, which is then not `complete`. Counting from the batch alone
 * would put every ask after a shorter one at the wrong trial.
 * @param askLimit the optimizer's `askLimit`; undefined, or a value below 1, for no limit.
 */
export function storedAsks(count: number, batch: number, askLimit?: (asked: number) => number | undefined): StoredAsk[] {
  const full = Math.max(1, Math.floor(batch));
  const asks: StoredAsk[] = [];
  for (let start = 0; start < count;) {
    const limit = askLimit?.(start);
    const size = limit !== undefined && limit >= 1 ? Math.min(full, Math.floor(limit)) : full;
    const end = Math.min(count, start + size);
    asks.push({ start, end, complete: end - start === size });
    start = end;
  }
  return asks;
}
