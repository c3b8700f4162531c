import { layerKey } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import type { DatasetSample } from '../src/datasets/dataset-sample.js';
import {
  crossHardwareSplit, hardwareHoldoutSplit, hardwareKey, largestScratchpadCut, layerHoldoutSplit, mixedHardwareSplit, trainingSet,
} from './sample-efficiency-splits.js';
import { syntheticSample } from './synthetic-samples.js';

const layers = (xs: readonly DatasetSample[]) => new Set(xs.map((s) => layerKey(s.layer)));
const configs = (xs: readonly DatasetSample[]) => new Set(xs.map((s) => hardwareKey(s.hardware)));
const overlap = <T>(a: Set<T>, b: Set<T>) => [...a].filter((x) => b.has(x));

/** 4 peDims × 20 scratchpad sizes (1..20 KiB) × 3 layers: 80 configurations, 240 samples. */
const rtlLike = (): DatasetSample[] => [4, 8, 16, 32].flatMap((peDim) => Array.from({ length: 20 }, (_, i) => i + 1).flatMap((spKB) =>
  [8, 16, 32].map((layer) => syntheticSample({ layer, hardware: { peDim, spKB: spKB * (peDim === 4 ? 1 : 1.01), accKB: 16 } }))));

describe('sample-efficiency splits: held-out layers', () => {
  it('puts no layer shape in both the pool and the test set', () => {
    const samples = Array.from({ length: 50 }, (_, i) => syntheticSample({ layer: 1 + (i % 10), cycles: 100 + i }));
    const split = layerHoldoutSplit(samples, 0.2, 2024);
    expect(overlap(layers(split.pool), layers(split.test))).toEqual([]);
    expect(layers(split.test).size).toBe(2);
    expect(split.pool.length + split.test.length).toBe(50);
    expect(split.fixedTrain).toEqual([]);
  });
});

describe('sample-efficiency splits: held-out hardware', () => {
  it('cuts the largest scratchpads at the configuration ⌊(1 − f)·count⌋ of the ascending spKB, ties together', () => {
    const hw = (spKB: number) => ({ peDim: 4, spKB, accKB: 16 });
    expect(largestScratchpadCut(Array.from({ length: 20 }, (_, i) => hw(i + 1)), 0.15)).toBe(18); // 18, 19, 20: 3 of 20
    expect(largestScratchpadCut([hw(1), hw(3), hw(3), hw(2)], 0.5)).toBe(2); // samples of one configuration count once: [1, 2, 3], index ⌊0.5·3⌋ = 1
    expect(largestScratchpadCut([hw(1), { ...hw(2), accKB: 8 }, hw(2), hw(3)], 0.3)).toBe(2); // [1, 2, 2, 3], index ⌊0.7·4⌋ = 2: both 2s go
    expect(largestScratchpadCut([hw(1), hw(2)], 0)).toBe(Number.POSITIVE_INFINITY);
    expect(() => largestScratchpadCut([hw(1)], 1.5)).toThrow(RangeError);
  });

  it('holds out every sample of the chosen peDims and of the largest scratchpads; no configuration on both sides', () => {
    const samples = rtlLike();
    const split = hardwareHoldoutSplit(samples, { peDims: [8, 32], largestScratchpadFraction: 0.15 });
    const cut = largestScratchpadCut(samples.map((s) => s.hardware), 0.15);
    expect(overlap(configs(split.pool), configs(split.test))).toEqual([]);
    expect(split.pool.length + split.test.length).toBe(samples.length);
    for (const s of split.test) expect([8, 32].includes(s.hardware.peDim) || s.hardware.spKB >= cut).toBe(true);
    for (const s of split.pool) {
      expect([4, 16]).toContain(s.hardware.peDim);
      expect(s.hardware.spKB).toBeLessThan(cut);
    }
    // 80 configurations; the top 15 % by spKB are the 12 with spKB ≥ 18 (3 per peDim): cut at index 68 of the ascending spKB.
    expect(cut).toBe(18);
    expect(configs(split.test).size).toBe(40 + 3 + 3);
    expect(split.assignment.join('\n')).toContain('peDim 8, 32');
  });

  it('refuses a peDim the dataset lacks, and a hold-out that leaves nothing to train on', () => {
    const samples = rtlLike();
    expect(() => hardwareHoldoutSplit(samples, { peDims: [64], largestScratchpadFraction: 0.1 })).toThrow(/no sample has peDim 64 \(the dataset has 4, 8, 16, 32\)/);
    expect(() => hardwareHoldoutSplit(samples, { peDims: [4, 8, 16, 32], largestScratchpadFraction: 0 })).toThrow(/nothing is left to train on/);
  });
});

describe('sample-efficiency splits: across hardware (gemmini16, gemmini16-mixed)', () => {
  const source = Array.from({ length: 30 }, (_, i) => syntheticSample({ layer: 1 + (i % 6), hardware: { peDim: 128, spKB: 1024, accKB: 1024 }, cycles: 10 + i }));
  const target = Array.from({ length: 36 }, (_, i) => syntheticSample({ layer: 4 + (i % 12), hardware: { peDim: 16, spKB: 100 + (i % 3), accKB: 32 }, cycles: 50 + i }));

  it('gemmini16 trains on the source rows and scores every target row', () => {
    const split = crossHardwareSplit(source, target);
    expect(split.pool).toBe(source);
    expect(split.test).toBe(target);
    expect(split.fixedTrain).toEqual([]);
    expect(split.assignment[0]).toContain('12 layer shapes, 3 of them also in the training rows');
  });

  it('gemmini16-mixed adds half the target layers to every training set and scores the other half: by layer, seeded', () => {
    const split = mixedHardwareSplit(source, target, 2024);
    expect(split.pool).toBe(source);
    expect(overlap(layers(split.fixedTrain), layers(split.test))).toEqual([]);
    expect(layers(split.fixedTrain).size).toBe(6);
    expect(layers(split.test).size).toBe(6);
    expect([...split.fixedTrain, ...split.test].sort((a, b) => a.target.cycles - b.target.cycles)).toEqual(target);
    expect(mixedHardwareSplit(source, target, 2024)).toEqual(split);
    const others = [1, 2, 3, 4, 5].map((seed) => [...layers(mixedHardwareSplit(source, target, seed).test)].sort().join());
    expect(new Set([...others, [...layers(split.test)].sort().join()]).size).toBeGreaterThan(1);
    expect(split.assignment[0]).toMatch(/^target layers trained on \(6, 18 rows, seed 2024\): conv 1x1/);
    expect(split.assignment[1]).toMatch(/^target layers held out \(6, 18 rows\): conv 1x1/);
  });
});

describe('sample-efficiency splits: training sets', () => {
  const pool = Array.from({ length: 40 }, (_, i) => syntheticSample({ cycles: 1 + i }));
  const fixed = [syntheticSample({ cycles: 1000 }), syntheticSample({ cycles: 1001 })];
  const split = { pool, fixedTrain: fixed, test: [], assignment: [] };

  it('draws a seeded prefix of the pool, nested across sizes, and adds every fixed row (counted in n)', () => {
    const small = trainingSet(split, 10, 1, 'x');
    const large = trainingSet(split, 25, 1, 'x');
    expect(small.n).toBe(12);
    expect(small.drawn).toBe(10);
    expect(small.samples.slice(10)).toEqual(fixed);
    expect(large.samples.slice(0, 10)).toEqual(small.samples.slice(0, 10));
    expect(trainingSet(split, 10, 1, 'x')).toEqual(small);
    expect(trainingSet(split, 10, 2, 'x').samples).not.toEqual(small.samples);
    expect(trainingSet(split, 10, 1, 'y').samples).not.toEqual(small.samples);
    expect(trainingSet(split, 500, 1, 'x')).toMatchObject({ n: 42, drawn: 40 });
  });
});
