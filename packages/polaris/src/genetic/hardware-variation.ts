import type { HardwareConfig, HardwareSpace, Random } from '@polaris/core';

/**
 * Variation of the hardware genes (peDim, spKB, accKB) through the run's {@link HardwareSpace}
 * encoder: the algorithm sees the unit cube (log-scaled, peDim in power-of-two bins) and every
 * decoded child lies inside the space.
 */

/** Uniform crossover: each parameter from one parent, with equal odds. */
export function crossHardware(a: HardwareConfig, b: HardwareConfig, rng: Random): HardwareConfig {
  return {
    peDim: rng.chance(0.5) ? a.peDim : b.peDim,
    spKB: rng.chance(0.5) ? a.spKB : b.spKB,
    accKB: rng.chance(0.5) ? a.accKB : b.accKB,
  };
}

/**
 * Gaussian mutation in the encoded cube: each column moves by N(0, scale²) with probability
 * 1/3 (at least one column moves), clamped to [0, 1], then decoded. A draw that rounds back
 * to the same hardware is repeated a few times, so a mutation usually changes something.
 * @param scale standard deviation in encoded units (0.1 ≈ ×2.1 on a buffer of the full 1–2048 KiB range).
 */
export function mutateHardware(space: HardwareSpace, hardware: HardwareConfig, rng: Random, scale: number): HardwareConfig {
  const encoded = space.encode(hardware);
  let mutated = hardware;
  for (let attempt = 0; attempt < 4 && sameHardware(mutated, hardware); attempt++) {
    const x = Float64Array.from(encoded);
    const forced = rng.int(0, x.length - 1);
    for (let i = 0; i < x.length; i++) {
      if (i === forced || rng.chance(1 / 3)) x[i] = Math.min(1, Math.max(0, x[i] + rng.normal(0, scale)));
    }
    mutated = space.decode(x);
  }
  return mutated;
}

/** Whether two hardware configurations are equal. */
export const sameHardware = (a: HardwareConfig, b: HardwareConfig): boolean =>
  a.peDim === b.peDim && a.spKB === b.spKB && a.accKB === b.accKB;
