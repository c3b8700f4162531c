import { ContainerModule } from 'inversify';
import {
  DifferentiableModelFactory, EvaluatorFactory, MapperFactory, defineEvaluator, defineMapper, energyOptionSchema,
} from '@polaris/core';
import { z } from 'zod';
import { AnalyticalMapper } from '../mapper/analytical-mapper.js';
import { PooledAnalyticalMapper } from '../mapper/pooled-analytical-mapper.js';
import { relaxedAnalyticalModelFactory } from '../relaxed/relaxed-plugin.js';
import { AnalyticalEvaluator } from './analytical-evaluator.js';

const evaluatorOptions = z.strictObject({
  /** `timeloop` (default, Timeloop/Accelergy per-word energies), `dosa`, or a table. */
  energy: energyOptionSchema.default('timeloop'),
});

const mapperOptions = z.strictObject({
  energy: energyOptionSchema.default('timeloop'),
  /** Random valid mappings drawn per start. */
  samples: z.int().min(1).optional(),
  /** Local-improvement moves per start. */
  improvementSteps: z.int().min(0).optional(),
  /** Independent starts. */
  starts: z.int().min(1).optional(),
  /**
   * Buffer capacity rule: `words` (default, Timeloop's word count as in DOSA) or `rows` (also the
   * RTL's row-organised scratchpad/accumulator, so the rtl fidelity can run every mapping).
   */
  bufferLayout: z.enum(['words', 'rows']).default('words'),
  /**
   * Worker threads for batches of layers (`mapMany`); default: the cores this process may use
   * (`os.availableParallelism()`). 0 maps on the calling thread. Answers are the same either way.
   */
  workers: z.int().min(0).optional(),
});

/** The `analytical` plugin: the analytical evaluator and the per-layer mapper. */
export const analyticalEvaluatorFactory = defineEvaluator({
  id: 'analytical',
  description: 'Timeloop-exact analytical model of the Gemmini template (access counts, per-action energy, roofline latency)',
  optionsSchema: evaluatorOptions,
  needs: { energyTableOption: 'energy' },
  create: ({ options }) => new AnalyticalEvaluator({ energy: options.energy }),
});

export const analyticalMapperFactory = defineMapper({
  id: 'analytical',
  description: 'seeded random-pruned sampling plus local improvement, minimising layer EDP under the analytical model',
  optionsSchema: mapperOptions,
  needs: { energyTableOption: 'energy' },
  create: ({ options }) => {
    const { energy, workers, ...budget } = options;
    const mapperOptions = { ...budget, model: { energy } };
    return workers === 0 ? new AnalyticalMapper(mapperOptions) : new PooledAnalyticalMapper({ ...mapperOptions, workers });
  },
});

export default new ContainerModule(({ bind }) => {
  bind<EvaluatorFactory>(EvaluatorFactory).toConstantValue(analyticalEvaluatorFactory);
  bind<MapperFactory>(MapperFactory).toConstantValue(analyticalMapperFactory);
  bind<DifferentiableModelFactory>(DifferentiableModelFactory).toConstantValue(relaxedAnalyticalModelFactory);
});
