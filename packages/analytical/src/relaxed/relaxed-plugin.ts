import { defineDifferentiableModel, energyOptionSchema } from '@polaris/core';
import { z } from 'zod';
import { RelaxedAnalyticalModel } from './relaxed-analytical-model.js';
import { DEFAULT_MAX_BAND } from './relaxed-layer.js';

/**
 * The `analytical` differentiable model (plugin kind `differentiable`): the analytical model
 * relaxed to continuous loop factors, for gradient search (the `gradient` optimizer).
 */
export const relaxedAnalyticalModelFactory = defineDifferentiableModel({
  id: 'analytical',
  description: 'the analytical model relaxed to continuous ln loop factors: ln EDP and its exact gradient (reverse mode)',
  optionsSchema: z.strictObject({
    /** `timeloop` (default), `dosa`, or a table; block rounding is dropped in the relaxation. */
    energy: energyOptionSchema.default('timeloop'),
    /** Relative band of the smooth maxima (0 = hard max, as DOSA). */
    maxBand: z.number().min(0).max(1).default(DEFAULT_MAX_BAND),
  }),
  needs: { energyTableOption: 'energy' },
  create: ({ options }) => new RelaxedAnalyticalModel(options),
});
