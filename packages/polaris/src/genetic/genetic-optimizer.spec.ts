import { describe, expect, it } from 'vitest';
import {
  type DesignPoint, HardwareSpace, type Trial, type Workload, builtinWorkload, canonicalDesignPoint, designPointViolations, hashDesignPoint,
  rowCapacityViolations,
} from '@polaris/core';
import { describeOptimizerContract, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper, analyzeNetwork } from '@polaris/analytical';
import { RandomOptimizer } from '../random/random-optimizer.js';
import { GENETIC_DEFAULTS, GeneticOptimizer, type GeneticOptimizerOptions } from './genetic-optimizer.js';
import { geneticOptionsSchema } from './genetic-plugin.js';

const mapper = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1 });
const make = (seed: number, workload: Workload, options: GeneticOptimizerOptions = {}, space = new HardwareSpace()) =>
  new GeneticOptimizer(workload, mapper, space, seed, options);
/** Small enough that the contract's few rounds breed children, not only generation 0. */
const SMALL: GeneticOptimizerOptions = { population: 4, eliteCount: 1, tournamentSize: 2 };

describeOptimizerContract('genetic (defaults)', (seed, workload) => make(seed, workload), () => ({ workload: tinyWorkload() }));
describeOptimizerContract('genetic (population 4)', (seed, workload) => make(seed, workload, SMALL), () => ({ workload: tinyWorkload() }));

/** Told trials of `points` scored by the analytical model. */
const analytical = (workload: Workload, points: readonly DesignPoint[]): Trial[] => points.map((point) => ({
  point, result: { ok: true, pointHash: hashDesignPoint(point), evaluation: analyzeNetwork(workload, point.hardware, point.mappings) },
}));

/** `rounds` of ask(batch) + tell with the analytical model; every asked point. */
async function drive(optimizer: GeneticOptimizer, workload: Workload, batch: number, rounds: number): Promise<DesignPoint[]> {
  const asked: DesignPoint[] = [];
  for (let round = 0; round < rounds; round++) {
    const points = (await optimizer.ask(batch)) as DesignPoint[];
    optimizer.tell(analytical(workload, points));
    asked.push(...points);
  }
  return asked;
}

describe('GeneticOptimizer', () => {
  it('breeds valid, distinct points of ResNet-50 inside a narrowed space', async () => {
    const workload = builtinWorkload('resnet50');
    const space = new HardwareSpace({ peDim: [8, 32], spKB: [64, 512], accKB: [16, 128] });
    const points = await drive(make(3, workload, SMALL, space), workload, 4, 4);
    for (const point of points) {
      expect(space.contains(point.hardware)).toBe(true);
      expect(designPointViolations(point, workload)).toEqual([]);
    }
    expect(new Set(points.map(hashDesignPoint)).size).toBe(points.length);
  });

  it('keeps the RTL\'s row-organised buffers with bufferLayout rows', async () => {
    const workload = builtinWorkload('bert');
    const rowsMapper = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1, bufferLayout: 'rows' });
    const optimizer = new GeneticOptimizer(workload, rowsMapper, new HardwareSpace(), 5, { ...SMALL, bufferLayout: 'rows', mappingMutationRate: 1 });
    const points = await drive(optimizer, workload, 4, 6);
    for (const point of points) {
      expect(designPointViolations(point, workload)).toEqual([]);
      workload.layers.forEach((l, i) => expect(rowCapacityViolations(l.layer, point.hardware, point.mappings[i])).toEqual([]));
    }
  });

  it('asks random search\'s points in generation 0, and again while no told trial is comparable', async () => {
    const workload = tinyWorkload();
    const random = await new RandomOptimizer(workload, mapper, new HardwareSpace(), 8).ask(6);
    const genetic = make(8, workload, SMALL);
    const first = (await genetic.ask(4)) as DesignPoint[];
    expect(first.map(canonicalDesignPoint)).toEqual(random.slice(0, 4).map(canonicalDesignPoint));
    // Trials at another fidelity than the run's primary one do not rank against each other.
    genetic.tell(analytical(workload, first).map((trial) => ({ ...trial, fidelity: 'rtl' as const })));
    expect(((await genetic.ask(2)) as DesignPoint[]).map(canonicalDesignPoint)).toEqual(random.slice(4, 6).map(canonicalDesignPoint));
  });

  it('resumes mid-generation to the uninterrupted sequence, however the stored trials are told', async () => {
    const workload = builtinWorkload('bert');
    const straight = await drive(make(9, workload, SMALL), workload, 3, 4);
    const resumed = make(9, workload, SMALL);
    const stored = analytical(workload, straight.slice(0, 9)); // generation 2 is trials 7..9
    resumed.tell(stored.slice(0, 2));
    resumed.tell(stored.slice(2));
    const next = (await resumed.ask(3)) as DesignPoint[];
    expect(next.map(canonicalDesignPoint)).toEqual(straight.slice(9).map(canonicalDesignPoint));
  });

  it('rejects an elite count that leaves no children', () => {
    expect(() => make(1, tinyWorkload(), { population: 4, eliteCount: 4 })).toThrow(/eliteCount must be an integer from 0 to population − 1 \(3\)/);
  });
});

describe('genetic options schema', () => {
  it('defaults every option to the optimizer\'s defaults', () => {
    expect(geneticOptionsSchema.parse({})).toEqual(GENETIC_DEFAULTS);
  });

  it('names the bad key: an unknown option, a rate above 1, elites not below the population', () => {
    const issues = (options: unknown) => geneticOptionsSchema.safeParse(options).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ populaton: 8 })).toEqual([expect.stringMatching(/populaton/)]);
    expect(issues({ crossoverRate: 1.5 })).toEqual([expect.stringMatching(/^crossoverRate: .*1/)]);
    expect(issues({ population: 4, eliteCount: 4 })).toEqual(['eliteCount: eliteCount must be below population']);
  });
});
