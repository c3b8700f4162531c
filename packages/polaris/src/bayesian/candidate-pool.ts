import type { HardwareConfig, HardwareSpace, Random } from '@polaris/core';

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
}

/** A stable key of a hardware configuration (for de-duplication). */
export function hardwareKey(hardware: HardwareConfig): string {
  return `${hardware.peDim},${hardware.spKB},${hardware.accKB}`;
}

/**
 * Draws `size` points uniformly in the encoded cube and keeps the distinct decoded hardware
 * that is not in `exclude` (told or pending hardware): at most `size` candidates, fewer when
 * draws coincide (a narrow space). Deterministic in `random`'s seed path.
 */
export function drawCandidatePool(space: HardwareSpace, random: Random, size: number, exclude: ReadonlySet<string>): CandidatePool {
  const seen = new Set(exclude);
  const hardware: HardwareConfig[] = [];
  for (let k = 0; k < size; k++) {
    const candidate = space.decode(space.sampleEncoded(random));
    const key = hardwareKey(candidate);
    if (seen.has(key)) continue;
    seen.add(key);
    hardware.push(candidate);
  }
  const d = space.dimension;
  const encoded = new Float64Array(hardware.length * d);
  hardware.forEach((h, i) => space.encode(h, encoded, i * d));
  return { hardware, encoded, dimension: d };
}
