/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) on four 32-bit words,
 * seeded through splitmix32. All arithmetic is 32-bit integer math (`Math.imul`, `>>> 0`),
 * so a seed gives the same sequence on every platform and Node version.
 *
 * Streams are organised as a tree: {@link Random.fork} derives a child stream from the
 * parent's *seed path* and a label — not from how many numbers the parent has drawn — so
 * `rng.fork('layer-3')` is the same stream whatever else the program drew before. Give every
 * independent consumer (a layer's mapper, an optimizer's candidate pool, …) its own fork.
 */
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** 32-bit digest of the seed path; forks hash their label into it. */
  private readonly key: number;
  /** Second normal deviate of the last Box–Muller pair, if unused. */
  private spare: number | undefined;

  /**
   * @param seed any finite number or string; numbers beyond 32 bits use both halves.
   * @param label internal: the label path of a fork (use {@link Random.fork} instead).
   */
  constructor(seed: number | string, label?: string) {
    let key = typeof seed === 'string' ? hashString(seed, 0x2545f491) : hashNumber(seed);
    if (label !== undefined) key = hashString(label, key);
    this.key = key;
    let sm = key;
    const nextSplitMix = (): number => {
      sm = (sm + 0x9e3779b9) >>> 0;
      return mix32(sm);
    };
    this.s0 = nextSplitMix();
    this.s1 = nextSplitMix();
    this.s2 = nextSplitMix();
    this.s3 = nextSplitMix();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** Next raw 32-bit unsigned integer. */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.uint32() >>> 5; // 27 bits
    const low = this.uint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /**
   * Uniform integer in [lo, hi], both inclusive. Unbiased (rejection sampling) for spans up
   * to 2^32; wider spans fall back to scaling {@link next}.
   * @throws RangeError when the bounds are not integers or `hi < lo`.
   */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new RangeError(`Random.int(${lo}, ${hi}): bounds must be integers with lo ≤ hi`);
    }
    const span = hi - lo + 1;
    if (span > 0x100000000) return lo + Math.floor(this.next() * span);
    const limit = 0x100000000 - (0x100000000 % span);
    let draw = this.uint32();
    while (draw >= limit) draw = this.uint32();
    return lo + (draw % span);
  }

  /** Uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /**
   * A uniformly chosen element.
   * @throws RangeError on an empty array.
   */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick: cannot pick from an empty array');
    return items[this.int(0, items.length - 1)];
  }

  /** A uniformly shuffled copy (Fisher–Yates); the input is not modified. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i];
      out[i] = out[j];
      out[j] = tmp;
    }
    return out;
  }

  /** Normal deviate (Box–Muller, polar form) with the given mean and standard deviation. */
  normal(mean = 0, std = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + std * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * factor;
    return mean + std * u * factor;
  }

  /**
   * An independent child stream named by `label`. Deterministic in (seed path, label) and
   * independent of how much this stream has been used; forking does not advance it.
   */
  fork(label: string | number): Random {
    return new Random(this.key, String(label));
  }
}

/** 32-bit left rotation. */
function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The splitmix32/murmur3 finaliser: a bijective avalanche on 32 bits. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Folds a finite number (integer or not, any magnitude) into 32 bits. */
function hashNumber(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`Random: seed must be finite, got ${seed}`);
  if (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return mix32(seed ^ 0x5bd1e995);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed);
  return mix32(mix32(view.getUint32(0) ^ 0x5bd1e995) ^ view.getUint32(4));
}

/** FNV-1a over UTF-16 code units, started from `basis`, then finalised. */
function hashString(text: string, basis: number): number {
  let h = (basis ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}
