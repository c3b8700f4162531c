import { Random } from '@polaris/core';
import type { GpHyperparameters } from './ard-kernel.js';
import { marginalLikelihood, packHyperparameters, unpackHyperparameters } from './marginal-likelihood.js';

/** How {@link fitHyperparameters} maximises the log marginal likelihood. */
export interface HyperparameterFitOptions {
  /** Seed of the restarts' random starting points (default 0). */
  readonly seed?: number;
  /** Starting points besides the default one (default 2). */
  readonly restarts?: number;
  /** Adam steps per start (default 100). */
  readonly iterations?: number;
  /** Adam step size in log-parameter units (default 0.05). */
  readonly learningRate?: number;
  /**
   * The first starting point instead of {@link defaultHyperparameters} (a warm start from
   * hyperparameters fitted earlier); the restarts still jitter the default one.
   */
  readonly initial?: GpHyperparameters;
  /** Per-parameter bounds of θ (default {@link HYPERPARAMETER_BOUNDS} for every input). */
  readonly bounds?: ThetaBounds;
}

/** Lower and upper bounds of packed log hyperparameters θ (length d + 2 each). */
export interface ThetaBounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Bounds of the log hyperparameters (standardised inputs, normalised targets). */
export const HYPERPARAMETER_BOUNDS = {
  logLengthscale: [Math.log(1e-2), Math.log(1e3)],
  logSignalVariance: [Math.log(1e-3), Math.log(1e2)],
  logNoiseVariance: [Math.log(1e-6), Math.log(2)],
} as const;

/** Result of a fit: the best hyperparameters found and their log marginal likelihood. */
export interface HyperparameterFit {
  readonly hyperparameters: GpHyperparameters;
  readonly logMarginalLikelihood: number;
  /** Log marginal likelihood at the first starting point (the default or `initial`), for comparison. */
  readonly initialLogMarginalLikelihood: number;
}

/**
 * The default starting point: every lengthscale √d (standardised inputs, so a typical distance
 * between points is about one lengthscale), σf² = 1 (normalised targets), σn² = 0.01.
 */
export function defaultHyperparameters(d: number): GpHyperparameters {
  return {
    logLengthscales: new Float64Array(d).fill(0.5 * Math.log(Math.max(1, d))),
    logSignalVariance: 0,
    logNoiseVariance: Math.log(1e-2),
  };
}

/**
 * Projects packed log hyperparameters θ (see `packHyperparameters`) onto `bounds`, or onto
 * {@link HYPERPARAMETER_BOUNDS} when none are given, in place.
 */
export function clampTheta(theta: Float64Array, d: number, bounds?: ThetaBounds): void {
  if (bounds) {
    for (let i = 0; i < d + 2; i++) theta[i] = Math.min(bounds.upper[i], Math.max(bounds.lower[i], theta[i]));
    return;
  }
  const clip = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));
  for (let i = 0; i < d; i++) theta[i] = clip(theta[i], HYPERPARAMETER_BOUNDS.logLengthscale);
  theta[d] = clip(theta[d], HYPERPARAMETER_BOUNDS.logSignalVariance);
  theta[d + 1] = clip(theta[d + 1], HYPERPARAMETER_BOUNDS.logNoiseVariance);
}

/**
 * Maximises the log marginal likelihood by Adam on the log hyperparameters with the analytic
 * gradient, projected onto {@link HYPERPARAMETER_BOUNDS}, from the default start and
 * `restarts` seeded random starts (lengthscales jittered by a factor e^N(0,1), signal and noise
 * drawn log-uniformly); keeps the best iterate of all. Deterministic for a given seed.
 *
 * Why Adam on the analytic gradient rather than a derivative-free search: one gradient costs
 * about as much as three likelihood values (the n³ inverse and n²·d/2 pair terms besides the
 * n³/3 factor), while a derivative-free method needs O(d) values per step, and d is ~100
 * featurizer inputs. Measured (`src/gp/measure-gp-speed.ts`, this 2-core machine, loaded):
 * n = 200, d = 100: 100 steps from the default start 6.5 s, log marginal likelihood
 * −237.8 → 107.2; the two extra restarts tripled the time (27 s) without improving it on those
 * data. For n ≥ 200 pass `restarts: 0` when time matters; small n (tens of points, where local
 * optima such as "all noise" are common) is cheap and keeps the default.
 *
 * @param x standardised inputs, `n × d` row-major; @param y normalised targets (n).
 */
export function fitHyperparameters(
  x: Float64Array, y: Float64Array, n: number, d: number, options: HyperparameterFitOptions = {},
): HyperparameterFit {
  const iterations = options.iterations ?? 100;
  const learningRate = options.learningRate ?? 0.05;
  const rng = new Random(options.seed ?? 0).fork('gp-restarts');
  const defaults = defaultHyperparameters(d);
  const initial = options.initial ?? defaults;
  if (options.bounds && options.bounds.lower.length !== d + 2) throw new RangeError(`fitHyperparameters: bounds for ${options.bounds.lower.length - 2} inputs, data has ${d}`);
  if (initial.logLengthscales.length !== d) throw new RangeError(`fitHyperparameters: initial has ${initial.logLengthscales.length} lengthscales for ${d} inputs`);
  const first = packHyperparameters(initial);
  clampTheta(first, d, options.bounds);
  const initialValue = marginalLikelihood(x, y, n, d, unpackHyperparameters(first), false).value;
  const starts: Float64Array[] = [first];
  for (let r = 0; r < (options.restarts ?? 2); r++) {
    const theta = packHyperparameters(defaults);
    for (let i = 0; i < d; i++) theta[i] += rng.normal(0, 1);
    theta[d] = rng.uniform(Math.log(0.1), Math.log(10));
    theta[d + 1] = rng.uniform(Math.log(1e-4), Math.log(0.3));
    clampTheta(theta, d, options.bounds);
    starts.push(theta);
  }

  let best = { theta: starts[0], value: initialValue };
  for (const start of starts) {
    const theta = Float64Array.from(start);
    const m = new Float64Array(d + 2);
    const v = new Float64Array(d + 2);
    const beta1 = 0.9;
    const beta2 = 0.999;
    for (let t = 1; t <= iterations; t++) {
      let evaluated;
      try {
        evaluated = marginalLikelihood(x, y, n, d, unpackHyperparameters(theta), true);
      } catch {
        break; // numerically singular here: keep what this start found so far
      }
      if (Number.isFinite(evaluated.value) && evaluated.value > best.value) best = { theta: Float64Array.from(theta), value: evaluated.value };
      const g = evaluated.gradient!;
      for (let i = 0; i < theta.length; i++) {
        // Ascent on the likelihood.
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        const mHat = m[i] / (1 - beta1 ** t);
        const vHat = v[i] / (1 - beta2 ** t);
        theta[i] += (learningRate * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      clampTheta(theta, d, options.bounds);
    }
    try {
      const last = marginalLikelihood(x, y, n, d, unpackHyperparameters(theta), false).value;
      if (Number.isFinite(last) && last > best.value) best = { theta: Float64Array.from(theta), value: last };
    } catch {
      // singular at the last iterate: the best earlier one stands
    }
  }
  return { hyperparameters: unpackHyperparameters(best.theta), logMarginalLikelihood: best.value, initialLogMarginalLikelihood: initialValue };
}
