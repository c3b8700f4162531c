/** The genetic optimizer: a GA over hardware and per-layer mappings (see genetic-optimizer.ts). */
export { GENETIC_DEFAULTS, GeneticOptimizer, type GeneticOptimizerOptions, type GeneticSettings } from './genetic-optimizer.js';
export { geneticOptimizerFactory, geneticOptionsSchema } from './genetic-plugin.js';
export type { BufferLayout } from './mapping-repair.js';
