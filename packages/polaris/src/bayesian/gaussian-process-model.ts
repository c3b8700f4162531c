import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type DesignPoint, type HardwareConfig, type HardwarePredictionOptions, HardwareSpace, type PerformanceModel, type Prediction,
  Random, type Sample, type Workload, workloadHash,
} from '@polaris/core';
import { z } from 'zod';
import { type HyperparameterBounds, fitHyperparameters } from './fit-hyperparameters.js';
import { GaussianProcess } from './gaussian-process.js';

/** Options of {@link GaussianProcessModel}. */
export interface GaussianProcessModelOptions {
  /** Hyperparameter starts per {@link GaussianProcessModel.fit} (default 3). */
  readonly restarts?: number;
  /** Gradient steps per start (default 60). */
  readonly maxIterations?: number;
  /**
   * The hyperparameters are fitted on at most this many samples (default 150; a seeded subset
   * above it), the posterior always on every sample: the likelihood costs O(n³) per step.
   */
  readonly maxFitSamples?: number;
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
 * likelihood (seeded restarts, see `fitHyperparameters`) and is a deterministic function of
 * (samples in order, seed, options). `update` adds samples with one warm-started ascent from
 * the current hyperparameters. Predictions are of the latent ln EDP: σ excludes the noise.
 * One model describes one workload.
 */
export class GaussianProcessModel implements PerformanceModel {
  readonly id = 'gp';
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

  /** Adds samples (same workload) and refits, warm-started from the current hyperparameters. */
  async update(samples: readonly Sample[]): Promise<void> {
    if (!this.state) return this.fit(samples);
    const added = this.readSamples(samples);
    if (added.workload !== this.state.workload) throw new RangeError('GaussianProcessModel.update: the samples are of another workload than the fitted ones');
    await this.train(this.state.workload, [...this.state.hardware, ...added.hardware], [...this.state.logEdp, ...added.logEdp], this.state.gp.theta);
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
    const gp = options.pending && options.pending.length > 0 ? state.gp.believe(this.encode(options.pending)) : state.gp;
    const { mean, variance } = gp.predict(this.encode(hardware));
    return {
      mean: mean.map((m) => state.offset + state.scale * m),
      std: variance.map((v) => state.scale * Math.sqrt(v)),
    };
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
    const { offset, scale } = standardisation(parsed.logEdp);
    const targets = Float64Array.from(parsed.logEdp, (v) => (v - offset) / scale);
    const gp = GaussianProcess.condition(this.encode(parsed.hardware), targets, this.space.dimension, parsed.theta);
    this.state = { gp, workload: parsed.workload, hardware: parsed.hardware, logEdp: parsed.logEdp, offset, scale };
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

  private async train(workload: string, hardware: readonly HardwareConfig[], logEdp: readonly number[], warmStart?: Float64Array): Promise<void> {
    const d = this.space.dimension;
    const inputs = this.encode(hardware);
    const { offset, scale } = standardisation(logEdp);
    const targets = Float64Array.from(logEdp, (v) => (v - offset) / scale);
    const subset = this.fitSubset(logEdp.length);
    const fitInputs = new Float64Array(subset.length * d);
    subset.forEach((row, k) => fitInputs.set(inputs.subarray(row * d, (row + 1) * d), k * d));
    const { theta } = await fitHyperparameters(fitInputs, subset.length, d, Float64Array.from(subset, (row) => targets[row]),
      new Random(this.seed).fork('gp-hyperparameters'), {
        restarts: warmStart ? 1 : (this.options.restarts ?? 3),
        maxIterations: this.options.maxIterations ?? 60,
        bounds: this.options.bounds,
        initial: warmStart,
        pause: () => yieldToEventLoop(),
      });
    const gp = GaussianProcess.condition(inputs, targets, d, theta);
    this.state = { gp, workload, hardware: [...hardware], logEdp: [...logEdp], offset, scale };
  }

  /** Rows the hyperparameters are fitted on: all, or a seeded subset of `maxFitSamples` in row order. */
  private fitSubset(n: number): number[] {
    const rows = Array.from({ length: n }, (_, i) => i);
    const max = this.options.maxFitSamples ?? 150;
    if (n <= max) return rows;
    return new Random(this.seed).fork(`gp-subset-${n}`).shuffle(rows).slice(0, max).sort((a, b) => a - b);
  }

  /** Encodes hardware as k×d row-major rows. @throws RangeError for hardware outside the space. */
  private encode(hardware: readonly HardwareConfig[]): Float64Array {
    const d = this.space.dimension;
    const out = new Float64Array(hardware.length * d);
    hardware.forEach((h, i) => this.space.encode(h, out, i * d));
    return out;
  }
}

/** Mean and standard deviation (floored at 1e-9, 1 for one value) to standardise targets with. */
function standardisation(values: readonly number[]): { offset: number; scale: number } {
  const n = values.length;
  const offset = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - offset) ** 2, 0) / n;
  return { offset, scale: n > 1 ? Math.max(1e-9, Math.sqrt(variance)) : 1 };
}
