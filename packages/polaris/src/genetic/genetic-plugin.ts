import { HardwareSpace, Mapper, defineOptimizer } from '@polaris/core';
import { z } from 'zod';
import { GENETIC_DEFAULTS as D, GeneticOptimizer } from './genetic-optimizer.js';

const rate = (fallback: number) => z.number().min(0).max(1).default(fallback);

/** The `genetic` optimizer's config options, with their defaults (see {@link GeneticOptimizerOptions}). */
export const geneticOptionsSchema = z.strictObject({
  /** Individuals per population; generation 0 is this many random points. */
  population: z.int().min(2).default(D.population),
  /** Fittest trials carried into each next population without being asked again; below population. */
  eliteCount: z.int().min(0).default(D.eliteCount),
  /** Members drawn per tournament; the fittest becomes a parent. */
  tournamentSize: z.int().min(1).default(D.tournamentSize),
  /** Chance a child has two parents (hardware and tile-factor crossover). */
  crossoverRate: rate(D.crossoverRate),
  /** Chance, per layer of a child on average (spread by the layers' cost shares), of one mapping mutation. */
  mappingMutationRate: rate(D.mappingMutationRate),
  /** Chance a mapping mutation on told hardware is a mapper restart (the layer mapped again under a fresh seed). */
  mapperRestartRate: rate(D.mapperRestartRate),
  /** Chance a child's hardware is mutated. */
  hardwareMutationRate: rate(D.hardwareMutationRate),
  /** Standard deviation of a hardware mutation in the encoded unit cube. */
  hardwareMutationScale: z.number().positive().max(1).default(D.hardwareMutationScale),
  /** Chance a layer whose mapping still fits a child's changed hardware is mapped afresh anyway. */
  remapRate: rate(D.remapRate),
  /** Chance a child is a random point instead (a random immigrant). */
  immigrantRate: rate(D.immigrantRate),
  /** Hardware draws per random point before giving up when a layer fits no mapping. */
  maxHardwareDraws: z.int().min(1).default(D.maxHardwareDraws),
  /** Buffer rule children's mappings keep: 'words' (Timeloop's) or 'rows' (the RTL's); match the mapper's. */
  bufferLayout: z.enum(['words', 'rows']).default(D.bufferLayout),
}).refine((o) => o.eliteCount < o.population, { message: 'eliteCount must be below population', path: ['eliteCount'] });

/** The `genetic` optimizer: a GA over hardware and per-layer mappings, seeded from and repaired by the run's Mapper. */
export const geneticOptimizerFactory = defineOptimizer({
  id: 'genetic',
  description: 'genetic algorithm (GAMMA-style): tournament selection, elitism, hardware and tile-factor crossover and mutation; mappings kept valid, seeded and repaired by the mapper',
  optionsSchema: geneticOptionsSchema,
  create: ({ options, seed, workload, container, hardwareSpace }) => {
    if (!workload) throw new Error('optimizer "genetic" needs the run\'s workload in its context');
    if (!container.isBound(Mapper)) throw new Error('optimizer "genetic" needs a Mapper bound in the container (the CLI binds the analytical mapper)');
    return new GeneticOptimizer(workload, container.get<Mapper>(Mapper), hardwareSpace ?? new HardwareSpace(), seed, options);
  },
});
