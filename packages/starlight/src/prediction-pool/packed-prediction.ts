/**
 * A {@link StarlightPrediction} as one Float64Array, so a worker thread can move it (one
 * transferable buffer) instead of structured-cloning six arrays.
 */
import type { LogPrediction, StarlightPrediction } from '../dkl/starlight.js';

/** The order of the packed prediction's six `rows`-long parts. */
export const PACKED_ORDER = [['logCycles', 'mean'], ['logCycles', 'std'], ['logEnergy', 'mean'], ['logEnergy', 'std'], ['logEdp', 'mean'], ['logEdp', 'std']] as const;

/** `6 × rows`, the parts in {@link PACKED_ORDER}. */
export function packPrediction(p: StarlightPrediction, rows: number): Float64Array {
  const out = new Float64Array(6 * rows);
  PACKED_ORDER.forEach(([target, part], k) => out.set(p[target][part], k * rows));
  return out;
}

/** The prediction of consecutive slices, each packed by {@link packPrediction}, in order. */
export function unpackPredictions(packed: readonly Float64Array[]): StarlightPrediction {
  const rows = packed.reduce((sum, p) => sum + p.length / 6, 0);
  const part = (k: number) => {
    const out = new Float64Array(rows);
    let offset = 0;
    for (const p of packed) {
      const n = p.length / 6;
      out.set(p.subarray(k * n, (k + 1) * n), offset);
      offset += n;
    }
    return out;
  };
  const target = (k: number): LogPrediction => ({ mean: part(2 * k), std: part(2 * k + 1) });
  return { logCycles: target(0), logEnergy: target(1), logEdp: target(2) };
}
