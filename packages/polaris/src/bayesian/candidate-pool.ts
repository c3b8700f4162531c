import type { HardwareConfig, HardwareSpace, Random } from '@polaris/core';
import { hardwareKey } from '../mapping/mapping-sampler.js';

/** Distinct hardware candidates drawn uniformly from a space, never mapped. */
export interface CandidatePool {
  /** The candidates, m of them, all distinct and none excluded. */
  readonly hardware: readonly HardwareConfig[];
  /**
   * m×d row-major encodings of the decoded hardware (so a discrete value is scored at its bin
   * centre, where the model was told about it).
   */
  readonly encoded: Float64Array;
  /** d, the columns of one encoding. */
  readonly dimension: number;
  /** The first `uniform` candidates were drawn uniformly (the rest around the centres). */
  readonly uniform: number;
}

/** Where a pool's candidates come from. */
export interface PoolOptions {
  /** Candidates drawn (before de-duplication). */
  readonly size: number;
  /** Told or pending hardware, by {@link hardwareKey}: never a candidate. */
  readonly exclude: ReadonlySet<string>;
  /**
   * Encoded points (k×d row-major, e.g. the best observed) to draw `localFraction` of the pool
   * around: each such draw is a centre picked uniformly plus N(0, localSpread²) per column.
   */
  readonly centres?: Float64Array;
  /** Share of the draws around `centres` (default 0: all uniform). */
  readonly localFraction?: number;
  /** σ of a local draw in encoded units (default 0.05). */
  readonly localSpread?: number;
}

/**
 * Draws `size` points in the encoded cube — uniformly, and a `localFraction` of them around the
 * centres — and keeps the distinct decoded hardware that is not excluded: at most `size`
 * candidates, fewer when draws coincide (a narrow space). Deterministic in `random`'s seed path.
 */
export function drawCandidatePool(space: HardwareSpace, random: Random, options: PoolOptions): CandidatePool {
  const d = space.dimension;
  const seen = new Set(options.exclude);
  const centres = options.centres ?? new Float64Array();
  const k = centres.length / d;
  const local = k > 0 ? Math.round(options.size * (options.localFraction ?? 0)) : 0;
  const spread = options.localSpread ?? 0.05;
  const hardware: HardwareConfig[] = [];
  let uniform = 0;
  for (let draw = 0; draw < options.size; draw++) {
    const isLocal = draw >= options.size - local;
    let x: Float64Array;
    if (isLocal) {
      const c = random.int(0, k - 1);
      x = Float64Array.from({ length: d }, (_, j) => centres[c * d + j] + random.normal(0, spread));
    } else {
      x = space.sampleEncoded(random);
    }
    const candidate = space.decode(x);
    const key = hardwareKey(candidate);
    if (seen.has(key)) continue;
    seen.add(key);
    hardware.push(candidate);
    if (!isLocal) uniform += 1;
  }
  const encoded = new Float64Array(hardware.length * d);
  hardware.forEach((h, i) => space.encode(h, encoded, i * d));
  return { hardware, encoded, dimension: d, uniform };
}

/** The candidates of `pool` whose `keep` entry is true, in pool order (so the uniform ones still come first). */
export function keepCandidates(pool: CandidatePool, keep: readonly boolean[]): CandidatePool {
  const d = pool.dimension;
  const rows = pool.hardware.flatMap((_, i) => (keep[i] ? [i] : []));
  const encoded = new Float64Array(rows.length * d);
  rows.forEach((row, j) => encoded.set(pool.encoded.subarray(row * d, (row + 1) * d), j * d));
  return { hardware: rows.map((row) => pool.hardware[row]), encoded, dimension: d, uniform: rows.filter((row) => row < pool.uniform).length };
}
