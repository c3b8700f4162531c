/**
 * A small deterministic PRNG (mulberry32) for tests and fixture plugins. The keys are mixed
 * into one 32-bit state, so `seededRandom(seed, trialIndex)` gives an independent stream per
 * trial — handy for optimizers that must keep no hidden state between asks.
 * @returns a function yielding floats in [0, 1).
 */
export function seededRandom(...keys: readonly number[]): () => number {
  let state = 0x9e3779b9;
  for (const key of keys) {
    state = Math.imul(state ^ (Math.floor(key) >>> 0), 0x85ebca6b) >>> 0;
    state = (state ^ (state >>> 13)) >>> 0;
  }
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [min, max] drawn from `random`. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
