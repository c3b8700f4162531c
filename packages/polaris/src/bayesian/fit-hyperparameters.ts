import type { Random } from '@polaris/core';
import { NotPositiveDefiniteError } from './cholesky.js';
import { logMarginalLikelihood } from './log-marginal-likelihood.js';

/** Box on the hyperparameters in natural units, `[min, max]` each. */
export interface HyperparameterBounds {
  /** ℓ, encoded units (the unit cube); default [0.02, 5]. */
  readonly lengthscale: readonly [number, number];
  /** s², standardised-target units; default [0.05, 20]. */
  readonly signalVariance: readonly [number, number];
  /** σn², standardised-target units; default [1e-6, 1]. */
  readonly noiseVariance: readonly [number, number];
}

export const DEFAULT_HYPERPARAMETER_BOUNDS: HyperparameterBounds = {
  lengthscale: [0.02, 5],
  signalVariance: [0.05, 20],
  noiseVariance: [1e-6, 1],
};

/** How {@link fitHyperparameters} searches. */
export interface HyperparameterSearchOptions {
  /** Starts: the first from a fixed centre, the rest uniform in the log box (default 3). */
  readonly restarts?: number;
  /** Gradient steps per start (default 60). */
  readonly maxIterations?: number;
  readonly bounds?: HyperparameterBounds;
  /** A warm start tried first (packed θ), e.g. the hyperparameters of the previous fit. */
  readonly initial?: ArrayLike<number>;
  /** Awaited after every step, so a long fit can yield to the event loop. */
  readonly pause?: () => Promise<void>;
}

/** The best hyperparameters found and their log marginal likelihood. */
export interface HyperparameterFit {
  /** Packed θ, length d + 2 (see matern52-kernel.ts). */
  readonly theta: Float64Array;
  readonly logLikelihood: number;
  /** Likelihood evaluations spent, over all starts. */
  readonly evaluations: number;
}

/**
 * Maximises the log marginal likelihood over θ inside the log box: from each start, projected
 * gradient ascent with Barzilai–Borwein step lengths and Armijo backtracking, using the analytic
 * gradient. Deterministic in (data, `random`'s seed path, options).
 *
 * @param x n×d row-major encoded inputs; y n standardised targets.
 */
export async function fitHyperparameters(
  x: Float64Array, n: number, d: number, y: Float64Array, random: Random, options: HyperparameterSearchOptions = {},
): Promise<HyperparameterFit> {
  const bounds = options.bounds ?? DEFAULT_HYPERPARAMETER_BOUNDS;
  const box = logBox(bounds, d);
  const starts = startingPoints(box, random, options.restarts ?? 3, options.initial);
  let best: HyperparameterFit | undefined;
  let evaluations = 0;
  for (const start of starts) {
    const result = await ascend(x, n, d, y, start, box, options.maxIterations ?? 60, options.pause);
    evaluations += result.evaluations;
    if (!best || result.logLikelihood > best.logLikelihood) best = result;
  }
  if (!best || !Number.isFinite(best.logLikelihood)) {
    throw new NotPositiveDefiniteError(`no hyperparameters in the box give a positive definite kernel matrix for ${n} points`);
  }
  return { ...best, evaluations };
}

/** Lower and upper bounds of packed θ, length d + 2 each. */
interface LogBox {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

function logBox(bounds: HyperparameterBounds, d: number): LogBox {
  const pairs = [...Array.from({ length: d }, () => bounds.lengthscale), bounds.signalVariance, bounds.noiseVariance];
  return { lo: Float64Array.from(pairs, (p) => Math.log(p[0])), hi: Float64Array.from(pairs, (p) => Math.log(p[1])) };
}

function project(theta: Float64Array, box: LogBox): Float64Array {
  return theta.map((t, k) => Math.min(box.hi[k], Math.max(box.lo[k], t)));
}

/** The fixed centre (ℓ = 0.5, s² = 1, σn² = 1e-3, projected into the box), an optional warm start, then seeded uniform draws. */
function startingPoints(box: LogBox, random: Random, restarts: number, initial: ArrayLike<number> | undefined): Float64Array[] {
  const d = box.lo.length - 2;
  const centre = Float64Array.from({ length: d + 2 }, (_, k) => (k < d ? Math.log(0.5) : k === d ? 0 : Math.log(1e-3)));
  const starts = [project(centre, box)];
  if (initial && initial.length === d + 2) starts.unshift(project(Float64Array.from(initial), box));
  for (let r = 1; r < restarts; r++) {
    const draw = random.fork(`restart-${r}`);
    starts.push(box.lo.map((lo, k) => draw.uniform(lo, box.hi[k])));
  }
  return starts;
}

/** ln p and ∂ ln p/∂θ, or −∞ where K cannot be factorised. */
function evaluate(x: Float64Array, n: number, d: number, y: Float64Array, theta: Float64Array) {
  try {
    const { value, gradient } = logMarginalLikelihood(x, n, d, y, theta);
    return Number.isFinite(value) ? { value, gradient: gradient! } : undefined;
  } catch (error) {
    if (error instanceof NotPositiveDefiniteError) return undefined;
    throw error;
  }
}

/** Projected gradient ascent from `start`; see {@link fitHyperparameters}. */
async function ascend(
  x: Float64Array, n: number, d: number, y: Float64Array, start: Float64Array, box: LogBox, maxIterations: number,
  pause: (() => Promise<void>) | undefined,
): Promise<HyperparameterFit> {
  let theta = start;
  let current = evaluate(x, n, d, y, theta);
  let evaluations = 1;
  if (!current) return { theta, logLikelihood: -Infinity, evaluations };
  let step = 0.5 / Math.max(1e-12, maxAbs(current.gradient));
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let accepted: { theta: Float64Array; value: number; gradient: Float64Array } | undefined;
    for (let halving = 0; halving < 30 && !accepted; halving++, step *= 0.5) {
      const candidate = project(theta.map((t, k) => t + step * current!.gradient[k]), box);
      const next = evaluate(x, n, d, y, candidate);
      evaluations += 1;
      let ascent = 0;
      for (let k = 0; k < candidate.length; k++) ascent += current.gradient[k] * (candidate[k] - theta[k]);
      if (next && next.value >= current.value + 1e-4 * ascent) accepted = { theta: candidate, ...next };
    }
    if (!accepted) break;
    const moved = maxAbs(accepted.theta.map((t, k) => t - theta[k]));
    const gained = accepted.value - current.value;
    step = barzilaiBorwein(theta, accepted.theta, current.gradient, accepted.gradient) ?? step * 4;
    theta = accepted.theta;
    current = { value: accepted.value, gradient: accepted.gradient };
    await pause?.();
    if (moved < 1e-6 || gained < 1e-9 * (1 + Math.abs(current.value))) break;
  }
  return { theta, logLikelihood: current.value, evaluations };
}

/** The BB step |sᵀs / sᵀv| (s = Δθ, v = Δgradient), or undefined when it is not defined. */
function barzilaiBorwein(from: Float64Array, to: Float64Array, gradientFrom: Float64Array, gradientTo: Float64Array): number | undefined {
  let ss = 0;
  let sv = 0;
  for (let k = 0; k < from.length; k++) {
    const s = to[k] - from[k];
    ss += s * s;
    sv += s * (gradientTo[k] - gradientFrom[k]);
  }
  const step = Math.abs(ss / sv);
  return Number.isFinite(step) && step > 0 ? Math.min(step, 1e4) : undefined;
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let k = 0; k < values.length; k++) max = Math.max(max, Math.abs(values[k]));
  return max;
}
