import { HardwareSpace, Mapper, defineOptimizer } from '@polaris/core';
import { z } from 'zod';
import { RandomOptimizer } from './random-optimizer.js';

/** The `random` optimizer: uniform hardware in the encoded space, mappings from the run's Mapper. */
export const randomOptimizerFactory = defineOptimizer({
  id: 'random',
  description: 'seeded random search: hardware uniform in the log-scaled space, each layer mapped by the mapper',
  optionsSchema: z.strictObject({
    /** Hardware draws per trial before giving up when a layer fits no mapping. */
    maxHardwareDraws: z.int().min(1).default(64),
  }),
  create: ({ options, seed, workload, container, hardwareSpace }) => {
    if (!workload) throw new Error('optimizer "random" needs the run\'s workload in its context');
    if (!container.isBound(Mapper)) throw new Error('optimizer "random" needs a Mapper bound in the container (the CLI binds the analytical mapper)');
    return new RandomOptimizer(workload, container.get<Mapper>(Mapper), hardwareSpace ?? new HardwareSpace(), seed, options);
  },
});
