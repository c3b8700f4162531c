import { describe, expect, it } from 'vitest';
import {
  DIMS, type HardwareConfig, HardwareSpace, type Layer, MappingSpace, Random, builtinWorkload, mappingViolations, printMapping,
  rowCapacityViolations, totalFactor,
} from '@polaris/core';
import { flatMapping, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from '@polaris/analytical';
import { type MappingGenome, genomeOf, mappingOf, sameGenome } from './mapping-genome.js';
import { type BufferLayout, fits, repairGenome } from './mapping-repair.js';
import { changeSpatialFactor, crossMappings, moveFactorBetweenLevels, mutateMapping, swapLoopOrder } from './mapping-variation.js';

/** Layers of every shape the workloads have: matmuls (BERT), strided and 1×1 convs (ResNet-50), the tiny set. */
const LAYERS: readonly Layer[] = [
  ...builtinWorkload('bert').layers,
  ...builtinWorkload('resnet50').layers.slice(0, 8),
  ...tinyWorkload().layers,
].map((entry) => entry.layer);

/** Every problem of a genome as a mapping of `layer` on `hardware`, as core's validity rules state them. */
function problemsOf(layer: Layer, hardware: HardwareConfig, genome: MappingGenome, layout: BufferLayout): string[] {
  const mapping = mappingOf(genome);
  const problems = mappingViolations(layer, hardware, mapping).map((v) => v.message);
  if (layout === 'rows' && problems.length === 0) problems.push(...rowCapacityViolations(layer, hardware, mapping).map((v) => v.message));
  for (const dim of DIMS) if (totalFactor(mapping, dim) !== layer[dim]) problems.push(`${dim} factors multiply to ${totalFactor(mapping, dim)}`);
  return problems.map((p) => `${printMapping(mapping)}: ${p}`);
}

/**
 * Seeded cases: a layer, hardware that can hold it, and a valid starting genome (a uniform
 * draw of the mapping space, repaired to fit). Hardware that holds not even the all-DRAM
 * mapping is redrawn.
 */
function* seededCases(count: number, layout: BufferLayout, seed = 1): Generator<{ layer: Layer; hardware: HardwareConfig; genome: MappingGenome; rng: Random }> {
  const space = new HardwareSpace();
  for (let i = 0; i < count; i++) {
    const rng = new Random(seed).fork(i);
    const layer = LAYERS[i % LAYERS.length];
    let hardware = space.sample(rng);
    while (!fits(layer, hardware, flatMapping(layer), layout)) hardware = space.sample(rng);
    const drawn = genomeOf(new MappingSpace(layer).sample(rng, hardware.peDim));
    const genome = repairGenome(layer, hardware, drawn, rng, layout);
    if (!genome) throw new Error(`repair failed on ${printMapping(mappingOf(drawn))} although the all-DRAM mapping fits`);
    yield { layer, hardware, genome, rng };
  }
}

describe('mapping genome', () => {
  it('round-trips the mapper\'s mappings to the same text', () => {
    const mapper = new AnalyticalMapper({ samples: 40, improvementSteps: 60, starts: 1 });
    const hardware = { peDim: 16, spKB: 128, accKB: 32 };
    for (const layer of LAYERS) {
      const mapping = mapper.map(layer, hardware, 3).mapping;
      expect(printMapping(mappingOf(genomeOf(mapping)))).toBe(printMapping(mapping));
    }
  });

  it('merges repeated loops of a dimension at a level and rejects spatial loops outside the template', () => {
    const layer = LAYERS[0];
    const merged = genomeOf(flatMapping(layer));
    expect(problemsOf(layer, { peDim: 16, spKB: 2048, accKB: 2048 }, merged, 'words')).toEqual([]);
    const bad = flatMapping(layer);
    const withSpatialP = { levels: [bad.levels[0], bad.levels[1], bad.levels[2], { ...bad.levels[3], loops: [...bad.levels[3].loops, { dim: 'P' as const, factor: 1, spatial: true }] }] } as const;
    expect(() => genomeOf(withSpatialP)).toThrow(/only C at L1 and K at L2/);
  });
});

describe('mapping variation keeps mappings valid', () => {
  for (const layout of ['words', 'rows'] as const) {
    it(`mutations stay valid after repair over 600 seeded cases (${layout} buffers)`, () => {
      let changed = 0;
      for (const { layer, hardware, genome, rng } of seededCases(600, layout)) {
        const mutated = mutateMapping(genome, rng, hardware.peDim);
        if (!mutated) continue;
        changed += 1;
        const repaired = repairGenome(layer, hardware, mutated, rng, layout);
        expect(repaired, 'a valid genome mutated by one step can always be repaired').toBeDefined();
        expect(problemsOf(layer, hardware, repaired!, layout)).toEqual([]);
      }
      expect(changed).toBeGreaterThan(550);
    });

    it(`crossovers of two valid mappings stay valid after repair, on the smaller hardware too (${layout} buffers)`, () => {
      const cases = [...seededCases(400, layout, 2)];
      for (let i = 0; i + 1 < cases.length; i++) {
        const a = cases[i];
        const b = cases.find((c, j) => j > i && c.layer === a.layer);
        if (!b) continue;
        for (const hardware of [a.hardware, b.hardware]) {
          const child = crossMappings(a.genome, b.genome, a.rng);
          const repaired = repairGenome(a.layer, hardware, child, a.rng, layout);
          expect(repaired).toBeDefined();
          expect(problemsOf(a.layer, hardware, repaired!, layout)).toEqual([]);
        }
      }
    });
  }

  it('each operator keeps factor products and spatial factors ≤ peDim before any repair', () => {
    const counts = { move: 0, swap: 0, spatial: 0 };
    for (const { layer, hardware, genome, rng } of seededCases(400, 'words', 3)) {
      const results = { move: moveFactorBetweenLevels(genome, rng, hardware.peDim), swap: swapLoopOrder(genome, rng), spatial: changeSpatialFactor(genome, rng, hardware.peDim) };
      for (const [kind, child] of Object.entries(results) as [keyof typeof counts, MappingGenome | undefined][]) {
        if (!child) continue;
        counts[kind] += 1;
        expect(sameGenome(child, genome), `${kind} changed the mapping`).toBe(false);
        const structural = mappingViolations(layer, hardware, mappingOf(child)).filter((v) => !v.code.endsWith('capacity'));
        expect(structural.map((v) => v.message)).toEqual([]);
      }
    }
    expect(counts.move).toBeGreaterThan(390);
    expect(counts.swap).toBeGreaterThan(150);
    expect(counts.spatial).toBeGreaterThan(300);
  });

  it('never changes the genomes it is given', () => {
    for (const { hardware, genome, rng } of seededCases(100, 'words', 4)) {
      const before = JSON.stringify(genome);
      mutateMapping(genome, rng, hardware.peDim);
      crossMappings(genome, genome, rng);
      expect(JSON.stringify(genome)).toBe(before);
    }
  });

  it('repair fixes capacity from the all-DRAM end on the smallest hardware, and gives up on a wrong factor product', () => {
    const layer = LAYERS[3]; // BERT mm_4: 128×768×3072
    const smallest = { peDim: 128, spKB: 1, accKB: 1 };
    const spread = genomeOf(new MappingSpace(layer).sample(new Random(5), 128));
    const repaired = repairGenome(layer, smallest, spread, new Random(1), 'rows');
    expect(problemsOf(layer, smallest, repaired!, 'rows')).toEqual([]);
    expect(repairGenome(layer, smallest, genomeOf(flatMapping(LAYERS[0])), new Random(1), 'words')).toBeUndefined();
  });
});
