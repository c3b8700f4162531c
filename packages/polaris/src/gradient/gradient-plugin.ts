import { DifferentiableModel, HardwareSpace, Mapper, defineOptimizer } from '@polaris/core';
import { z } from 'zod';
import { GradientOptimizer } from './gradient-optimizer.js';

/**
 * Adam's default learning rate in ln-factor units (Adam moves each ln factor by about this much
 * per step). DOSA's 7.5e-5 (ResNet-50, RetinaNet) / 5e-5 (U-Net) / 1e-5 (BERT) act on factors
 * normalised by the dataset's maximum; here they would move an ln factor by at most
 * 1,490 × 7.5e-5 ≈ 0.11 per start, and every rounding returns the start's divisors.
 * Measured (best EDP of 28 trials — 7 starts × 4 designs — over random search's best of 28, both
 * with the analytical mapper at the analytical fidelity; seeds 1, 2, 3):
 * BERT: lr 1e-5 no design moves; 0.003 → 0.67, 0.73, 0.76; 0.01 → 0.66, 0.67, 0.76;
 * 0.03 → 0.66, 0.62, 0.78; 0.05 → 0.66, 0.61, 0.80; 0.1 → 0.65, 0.65, 0.78; 0.3 → 0.65, 0.63, 0.78.
 * ResNet-50 (seed 1): 7.5e-5 → 1.04 (no design moves); 0.01 → 0.91; 0.03 → 0.88; 0.05 → 0.86;
 * 0.1 → 0.85; 0.3 → 0.91; at 0.05 seeds 2, 3 → 0.98, 0.89. Flat between 0.03 and 0.1; 0.3
 * overshoots into poor roundings now and then.
 */
export const DEFAULT_LEARNING_RATE = 0.05;

/** The `gradient` optimizer: DOSA's mapping-first gradient search on the container's differentiable model. */
export const gradientOptimizerFactory = defineOptimizer({
  id: 'gradient',
  description: 'DOSA-style gradient search: per-layer ln tile factors, Adam on the differentiable model, hardware derived from the mappings, rounded designs as trials',
  optionsSchema: z.strictObject({
    /**
     * Independent starts from random hardware with the mapper's mappings; absent = no limit (the
     * run's budget stops it). DOSA as published: 7. With 7, the search stops itself after 28
     * trials — 3–11 s of a 10-minute budget at the analytical fidelity (docs/benchmarks.md).
     */
    starts: z.int().min(1).max(1_000_000_000).optional(),
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
  needs: { differentiableModel: true },
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
