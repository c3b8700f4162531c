import type { DesignPoint, Random, Trial, Workload } from '@polaris/core';
import { type LayerCosts, layerCostsOf } from './layer-elites.js';

/**
 * The genetic optimizer's generations, as pure functions of the told trials — no hidden
 * history, so a resumed run rebuilds exactly the populations the killed one had.
 *
 * Trials are numbered in ask order. Generation 0 is the first `population` trials; every later
 * generation is `population − eliteCount` children, because the `eliteCount` best trials so far
 * carry over into the next population without being asked (and evaluated) again.
 */

/** Sizes of the generations. */
export interface GenerationLayout {
  /** Individuals per population (generation 0 asks this many). */
  readonly population: number;
  /** Best trials carried into each next population; `< population`. */
  readonly eliteCount: number;
}

/** An evaluated (or failed) trial as a member of a population. */
export interface Individual {
  /** Trial index, in ask order. */
  readonly index: number;
  readonly point: DesignPoint;
  /** Network EDP in pJ·cycles; `Infinity` for a failed trial, which loses every comparison. */
  readonly edp: number;
  /** The network totals and each layer's share, when the evaluation reports them. */
  readonly costs?: LayerCosts;
}

/** Children asked per generation after the first. */
const childrenPerGeneration = (layout: GenerationLayout): number => layout.population - layout.eliteCount;

/** The generation trial `index` belongs to. */
export function generationOf(index: number, layout: GenerationLayout): number {
  return index < layout.population ? 0 : 1 + Math.floor((index - layout.population) / childrenPerGeneration(layout));
}

/** Index of the first trial of `generation`. */
export function generationStart(generation: number, layout: GenerationLayout): number {
  return generation === 0 ? 0 : layout.population + (generation - 1) * childrenPerGeneration(layout);
}

/**
 * The individual of the `index`-th told trial: its EDP and layer costs — or `Infinity` when it
 * failed or was evaluated at another fidelity than the run's primary one (not comparable).
 */
export function individualOf(trial: Trial, index: number, workload: Workload): Individual {
  const comparable = trial.fidelity === undefined && trial.result.ok && Number.isFinite(trial.result.evaluation.edp);
  if (!comparable || !trial.result.ok) return { index, point: trial.point, edp: Infinity };
  const costs = layerCostsOf(trial.result.evaluation, workload);
  return { index, point: trial.point, edp: trial.result.evaluation.edp, ...(costs ? { costs } : {}) };
}

/** Whether `a` is fitter than `b`: lower EDP, ties to the earlier trial. */
export const fitter = (a: Individual, b: Individual): boolean => a.edp < b.edp || (a.edp === b.edp && a.index < b.index);

/** The `count` fittest of `individuals` with index below `end`, fittest first. */
export function elitesBefore(individuals: readonly Individual[], end: number, count: number): Individual[] {
  return individuals
    .filter((individual) => individual.index < end)
    .sort((a, b) => (fitter(a, b) ? -1 : fitter(b, a) ? 1 : 0))
    .slice(0, count);
}

/**
 * The population that breeds `generation` (≥ 1): the `eliteCount` fittest trials of all earlier
 * generations plus every trial of the generation before, each once, in index order. Trials
 * not told yet are not in it.
 */
export function parentPool(individuals: readonly Individual[], generation: number, layout: GenerationLayout): Individual[] {
  const start = generationStart(generation, layout);
  const previousStart = generationStart(generation - 1, layout);
  const members = new Map<number, Individual>();
  for (const elite of elitesBefore(individuals, start, layout.eliteCount)) members.set(elite.index, elite);
  for (const individual of individuals) if (individual.index >= previousStart && individual.index < start) members.set(individual.index, individual);
  return [...members.values()].sort((a, b) => a.index - b.index);
}

/**
 * Tournament selection: the fittest of `size` members drawn uniformly (with replacement).
 * @throws RangeError on an empty pool.
 */
export function tournament(pool: readonly Individual[], size: number, rng: Random): Individual {
  let winner = rng.pick(pool);
  for (let round = 1; round < size; round++) {
    const challenger = rng.pick(pool);
    if (fitter(challenger, winner)) winner = challenger;
  }
  return winner;
}
