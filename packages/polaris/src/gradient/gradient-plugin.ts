import { DifferentiableModel, HardwareSpace, Mapper, defineOptimizer } from '@polaris/core';
import { z } from 'zod';
import { GradientOptimizer } from './gradient-optimizer.js';

/**
 * Adam's default learning rate in ln-factor units. DOSA's 7.5e-5 / 5e-5 / 1e-5 act on factors
 * normalised by the dataset's maximum and would move an ln factor by at most 1,490 × 7.5e-5 ≈ 0.11
 * (×1.12) per start here, so no rounding could change a divisor; see the optimizer's spec for the
 * measurement behind this value.
 */
export const DEFAULT_LEARNING_RATE = 0.05;

/** The `gradient` optimizer: DOSA's mapping-first gradient search on the container's differentiable model. */
export const gradientOptimizerFactory = defineOptimizer({
  id: 'gradient',
  description: 'DOSA-style gradient search: per-layer ln tile factors, Adam on the differentiable model, hardware derived from the mappings, rounded designs as trials',
  optionsSchema: z.strictObject({
    /** Independent starts from random hardware with the mapper's mappings. */
    starts: z.int().min(1).max(10_000).default(7),
    /** Adam steps per start. */
    steps: z.int().min(1).max(1_000_000).default(1490),
    /** Steps between roundings to valid designs (each rounded design is a trial). */
    roundEvery: z.int().min(1).default(500),
    /** Adam's learning rate in ln-factor units per step. */
    learningRate: z.number().positive().max(10).default(DEFAULT_LEARNING_RATE),
    /** Weight of the penalty on factors below 1 (DOSA's, in ln form). */
    penalty: z.number().min(0).default(1),
    /** Hardware draws per start before giving up when a layer fits no mapping. */
    maxHardwareDraws: z.int().min(1).default(64),
  }),
  create: ({ options, seed, workload, container, hardwareSpace }) => {
    if (!workload) throw new Error('optimizer "gradient" needs the run\'s workload in its context');
    if (!container.isBound(Mapper)) throw new Error('optimizer "gradient" needs a Mapper bound in the container (the CLI binds the analytical mapper)');
    if (!container.isBound(DifferentiableModel)) {
      throw new Error('optimizer "gradient" needs a differentiable model bound in the container (the CLI binds the analytical plugin\'s relaxed model)');
    }
    return new GradientOptimizer(workload, container.get<Mapper>(Mapper), container.get<DifferentiableModel>(DifferentiableModel),
      hardwareSpace ?? new HardwareSpace(), seed, options);
  },
});
