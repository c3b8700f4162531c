import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type AskContext, type DesignPoint, type HardwareConfig, type HardwareSpace, type Mapper, type Mapping, type Optimizer, Random,
  type Trial, type Workload, hashDesignPoint,
} from '@polaris/core';
import { MappingSampler, hardwareKey } from '../mapping/mapping-sampler.js';
import {
  type GenerationLayout, type Individual, fitter, generationOf, individualOf, parentPool, tournament,
} from './genetic-population.js';
import { crossHardware, mutateHardware, sameHardware } from './hardware-variation.js';
import { bestLayerMappings, mutationChances } from './layer-elites.js';
import { type MappingGenome, genomeOf, mappingOf } from './mapping-genome.js';
import { type BufferLayout, fits, repairGenome } from './mapping-repair.js';
import { crossMappings, mutateMapping } from './mapping-variation.js';

/** Options of {@link GeneticOptimizer}; every rate is a probability in [0, 1]. */
export interface GeneticOptimizerOptions {
  /** Individuals per population; generation 0 is this many random points (default 24). */
  readonly population?: number;
  /** Fittest trials carried unchanged into each next population, not asked again (default 4). */
  readonly eliteCount?: number;
  /** Members drawn per tournament; the fittest becomes a parent (default 3). */
  readonly tournamentSize?: number;
  /** Chance a child has two parents (hardware and tile-factor crossover) rather than one (default 0.8). */
  readonly crossoverRate?: number;
  /**
   * Chance, per layer of a child on average, of one mapping mutation (factor move, loop swap or
   * spatial change), spread over the layers by their share of the network's cost (default 0.3).
   */
  readonly mappingMutationRate?: number;
  /**
   * Chance that a mapping mutation of a child on hardware trials were told on is a mapper
   * restart instead: the layer mapped again under a fresh seed (the mapper's search is seeded and
   * its answers differ), judged against the layer's best by the child's evaluation. Default 0.5,
   * half the refinement by the GA's own operators: best EDP after 192 trials against random
   * search's (geometric mean; reduced mapper budget) 1.09× / 1.08× / 1.13× on BERT (seeds 1–6)
   * and 0.99× / 0.99× / 1.04× on ResNet-50 (seeds 1–3) with 0.5 / 0 / 1; 1 maps more (ResNet-50:
   * 35 % more time than 0.5).
   */
  readonly mapperRestartRate?: number;
  /** Chance a child's hardware is mutated (default 0.3). */
  readonly hardwareMutationRate?: number;
  /** Standard deviation of a hardware mutation in the encoded unit cube (default 0.1). */
  readonly hardwareMutationScale?: number;
  /**
   * Chance that a layer of a child on hardware no trial was told on is mapped afresh by the
   * mapper although the mapping it inherits still fits (one that no longer fits always is).
   * Default 1: on BERT the mapper's answer for the new hardware beat the inherited mapping
   * (measured before mapper restarts existed; best EDP after 192 trials, seeds 1–6, geometric
   * mean: 1.05× random search's with 1, 1.02× with 0.5, 1.01× with 0). Below 1, children cost fewer mapper calls (0: ~40 % less time)
   * and inherit their parents' mappings, whole or tile-factor crossed.
   */
  readonly remapRate?: number;
  /**
   * Chance a child of generation 1 on is a random point instead (a "random immigrant", as
   * Spotlight mixes 10 % random picks into its batches), so a poor generation 0 does not pin the
   * search to its region (default 0.1; measured before mapper restarts existed, BERT, 6 seeds:
   * best EDP 1.05× random search's at 192 and 384 trials with 0.1, 1.03× without).
   */
  readonly immigrantRate?: number;
  /** Hardware draws per random point before giving up when some layer fits no mapping (default 64). */
  readonly maxHardwareDraws?: number;
  /** Buffer rule the children's mappings must satisfy, as the mapper's (default `'words'`). */
  readonly bufferLayout?: BufferLayout;
}

/** {@link GeneticOptimizerOptions} with every default filled in. */
export type GeneticSettings = Required<GeneticOptimizerOptions>;

/** The defaults of {@link GeneticOptimizerOptions}. */
export const GENETIC_DEFAULTS: GeneticSettings = {
  population: 24,
  eliteCount: 4,
  tournamentSize: 3,
  crossoverRate: 0.8,
  mappingMutationRate: 0.3,
  mapperRestartRate: 0.5,
  hardwareMutationRate: 0.3,
  hardwareMutationScale: 0.1,
  remapRate: 1,
  immigrantRate: 0.1,
  maxHardwareDraws: 64,
  bufferLayout: 'words',
};

/** Breeding attempts per child before a duplicate (or unmappable) child gives way to a random point. */
const BREEDING_ATTEMPTS = 8;

/** A layer's genome in a child and the hardware of the parents it came from. */
interface InheritedMapping {
  readonly genome: MappingGenome;
  readonly parentHardware: readonly HardwareConfig[];
}

/**
 * A generational genetic algorithm over hardware and per-layer mappings, in the spirit of
 * GAMMA / DiGamma (Kao & Krishna). Generation 0 is random hardware with the mapper's mappings
 * (the points random search asks first). Each later child has one or two parents picked by
 * tournament from the population — the previous generation plus the elites of all earlier
 * ones — takes their hardware by uniform crossover, maybe mutated in the encoded cube, and then
 * its layers' mappings:
 * - on hardware trials were told on, each layer starts from its best mapping there (the layer
 *   costs of every evaluation give each layer its own credit, see layer-elites.ts) and, with
 *   chance `crossoverRate`, is tile-factor crossed with another trial on that hardware;
 * - on new hardware, each layer is mapped by the mapper (`remapRate`), or inherits a parent's
 *   mapping whole or crossed, fitted to the hardware.
 * Layers then mutate — a factor move between levels, a loop-order swap or a spatial-factor
 * change, or on told hardware a mapper restart under a fresh seed (`mapperRestartRate`) — with
 * chances averaging `mappingMutationRate` and proportional to each layer's share of the
 * network's cost, so the search works where the EDP is.
 *
 * A share `immigrantRate` of the children are random points instead.
 *
 * Every child is a valid design point: a mapping that no longer fits changed hardware is mapped
 * by the mapper; one that a crossover or mutation broke is repaired (factors moved outward),
 * else mapped, or the mutation is dropped. A child equal to a point already asked is bred
 * again, with a forced mutation, and after a few tries replaced by a random point.
 *
 * No hidden history: child i depends only on (seed, i, the told trials), through
 * `Random(seed).fork('child-i')`, so a fresh optimizer told the stored trials asks what the
 * killed one would have. The mapper is asked through a {@link MappingSampler} (a child's layers
 * as one batch: on worker threads with a pooled mapper, else layer by layer, yielding in between).
 * `ask` yields to the event loop per child and stops with `context.signal`'s reason when it is aborted.
 */
export class GeneticOptimizer implements Optimizer {
  readonly id = 'genetic';
  readonly settings: GeneticSettings;
  private readonly individuals: Individual[] = [];
  /** Told successful trials by {@link hardwareKey}, for the layer-wise best mappings of a hardware. */
  private readonly byHardware = new Map<string, Individual[]>();
  /** Hashes of every point told or asked, so children are new points. */
  private readonly seen = new Set<string>();
  private pending = 0;
  private readonly root: Random;
  /** The mapper's mappings, seeded as random search's, so generation 0 is random search's first points. */
  private readonly sampler: MappingSampler;
  private readonly layout: GenerationLayout;
  private poolCache?: { readonly generation: number; readonly told: number; readonly pool: readonly Individual[] };

  /** @throws RangeError when an option is out of range (e.g. eliteCount ≥ population). */
  constructor(
    private readonly workload: Workload,
    mapper: Mapper,
    private readonly space: HardwareSpace,
    seed: number,
    options: GeneticOptimizerOptions = {},
  ) {
    this.settings = { ...GENETIC_DEFAULTS, ...options };
    const { population, eliteCount, tournamentSize } = this.settings;
    if (!(Number.isInteger(population) && population >= 2)) throw new RangeError(`genetic: population must be an integer ≥ 2, got ${population}`);
    if (!(Number.isInteger(eliteCount) && eliteCount >= 0 && eliteCount < population)) {
      throw new RangeError(`genetic: eliteCount must be an integer from 0 to population − 1 (${population - 1}), got ${eliteCount}`);
    }
    if (!(Number.isInteger(tournamentSize) && tournamentSize >= 1)) throw new RangeError(`genetic: tournamentSize must be an integer ≥ 1, got ${tournamentSize}`);
    this.layout = { population, eliteCount };
    this.root = new Random(seed);
    this.sampler = new MappingSampler(workload, mapper, space, seed, { maxHardwareDraws: this.settings.maxHardwareDraws });
  }

  async ask(n: number, context: AskContext = {}): Promise<DesignPoint[]> {
    const points: DesignPoint[] = [];
    for (let k = 0; k < n; k++) {
      context.signal?.throwIfAborted();
      const point = await this.pointAt(this.individuals.length + this.pending + k, context.signal);
      this.seen.add(hashDesignPoint(point));
      points.push(point);
      context.onProposed?.(k + 1, n);
      await yieldToEventLoop();
    }
    this.pending += points.length;
    return points;
  }

  tell(trials: readonly Trial[]): void {
    for (const trial of trials) {
      const individual = individualOf(trial, this.individuals.length, this.workload);
      this.individuals.push(individual);
      if (individual.costs) {
        const key = hardwareKey(trial.point.hardware);
        const onHardware = this.byHardware.get(key);
        if (onHardware) onHardware.push(individual);
        else this.byHardware.set(key, [individual]);
      }
      this.seen.add(hashDesignPoint(trial.point));
    }
    this.pending = Math.max(0, this.pending - trials.length);
  }

  /** Trial `index`: a random point in generation 0, as an immigrant or with no fit parent told; else a bred child. */
  private async pointAt(index: number, signal: AbortSignal | undefined): Promise<DesignPoint> {
    const generation = generationOf(index, this.layout);
    const pool = generation === 0 ? [] : this.poolOf(generation);
    const rng = this.root.fork(`child-${index}`);
    const immigrant = rng.chance(this.settings.immigrantRate);
    if (!immigrant && pool.some((individual) => individual.edp < Infinity)) {
      for (let attempt = 0; attempt < BREEDING_ATTEMPTS; attempt++) {
        const child = await this.breed(pool, rng, attempt > 0, signal);
        if (child && !this.seen.has(hashDesignPoint(child))) return child;
      }
    }
    return this.sampler.sample(this.root.fork(`trial-${index}`), signal);
  }

  /** {@link parentPool} of `generation` over the trials told so far, computed once per (generation, told count). */
  private poolOf(generation: number): readonly Individual[] {
    const told = this.individuals.length;
    if (this.poolCache?.generation !== generation || this.poolCache.told !== told) {
      this.poolCache = { generation, told, pool: parentPool(this.individuals, generation, this.layout) };
    }
    return this.poolCache.pool;
  }

  /**
   * One child of `pool`, or undefined when its hardware fits no mapping of some layer. Drawn in
   * three steps — parents, hardware and the layers' genomes; the mapper for the layers that need
   * it (one batch, when mappers answer batches); mapping mutations and mapper restarts.
   * @param forceMutation mutate at least one layer's mapping (a retry after a duplicate).
   */
  private async breed(pool: readonly Individual[], rng: Random, forceMutation: boolean, signal: AbortSignal | undefined): Promise<DesignPoint | undefined> {
    const { tournamentSize, crossoverRate, hardwareMutationRate, hardwareMutationScale, mappingMutationRate } = this.settings;
    const firstParent = tournament(pool, tournamentSize, rng);
    const first = firstParent.point;
    const second = rng.chance(crossoverRate) ? tournament(pool, tournamentSize, rng).point : undefined;
    let hardware = second ? crossHardware(first.hardware, second.hardware, rng) : first.hardware;
    if (rng.chance(hardwareMutationRate)) hardware = mutateHardware(this.space, hardware, rng, hardwareMutationScale);
    const toldOnHardware = this.byHardware.get(hardwareKey(hardware));
    const planned = toldOnHardware ? this.refineOnHardware(toldOnHardware, hardware, rng) : this.moveToHardware(first, second, hardware, rng);
    const genomes = await this.mapWhereNeeded(planned, hardware, signal);
    if (!genomes) return undefined;
    const chances = mutationChances((toldOnHardware ? fittest(toldOnHardware) : firstParent).costs, mappingMutationRate);
    const forcedLayer = forceMutation ? rng.int(0, genomes.length - 1) : -1;
    const mutating = genomes.map((_, l) => l === forcedLayer || rng.chance(chances?.[l] ?? mappingMutationRate));
    const mappings = await this.mutateLayers(genomes, mutating, hardware, toldOnHardware !== undefined, rng, signal);
    return { hardware, mappings };
  }

  /**
   * The child's mappings: each layer in `mutating` gets one mapping mutation (repaired, or
   * dropped when it cannot be) or, on told hardware with chance `mapperRestartRate`, the
   * mapper's answer under a fresh seed (the restarts of a child go to the mapper as one batch).
   * @throws (rejects) with the mapper's LayerDoesNotFitError when a restart finds no mapping.
   */
  private async mutateLayers(
    genomes: readonly MappingGenome[], mutating: readonly boolean[], hardware: HardwareConfig, toldHardware: boolean, rng: Random, signal: AbortSignal | undefined,
  ): Promise<Mapping[]> {
    const mappings: (Mapping | undefined)[] = [];
    const restarts: { readonly l: number; readonly restart: number }[] = [];
    for (const [l, genome] of genomes.entries()) {
      if (mutating[l] && toldHardware && rng.chance(this.settings.mapperRestartRate)) {
        restarts.push({ l, restart: rng.uint32() });
        mappings.push(undefined);
      } else {
        mappings.push(mappingOf(mutating[l] ? this.mutateFitting(l, genome, hardware, rng) : genome));
      }
    }
    if (restarts.length === 0) return mappings as Mapping[];
    const layers = restarts.map(({ l, restart }) => ({ layer: this.workload.layers[l].layer, restart }));
    const outcomes = await this.sampler.answers(layers, hardware, signal);
    restarts.forEach(({ l }, j) => {
      const outcome = outcomes[j];
      if (!outcome.ok) throw outcome.error;
      mappings[l] = outcome.result.mapping;
    });
    return mappings as Mapping[];
  }

  /**
   * The layers' genomes of a child on hardware that trials were told on: each layer's best
   * mapping there (see {@link bestLayerMappings}) and, with chance `crossoverRate` when there
   * are several trials, its tile-factor crossover with a tournament winner among them, repaired.
   */
  private refineOnHardware(told: readonly Individual[], hardware: HardwareConfig, rng: Random): MappingGenome[] {
    const best = bestLayerMappings(told)!;
    const { crossoverRate, tournamentSize, bufferLayout } = this.settings;
    const partner = told.length > 1 && rng.chance(crossoverRate) ? tournament(told, tournamentSize, rng).point : undefined;
    return best.map((mapping, l) => {
      const genome = genomeOf(mapping);
      if (!partner) return genome;
      const crossed = crossMappings(genome, genomeOf(partner.mappings[l]), rng);
      return repairGenome(this.workload.layers[l].layer, hardware, crossed, rng, bufferLayout) ?? genome;
    });
  }

  /** The layers' genomes of a child on new hardware: inherited from its parents' best layers and fitted. */
  private moveToHardware(first: DesignPoint, second: DesignPoint | undefined, hardware: HardwareConfig, rng: Random): (MappingGenome | 'map')[] {
    const [a, b] = [this.withBestLayers(first), second && this.withBestLayers(second)];
    return this.workload.layers.map((_, l) => this.fitToHardware(l, inheritMapping(a, b, l, rng), hardware, rng));
  }

  /**
   * The inherited genome of layer `l` made to fit `hardware`, or `'map'` when the mapper must
   * map the layer: kept when it fits (but mapped afresh with chance `remapRate` if the hardware
   * changed), mapped when the hardware changed and it no longer fits, repaired when a crossover
   * broke it on the same hardware (mapped if that fails).
   */
  private fitToHardware(l: number, inherited: InheritedMapping, hardware: HardwareConfig, rng: Random): MappingGenome | 'map' {
    const { layer } = this.workload.layers[l];
    const moved = inherited.parentHardware.some((parent) => !sameHardware(parent, hardware));
    if (fits(layer, hardware, mappingOf(inherited.genome), this.settings.bufferLayout)) {
      return moved && rng.chance(this.settings.remapRate) ? 'map' : inherited.genome;
    }
    return (moved ? undefined : repairGenome(layer, hardware, inherited.genome, rng, this.settings.bufferLayout)) ?? 'map';
  }

  /**
   * `planned` with every `'map'` replaced by the mapper's mapping on `hardware` (those layers as
   * one batch); undefined when some layer fits no mapping on it.
   */
  private async mapWhereNeeded(planned: readonly (MappingGenome | 'map')[], hardware: HardwareConfig, signal: AbortSignal | undefined): Promise<MappingGenome[] | undefined> {
    const toMap = planned.flatMap((plan, l) => (plan === 'map' ? [l] : []));
    if (toMap.length === 0) return planned as MappingGenome[];
    const outcomes = await this.sampler.answers(toMap.map((l) => ({ layer: this.workload.layers[l].layer })), hardware, signal);
    const genomes = [...planned];
    for (const [j, l] of toMap.entries()) {
      const outcome = outcomes[j];
      if (!outcome.ok) return undefined;
      genomes[l] = genomeOf(outcome.result.mapping);
    }
    return genomes as MappingGenome[];
  }

  /** `point`'s hardware with the best mapping of each layer told on it (see {@link bestLayerMappings}). */
  private withBestLayers(point: DesignPoint): DesignPoint {
    const mappings = bestLayerMappings(this.byHardware.get(hardwareKey(point.hardware)) ?? []);
    return mappings ? { hardware: point.hardware, mappings } : point;
  }

  /** One mutation of a fitting genome, repaired to fit again; the genome unchanged when neither works. */
  private mutateFitting(l: number, genome: MappingGenome, hardware: HardwareConfig, rng: Random): MappingGenome {
    const mutated = mutateMapping(genome, rng, hardware.peDim);
    if (!mutated) return genome;
    return repairGenome(this.workload.layers[l].layer, hardware, mutated, rng, this.settings.bufferLayout) ?? genome;
  }
}

/** Layer `l`'s genome from one parent, or (two parents, half the time) their tile-factor crossover. */
function inheritMapping(first: DesignPoint, second: DesignPoint | undefined, l: number, rng: Random): InheritedMapping {
  if (!second) return { genome: genomeOf(first.mappings[l]), parentHardware: [first.hardware] };
  if (rng.chance(0.5)) {
    const parent = rng.chance(0.5) ? first : second;
    return { genome: genomeOf(parent.mappings[l]), parentHardware: [parent.hardware] };
  }
  return {
    genome: crossMappings(genomeOf(first.mappings[l]), genomeOf(second.mappings[l]), rng),
    parentHardware: [first.hardware, second.hardware],
  };
}

/** The fittest of a non-empty list. */
const fittest = (individuals: readonly Individual[]): Individual => individuals.reduce((best, i) => (fitter(i, best) ? i : best));
