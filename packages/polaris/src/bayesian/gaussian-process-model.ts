import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type DesignPoint, type HardwareConfig, type HardwarePredictionOptions, HardwareSpace, type PerformanceModel, type Prediction,
  Random, type Sample, type Workload, workloadHash,
} from '@polaris/core';
import { z } from 'zod';
import { hardwareKey } from '../mapping/mapping-sampler.js';
import { type HyperparameterBounds, fitHyperparameters } from './fit-hyperparameters.js';
import { GaussianProcess, type PointsPosterior } from './gaussian-process.js';

/** Options of {@link GaussianProcessModel}. */
export interface GaussianProcessModelOptions {
  /** Hyperparameter starts per fit: a fixed centre, then seeded draws (default 2). */
  readonly restarts?: number;
  /** Gradient steps per start (default 50). */
  readonly maxIterations?: number;
  /**
   * The hyperparameters are fitted on the first m samples, m the largest step of the schedule
   * n ≤ 16, then ⌊16·1.25^k⌋, that does not exceed the sample count or `maxFitSamples`
   * (default 100), and memoised by those samples: the likelihood costs O(m³) per step, and this
   * way a run of hundreds of trials refits about a dozen times, while each fit stays a function
   * of the samples alone. The posterior conditions on the samples given by `maxSamples`.
   */
  readonly maxFitSamples?: number;
  /**
   * The posterior conditions on at most this many samples (default 300): above it, the best half
   * by EDP and the most recent of the rest, so an ask stays O(maxSamples³) on long runs.
   */
  readonly maxSamples?: number;
  readonly bounds?: HyperparameterBounds;
}

/** A saved model file is missing, corrupt, or belongs to another space. */
export class GaussianProcessFileError extends Error {
  override readonly name = 'GaussianProcessFileError';
}

const FILE_NAME = 'gaussian-process.json';
const FILE_KIND = 'polaris-gaussian-process';

const savedModelSchema = z.object({
  kind: z.literal(FILE_KIND),
  version: z.literal(1),
  ranges: z.object({ peDim: z.tuple([z.number(), z.number()]), spKB: z.tuple([z.number(), z.number()]), accKB: z.tuple([z.number(), z.number()]) }),
  workload: z.string(),
  seed: z.number(),
  hardware: z.array(z.object({ peDim: z.number(), spKB: z.number(), accKB: z.number() })),
  logEdp: z.array(z.number()),
  theta: z.array(z.number()),
});

/**
 * The plain GP as a {@link PerformanceModel}: an exact Gaussian process on the hardware encoded
 * by a {@link HardwareSpace} (the log-scaled unit cube), ARD Matérn-5/2 kernel, target ln EDP
 * (pJ·cycles) standardised. Mappings are not inputs: the model describes hardware with the
 * mappings the run's mapper gives it, which is why it offers {@link predictHardware}.
 *
 * `fit` chooses lengthscales, signal and noise variance by maximising the log marginal
 * likelihood (seeded restarts, see `fitHyperparameters`) on a prefix of the samples, then
 * conditions on the samples, and is a deterministic function of (samples in order, seed,
 * options). Predictions are of the latent ln EDP: σ excludes the noise.
 * One model describes one workload.
 */
export class GaussianProcessModel implements PerformanceModel {
  readonly id = 'gp';
  /** Hyperparameters by the samples they were fitted on (a digest): fits are pure, so this is a memo. */
  private readonly fitted = new Map<string, Float64Array>();
  /** See {@link pointsPosterior}. */
  private lastPosterior?: { gp: GaussianProcess; hardware: readonly HardwareConfig[]; posterior: PointsPosterior; believed: string[] };
  private state?: {
    readonly gp: GaussianProcess;
    readonly workload: string;
    readonly hardware: readonly HardwareConfig[];
    /** ln EDP per sample, pJ·cycles. */
    readonly logEdp: readonly number[];
    readonly offset: number;
    readonly scale: number;
  };

  constructor(
    private readonly space: HardwareSpace = new HardwareSpace(),
    private readonly seed = 0,
    private readonly options: GaussianProcessModelOptions = {},
  ) {}

  /** The fitted posterior (for diagnostics and tests); undefined before `fit` or `load`. */
  get posterior(): GaussianProcess | undefined {
    return this.state?.gp;
  }

  /** @throws RangeError on no samples, samples of several workloads, EDP ≤ 0, or hardware outside the space. */
  async fit(samples: readonly Sample[]): Promise<void> {
    const { workload, hardware, logEdp } = this.readSamples(samples);
    await this.train(workload, hardware, logEdp);
  }

  /**
   * Adds samples (same workload): the posterior conditions on them, and the hyperparameters are
   * refitted only when the fit schedule reaches a new step (see `maxFitSamples`) — the same
   * model `fit` on every sample gives.
   */
  async update(samples: readonly Sample[]): Promise<void> {
    if (!this.state) return this.fit(samples);
    const added = this.readSamples(samples);
    if (added.workload !== this.state.workload) throw new RangeError('GaussianProcessModel.update: the samples are of another workload than the fitted ones');
    await this.train(this.state.workload, [...this.state.hardware, ...added.hardware], [...this.state.logEdp, ...added.logEdp]);
  }

  async predict(points: readonly DesignPoint[], workload: Workload): Promise<Prediction> {
    return this.predictHardware(points.map((p) => p.hardware), workload);
  }

  async predictHardware(hardware: readonly HardwareConfig[], workload: Workload, options: HardwarePredictionOptions = {}): Promise<Prediction> {
    const state = this.state;
    if (!state) throw new Error('GaussianProcessModel: predict before fit (or load)');
    if (workloadHash(workload) !== state.workload) {
      throw new RangeError(`GaussianProcessModel: fitted on another workload than "${workload.name}"; fit one model per workload`);
    }
    const { mean, variance } = this.pointsPosterior(state.gp, hardware, options.pending ?? []);
    return {
      mean: mean.map((m) => state.offset + state.scale * m),
      std: variance.map((v) => state.scale * Math.sqrt(v)),
    };
  }

  /**
   * The posterior at `hardware` having believed `pending` in order. The last one is kept: the
   * kriging believer asks for one pool with a growing pending list, and the next call only adds
   * the new believed points — the same operations, in the same order, as computing it afresh.
   * (`hardware` arrays are treated as immutable.)
   */
  private pointsPosterior(gp: GaussianProcess, hardware: readonly HardwareConfig[], pending: readonly HardwareConfig[]): PointsPosterior {
    const keys = pending.map(hardwareKey);
    let last = this.lastPosterior;
    if (!last || last.gp !== gp || last.hardware !== hardware || last.believed.some((key, j) => key !== keys[j])) {
      last = { gp, hardware, posterior: gp.at(this.encode(hardware)), believed: [] };
      this.lastPosterior = last;
    }
    for (let j = last.believed.length; j < pending.length; j++) {
      last.posterior.believe(this.encode([pending[j]]));
      last.believed.push(keys[j]);
    }
    return last.posterior;
  }

  async save(dir: string): Promise<void> {
    const state = this.state;
    if (!state) throw new Error('GaussianProcessModel: nothing to save before fit');
    const saved: z.infer<typeof savedModelSchema> = {
      kind: FILE_KIND, version: 1, ranges: this.space.ranges as z.infer<typeof savedModelSchema>['ranges'], workload: state.workload,
      seed: this.seed, hardware: [...state.hardware], logEdp: [...state.logEdp], theta: [...state.gp.theta],
    };
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, FILE_NAME), JSON.stringify(saved));
  }

  /** @throws GaussianProcessFileError naming the file when it is missing, corrupt or of another space. */
  async load(dir: string): Promise<void> {
    const path = join(dir, FILE_NAME);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new GaussianProcessFileError(`${path}: cannot read the saved GP (${error.code ?? error.message}); save one with GaussianProcessModel.save`);
    });
    let parsed: z.infer<typeof savedModelSchema>;
    try {
      parsed = savedModelSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new GaussianProcessFileError(`${path}: not a saved GP (${(error as Error).message.split('\n')[0]})`);
    }
    if (JSON.stringify(parsed.ranges) !== JSON.stringify(this.space.ranges)) {
      throw new GaussianProcessFileError(`${path}: saved for the space ${JSON.stringify(parsed.ranges)}, not ${JSON.stringify(this.space.ranges)}`);
    }
    this.condition(parsed.workload, parsed.hardware, parsed.logEdp, Float64Array.from(parsed.theta));
  }

  private readSamples(samples: readonly Sample[]) {
    if (samples.length === 0) throw new RangeError('GaussianProcessModel: fit needs at least one sample');
    const workload = workloadHash(samples[0].workload);
    const hardware: HardwareConfig[] = [];
    const logEdp: number[] = [];
    for (const [i, sample] of samples.entries()) {
      if (workloadHash(sample.workload) !== workload) throw new RangeError(`GaussianProcessModel: sample ${i} is of another workload than sample 0; fit one model per workload`);
      const edp = sample.evaluation.edp;
      if (!(edp > 0 && Number.isFinite(edp))) throw new RangeError(`GaussianProcessModel: sample ${i} has EDP ${edp}; ln EDP needs a positive finite EDP`);
      hardware.push(sample.point.hardware);
      logEdp.push(Math.log(edp));
    }
    return { workload, hardware, logEdp };
  }

  private async train(workload: string, hardware: readonly HardwareConfig[], logEdp: readonly number[]): Promise<void> {
    this.condition(workload, hardware, logEdp, await this.hyperparameters(hardware, logEdp));
  }

  /** The posterior at θ on the samples `maxSamples` keeps (all of them are remembered, for save and update). */
  private condition(workload: string, hardware: readonly HardwareConfig[], logEdp: readonly number[], theta: Float64Array): void {
    const rows = posteriorRows(logEdp, this.options.maxSamples ?? 300);
    const kept = { hardware: rows.map((r) => hardware[r]), logEdp: rows.map((r) => logEdp[r]) };
    const { offset, scale } = standardisation(kept.logEdp);
    const targets = Float64Array.from(kept.logEdp, (v) => (v - offset) / scale);
    const gp = GaussianProcess.condition(this.encode(kept.hardware), targets, this.space.dimension, theta);
    this.state = { gp, workload, hardware: [...hardware], logEdp: [...logEdp], offset, scale };
  }

  /** θ fitted on the first m samples (see {@link GaussianProcessModelOptions.maxFitSamples}), memoised. */
  private async hyperparameters(hardware: readonly HardwareConfig[], logEdp: readonly number[]): Promise<Float64Array> {
    const m = fitSampleCount(logEdp.length, this.options.maxFitSamples ?? 100);
    const key = createHash('sha256').update(JSON.stringify([hardware.slice(0, m), logEdp.slice(0, m)])).digest('hex');
    const cached = this.fitted.get(key);
    if (cached) return cached;
    const values = logEdp.slice(0, m);
    const { offset, scale } = standardisation(values);
    const { theta } = await fitHyperparameters(this.encode(hardware.slice(0, m)), m, this.space.dimension,
      Float64Array.from(values, (v) => (v - offset) / scale), new Random(this.seed).fork('gp-hyperparameters'), {
        restarts: this.options.restarts ?? 2,
        maxIterations: this.options.maxIterations ?? 50,
        bounds: this.options.bounds,
        pause: () => yieldToEventLoop(),
      });
    this.fitted.set(key, theta);
    return theta;
  }

  /** Encodes hardware as k×d row-major rows. @throws RangeError for hardware outside the space. */
  private encode(hardware: readonly HardwareConfig[]): Float64Array {
    const d = this.space.dimension;
    const out = new Float64Array(hardware.length * d);
    hardware.forEach((h, i) => this.space.encode(h, out, i * d));
    return out;
  }
}

/** m for n samples: n up to 16, then the largest ⌊16·1.25^k⌋ ≤ min(n, max). */
export function fitSampleCount(n: number, max: number): number {
  const limit = Math.min(n, max);
  if (limit <= 16) return limit;
  let m = 16;
  while (Math.floor(m * 1.25) <= limit) m = Math.floor(m * 1.25);
  return m;
}

/** Row indices (ascending) the posterior keeps: all, or the best ⌈max/2⌉ by value and the most recent of the rest. */
function posteriorRows(values: readonly number[], max: number): number[] {
  const rows = values.map((_, i) => i);
  if (values.length <= max) return rows;
  const best = [...rows].sort((a, b) => values[a] - values[b] || a - b).slice(0, Math.ceil(max / 2));
  const kept = new Set(best);
  for (let i = values.length - 1; i >= 0 && kept.size < max; i--) kept.add(i);
  return [...kept].sort((a, b) => a - b);
}

/** Mean and standard deviation (floored at 1e-9, 1 for one value) to standardise targets with. */
function standardisation(values: readonly number[]): { offset: number; scale: number } {
  const n = values.length;
  const offset = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - offset) ** 2, 0) / n;
  return { offset, scale: n > 1 ? Math.max(1e-9, Math.sqrt(variance)) : 1 };
}
