import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { AnalyticalEvaluator, AnalyticalMapper, analyzeLayer, dosaRowOptions } from '@polaris/analytical';
import {
  DosaCsvError, HardwareSpace, LayerDoesNotFitError, type Mapper, MemoryStore, hashDesignPoint, layerKey, makeLayer, mappingViolations, printMapping,
  rowCapacityViolations, workloadHash,
} from '@polaris/core';
import { SHARED_DATA, tinyWorkload } from '@polaris/core/testing';
import { describe, expect, it } from 'vitest';
import type { DatasetSample } from './dataset-sample.js';
import { importFiresimCsv } from './import-firesim-csv.js';
import { DesignPointSamplingError, sampleDesignPoints } from './sample-design-points.js';
import { samplesFromStore } from './samples-from-store.js';
import { splitByLayer } from './split-by-layer.js';

const FIRESIM = join(SHARED_DATA, 'dosa/firesim/firesim_results.csv');
const hardwareSpace = new HardwareSpace({ peDim: [4, 32], spKB: [32, 512], accKB: [16, 256] });
const scoreRow = (row: Parameters<typeof dosaRowOptions>[0], mapping: Parameters<typeof analyzeLayer>[2]) =>
  analyzeLayer(row.layer, row.hardware, mapping, dosaRowOptions(row));

describe('sampleDesignPoints', () => {
  it('draws valid points, half from the mapper and half random, deterministically per seed', () => {
    const workload = tinyWorkload();
    let mapped = 0;
    const inner = new AnalyticalMapper();
    const mapper: Mapper = { id: 'counting', map: (layer, hw, seed) => { mapped++; return inner.map(layer, hw, seed); } };
    const points = sampleDesignPoints(workload, 6, 42, { hardwareSpace, mapper });
    expect(points).toHaveLength(6);
    expect(mapped).toBeGreaterThanOrEqual(3 * workload.layers.length); // 3 mapped points (more if hardware was redrawn)
    for (const point of points) {
      expect(hardwareSpace.contains(point.hardware)).toBe(true);
      point.mappings.forEach((m, i) => expect(mappingViolations(workload.layers[i].layer, point.hardware, m)).toEqual([]));
    }
    // Same seed, same points; another seed, other points; without a mapper only the odd (random) points agree.
    const again = sampleDesignPoints(workload, 6, 42, { hardwareSpace, mapper: new AnalyticalMapper() });
    expect(again.map(hashDesignPoint)).toEqual(points.map(hashDesignPoint));
    const other = sampleDesignPoints(workload, 6, 43, { hardwareSpace, mapper: new AnalyticalMapper() });
    expect(other.map(hashDesignPoint)).not.toEqual(points.map(hashDesignPoint));
    const randomOnly = sampleDesignPoints(workload, 6, 42, { hardwareSpace });
    const odd = <T>(xs: T[]) => xs.filter((_, k) => k % 2 === 1);
    const even = <T>(xs: T[]) => xs.filter((_, k) => k % 2 === 0);
    expect(odd(randomOnly).map(hashDesignPoint)).toEqual(odd(points).map(hashDesignPoint));
    expect(even(randomOnly).map(hashDesignPoint)).not.toEqual(even(points).map(hashDesignPoint));
    // Growing n keeps the earlier points.
    expect(sampleDesignPoints(workload, 3, 42, { hardwareSpace, mapper: new AnalyticalMapper() }).map(hashDesignPoint))
      .toEqual(points.slice(0, 3).map(hashDesignPoint));
  });

  it('with the rows layout, random mappings also fit the row-organised buffers', () => {
    const workload = tinyWorkload();
    const points = sampleDesignPoints(workload, 4, 5, { hardwareSpace, bufferLayout: 'rows' });
    for (const point of points) {
      point.mappings.forEach((m, i) => expect(rowCapacityViolations(workload.layers[i].layer, point.hardware, m)).toEqual([]));
    }
  });

  it('names the problem when no hardware of the space fits, and lets other mapper errors through', () => {
    const workload = tinyWorkload();
    const neverFits: Mapper = { id: 'never', map: () => { throw new LayerDoesNotFitError('too small'); } };
    expect(() => sampleDesignPoints(workload, 1, 1, { hardwareSpace, mapper: neverFits, hardwareAttempts: 3 }))
      .toThrow(/no valid mapped design point of tiny in 3 hardware draws .*layer conv3x3 on/);
    expect(() => sampleDesignPoints(workload, 1, 1, { hardwareSpace, mapper: neverFits })).toThrow(DesignPointSamplingError);
    const broken: Mapper = { id: 'broken', map: () => { throw new Error('mapper bug'); } };
    expect(() => sampleDesignPoints(workload, 1, 1, { hardwareSpace, mapper: broken })).toThrow('mapper bug');
  });
});

describe('importFiresimCsv', () => {
  it('reads the FireSim CSV as a high-fidelity dataset (RTL cycles, energy in pJ)', () => {
    const { samples, skipped } = importFiresimCsv(FIRESIM, { analytical: scoreRow });
    expect(samples.length + skipped.length).toBe(1567);
    expect(samples.length).toBeGreaterThan(1500);
    const first = samples[0];
    expect(first.source).toBe('firesim:firesim_results.csv');
    expect(first.target.cycles).toBe(9853947);
    expect(first.target.energy).toBeCloseTo(1361.194412 * 1e6, 0);
    expect(first.hardware).toEqual({ peDim: 128, spKB: 1024, accKB: 1024 });
    expect(printMapping(first.mapping)).toBe('L3[WIO] K8 Q28 - L2[WI] N1 K4X - L1[O] K2 S7 R7 Q4 P7 C3X - L0[W] P16');
    expect(first.analytical.cycles).toBeGreaterThan(0);
    expect(new Set(samples.map((s) => layerKey(s.layer))).size).toBeGreaterThan(50);
  });

  it('rejects a CSV with missing columns with a DosaCsvError naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'starlight-csv-'));
    const lines = readFileSync(FIRESIM, 'utf8').split('\n').slice(0, 3);
    const header = lines[0].split(',');
    const drop = (name: string) => {
      const i = header.indexOf(name);
      return lines.map((l) => l.split(',').filter((_, j) => j !== i).join(',')).join('\n');
    };
    const noRtl = join(dir, 'no-rtl.csv');
    writeFileSync(noRtl, drop('target.gemmini_cycle'));
    expect(() => importFiresimCsv(noRtl, { analytical: scoreRow })).toThrow(DosaCsvError);
    expect(() => importFiresimCsv(noRtl, { analytical: scoreRow })).toThrow(/lacks required column\(s\): target\.gemmini_cycle/);
    const noC = join(dir, 'no-c.csv');
    writeFileSync(noC, drop('prob.C'));
    expect(() => importFiresimCsv(noC, { analytical: scoreRow })).toThrow(/lacks required column\(s\): prob\.C/);
  });
});

describe('splitByLayer', () => {
  it('holds out whole layers, deterministically per seed', () => {
    const { samples } = importFiresimCsv(FIRESIM, { analytical: scoreRow });
    const split = splitByLayer(samples, 0.2, 3);
    const layers = new Set(samples.map((s) => layerKey(s.layer)));
    expect(split.heldOutLayers).toHaveLength(Math.round(0.2 * layers.size));
    const trainLayers = new Set(split.train.map((s) => layerKey(s.layer)));
    for (const s of split.test) expect(trainLayers.has(layerKey(s.layer))).toBe(false);
    expect(split.train.length + split.test.length).toBe(samples.length);
    expect(splitByLayer(samples, 0.2, 3).heldOutLayers).toEqual(split.heldOutLayers);
    expect(splitByLayer(samples, 0.2, 4).heldOutLayers).not.toEqual(split.heldOutLayers);
  });

  it('keeps at least one layer on each side and rejects bad fractions', () => {
    const a = makeLayer({ R: 1, S: 1, P: 2, Q: 2, C: 4, K: 4, N: 1 });
    const b = makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 4, K: 4, N: 1 });
    const sample = (layer: typeof a) => ({ layer }) as DatasetSample;
    const split = splitByLayer([sample(a), sample(b), sample(a)], 0.01, 1);
    expect(split.heldOutLayers).toHaveLength(1);
    expect(splitByLayer([sample(a), sample(b)], 1, 1).train).toHaveLength(1);
    expect(() => splitByLayer([], 1.5, 1)).toThrow(RangeError);
  });
});

describe('samplesFromStore', () => {
  it('joins stored target evaluations with their analytical ones into per-layer samples', async () => {
    const workload = tinyWorkload();
    const points = sampleDesignPoints(workload, 3, 8, { hardwareSpace });
    const evaluator = new AnalyticalEvaluator();
    const results = await firstValueFrom(evaluator.evaluate(points, workload).pipe(toArray()));
    const store = new MemoryStore();
    results.forEach((r, i) => {
      if (!r.ok) throw new Error(r.error);
      store.putEvaluation({ fidelity: 'analytical', pointHash: r.pointHash, evaluator: evaluator.id, evaluatorVersion: evaluator.version, workloadHash: workloadHash(workload) }, points[i], r.evaluation);
    });
    const samples = samplesFromStore(store, { workload, fidelity: 'analytical' });
    expect(samples).toHaveLength(3 * workload.layers.length);
    expect(samples[0].target.cycles).toBe(samples[0].analytical.cycles);
    expect(samples[1].layer).toEqual(workload.layers[1].layer);
    expect(samplesFromStore(store, { workload, fidelity: 'rtl' })).toEqual([]);
  });
});
