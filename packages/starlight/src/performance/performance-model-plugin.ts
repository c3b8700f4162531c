/**
 * The `model` factories of the starlight plugin: an optimizer gets a {@link PerformanceModel}
 * from the container (`registry.model('starlight', {options, seed, hardwareSpace})`), as it gets
 * its Mapper. Relative directories resolve against the current directory.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { HardwareSpace, Mapper, type PluginContext, Store, definePerformanceModel } from '@polaris/core';
import { DOSA_VARIANTS } from '../dosa/dosa-predictor.js';
import { StarlightLow } from '../low/starlight-low.js';
import { createFeaturesEvaluator } from '../surrogate/features-evaluator.js';
import { DOSA_MODEL_ID, DosaPerformanceModel } from './dosa-performance-model.js';
import { STARLIGHT_MODEL_ID, StarlightPerformanceModel } from './starlight-performance-model.js';

const featuresOptions = {
  /** Evaluator id that supplies the analytical features (must be loaded in the container). */
  features: z.string().min(1).default('analytical'),
  /** Options of the features evaluator (e.g. its energy table). */
  featuresOptions: z.record(z.string(), z.unknown()).default({}),
};
const directory = z.string().min(1, 'give a directory');
const widths = z.array(z.int().min(1)).min(1);

const starlightModelOptions = z.strictObject({
  /** A trained model directory (`polaris train --out`): loaded at once, so the model predicts and updates before any fit. */
  model: directory.optional(),
  /** A saved Starlight-Low (`<out>/low`) that `fit` transfers from; default `<model>/low` when that exists. */
  low: directory.optional(),
  /** Without a Starlight-Low, `fit` pretrains one on this many analytical design points per workload of its samples. */
  pretrainPoints: z.int().min(1).max(100_000).default(200),
  /** Starlight-Low's size and training when `fit` pretrains it. */
  epochs: z.int().min(1).optional(),
  hidden: widths.optional(),
  latentDim: z.int().min(1).optional(),
  /** Transfer fine-tuning steps (default: chosen by validation). */
  fineTuneSteps: z.int().min(0).optional(),
  /** Fine-tuning steps per `update` (default 10). */
  updateSteps: z.int().min(0).optional(),
  ...featuresOptions,
});

const dosaModelOptions = z.strictObject({
  /** A directory a DOSA performance model was saved to: loaded at once. */
  model: directory.optional(),
  /** `residual-log` is DOSA's own analytical + MLP formulation; see DosaPredictor. */
  variant: z.enum(DOSA_VARIANTS).default('residual-log'),
  /** Hidden widths (default DOSA's 256-512-2048-2048-512-256-64). */
  hidden: widths.optional(),
  dropout: z.number().min(0).max(0.9).optional(),
  epochs: z.int().min(1).optional(),
  batchSize: z.int().min(1).optional(),
  learningRate: z.number().positive().optional(),
  validationFraction: z.number().min(0).max(0.9).optional(),
  patience: z.int().min(1).optional(),
  /** Epochs of continued training per `update` (default a fifth of the fit's). */
  updateEpochs: z.int().min(1).optional(),
  ...featuresOptions,
});

const absolute = (dir: string) => resolve(process.cwd(), dir);

/** The run's Store and Mapper, when the host bound them (pretraining reuses and adds evaluations, mapper mappings). */
function pretrainingContext(context: PluginContext<unknown>) {
  const { container } = context;
  return {
    ...(container.isBound(Mapper) ? { mapper: container.get<Mapper>(Mapper) } : {}),
    ...(container.isBound(Store) ? { store: container.get<Store>(Store) } : {}),
    hardwareSpace: context.hardwareSpace ?? new HardwareSpace({}),
  };
}

/**
 * `starlight`: {@link StarlightPerformanceModel}. With `model`, a trained directory is loaded;
 * `fit` transfers from `low` (or `<model>/low`), else pretrains a Starlight-Low on analytical
 * samples drawn with the container's Mapper and evaluated through its Store, when bound.
 */
export const starlightModelFactory = definePerformanceModel({
  id: STARLIGHT_MODEL_ID,
  description: 'Starlight (deep kernel learning GP over a pretrained encoder): per-layer lognormal ln cycles / ln energy, network ln EDP with σ; update warm-starts',
  optionsSchema: starlightModelOptions,
  needs: { featuresEvaluator: 'analytical' },
  create: async (context) => {
    const { options, seed } = context;
    const features = await createFeaturesEvaluator(context);
    const lowDir = options.low !== undefined ? absolute(options.low) : options.model !== undefined ? join(absolute(options.model), 'low') : undefined;
    if (options.low !== undefined && !existsSync(lowDir!)) throw new Error(`${context.id} option "low": ${lowDir} does not exist (a Starlight-Low saved by polaris train, <out>/low)`);
    const low = lowDir !== undefined && existsSync(lowDir) ? await StarlightLow.load(lowDir) : undefined;
    const model = new StarlightPerformanceModel({
      features, seed, low,
      pretrain: { pointsPerWorkload: options.pretrainPoints, ...pretrainingContext(context) },
      lowOptions: { epochs: options.epochs, hidden: options.hidden, latentDim: options.latentDim },
      transfer: { fineTuneSteps: options.fineTuneSteps },
      update: { fineTuneSteps: options.updateSteps },
    });
    if (options.model !== undefined) await model.load(absolute(options.model));
    return model;
  },
});

/** `dosa`: {@link DosaPerformanceModel}, DOSA's MLP predictor (the baseline); with `model`, a saved one is loaded. */
export const dosaModelFactory = definePerformanceModel({
  id: DOSA_MODEL_ID,
  description: 'DOSA\'s MLP predictor (the baseline): per-layer ln cycles / ln energy with a homoscedastic σ; update continues training',
  optionsSchema: dosaModelOptions,
  needs: { featuresEvaluator: 'analytical' },
  create: async (context) => {
    const { options, seed } = context;
    const { model: dir, features: _id, featuresOptions: _options, ...dosa } = options;
    const model = new DosaPerformanceModel({ ...dosa, features: await createFeaturesEvaluator(context), seed });
    if (dir !== undefined) await model.load(absolute(dir));
    return model;
  },
});
