import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_GEMMINI, type HardwareConfig, LayerDoesNotFitError, type MapOutcome, type MapRequest, builtinWorkload, printMapping, mapRequests,
} from '@polaris/core';
import { describeMapperContract, tinyWorkload } from '@polaris/core/testing';
import { analyticalMapperFactory } from '../plugin/analytical-plugin.js';
import { AnalyticalMapper } from './analytical-mapper.js';
import { PooledAnalyticalMapper } from './pooled-analytical-mapper.js';

const HARDWARE = [{ peDim: 16, spKB: 128, accKB: 32 }, { peDim: 4, spKB: 8, accKB: 2 }, { peDim: 64, spKB: 256, accKB: 64 }];
const budget = { samples: 120, improvementSteps: 400, starts: 2 };

describeMapperContract('analytical on worker threads', () => new PooledAnalyticalMapper({ ...budget, workers: 2 }), () => ({
  workload: tinyWorkload(),
  hardware: HARDWARE,
  impossible: { peDim: 2048, spKB: 1, accKB: 1 },
}));

describeMapperContract('analytical on worker threads (row-organised buffers)', () => new PooledAnalyticalMapper({ ...budget, bufferLayout: 'rows', workers: 1 }), () => ({
  workload: tinyWorkload(),
  hardware: HARDWARE,
  rows: true,
}));

/** The outcome as text: the mapping's text form and its cost, or the error. */
const text = (outcome: MapOutcome): string => (outcome.ok
  ? `${printMapping(outcome.result.mapping)} | ${outcome.result.cycles} cycles | ${outcome.result.energy} pJ`
  : `${outcome.error.name}: ${outcome.error.message}`);

describe('PooledAnalyticalMapper', () => {
  const pools: PooledAnalyticalMapper[] = [];
  const pool = (options: ConstructorParameters<typeof PooledAnalyticalMapper>[0]) => {
    const made = new PooledAnalyticalMapper(options);
    pools.push(made);
    return made;
  };
  afterAll(async () => { await Promise.all(pools.map((p) => p.close())); });

  it('gives exactly the in-process mappings for ResNet-50 at several hardware points and seeds (default search budget)', async () => {
    const resnet = builtinWorkload('resnet50');
    const hardware: HardwareConfig[] = [DEFAULT_GEMMINI, { peDim: 4, spKB: 16, accKB: 4 }, { peDim: 128, spKB: 2048, accKB: 512 }];
    const requests: MapRequest[] = hardware.flatMap((hw, h) => resnet.layers.map(({ layer }, l) => ({ layer, hardware: hw, seed: 1 + ((h * 31 + l) % 5) })));
    for (const bufferLayout of ['words', 'rows'] as const) {
      const pooled = pool({ bufferLayout, workers: 2 });
      const inProcess = new AnalyticalMapper({ bufferLayout });
      expect(pooled.version).toBe(inProcess.version); // so the store shares their answers
      const [fromPool, fromThread] = [await pooled.mapMany(requests), await mapRequests(inProcess, requests)];
      expect(fromPool.map(text)).toEqual(fromThread.map(text));
      expect(fromPool.every((o) => o.ok)).toBe(true);
    }
  });

  it('returns "does not fit" as a value among the answers, not as a rejection', async () => {
    const [{ layer }] = tinyWorkload().layers;
    const outcomes = await pool({ ...budget, workers: 1 }).mapMany([
      { layer, hardware: DEFAULT_GEMMINI, seed: 1 },
      { layer, hardware: { peDim: 2048, spKB: 1, accKB: 1 }, seed: 1 },
    ]);
    expect(outcomes[0].ok).toBe(true);
    expect(outcomes[1].ok).toBe(false);
    if (!outcomes[1].ok) {
      expect(outcomes[1].error).toBeInstanceOf(LayerDoesNotFitError);
      expect(outcomes[1].error.message).toMatch(/does not fit/);
    }
  });

  it('abort drops the queued tasks: the batch rejects at once, not when its work is done', async () => {
    const resnet = builtinWorkload('resnet50');
    const mapper = pool({ workers: 1 });
    await mapper.mapMany(resnet.layers.slice(0, 1).map(({ layer }) => ({ layer, hardware: DEFAULT_GEMMINI, seed: 1 }))); // threads up
    // About 5 s of mapping on one thread.
    const requests = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((spKB) => resnet.layers.map(({ layer }) => ({ layer, hardware: { ...DEFAULT_GEMMINI, spKB: 64 + spKB }, seed: 2 })));
    const controller = new AbortController();
    const batch = mapper.mapMany(requests, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = performance.now();
    controller.abort(new Error('stopped by the test'));
    await expect(batch).rejects.toThrow('stopped by the test');
    expect(performance.now() - abortedAt).toBeLessThan(1000);
  });

  it('close stops the threads: map keeps working, mapMany is refused, closing twice is fine', async () => {
    const mapper = pool({ ...budget, workers: 1 });
    const [{ layer }] = tinyWorkload().layers;
    await mapper.mapMany([{ layer, hardware: DEFAULT_GEMMINI, seed: 1 }]);
    await mapper.close();
    await mapper.close();
    expect(printMapping(mapper.map(layer, DEFAULT_GEMMINI, 1).mapping)).toBeTruthy();
    await expect(mapper.mapMany([{ layer, hardware: DEFAULT_GEMMINI, seed: 1 }])).rejects.toThrow(/closed/);
  });

  it('refuses a thread count that is not a whole number ≥ 1', () => {
    expect(() => new PooledAnalyticalMapper({ workers: 0 })).toThrow(/workers/);
    expect(() => new PooledAnalyticalMapper({ workers: 1.5 })).toThrow(/workers/);
  });

  it('rejects every batch with the cause when the worker threads cannot start', async () => {
    const broken = pool({ workers: 1, workerFile: new URL('./no-such-worker.mjs', import.meta.url).href });
    const [{ layer }] = tinyWorkload().layers;
    const requests = [{ layer, hardware: DEFAULT_GEMMINI, seed: 1 }];
    await expect(broken.mapMany(requests)).rejects.toThrow(/worker threads failed: Cannot find module .*no-such-worker/);
    await expect(broken.mapMany(requests)).rejects.toThrow(/worker threads failed/);
  });

  it('leaves no handle behind: a process that maps a batch and closes the mapper exits by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polaris-pool-'));
    try {
      const script = join(dir, 'map-and-close.mts');
      const source = (path: string) => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));
      writeFileSync(script, `
        import { tinyWorkload } from ${source('../../../core/src/testing/tiny-workload.ts')};
        import { PooledAnalyticalMapper } from ${source('./pooled-analytical-mapper.ts')};
        const mapper = new PooledAnalyticalMapper({ samples: 30, improvementSteps: 30, workers: 2 });
        const requests = tinyWorkload().layers.map(({ layer }) => ({ layer, hardware: { peDim: 16, spKB: 128, accKB: 32 }, seed: 1 }));
        const outcomes = await mapper.mapMany(requests);
        await mapper.close();
        console.log('mapped ' + outcomes.filter((o) => o.ok).length);
      `);
      // No process.exit anywhere: a thread (or anything else) left running would keep the child alive until the timeout kills it.
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 60_000,
      });
      expect(stdout.trim()).toBe(`mapped ${tinyWorkload().layers.length}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analytical mapper factory', () => {
  const create = async (options: Record<string, unknown>) =>
    analyticalMapperFactory.create({ id: 'analytical', options: analyticalMapperFactory.optionsSchema!.parse(options), seed: 1 } as never);

  it('maps batches on one worker thread per core by default, on the calling thread with workers: 0', async () => {
    const pooled = await create({});
    expect(pooled).toBeInstanceOf(PooledAnalyticalMapper);
    expect((pooled as PooledAnalyticalMapper).workers).toBe(availableParallelism());
    const two = await create({ workers: 2 });
    expect((two as PooledAnalyticalMapper).workers).toBe(2);
    const inProcess = await create({ workers: 0 });
    expect(inProcess).toBeInstanceOf(AnalyticalMapper);
    expect(inProcess.mapMany).toBeUndefined();
    expect(inProcess.version).toBe(pooled.version);
    expect(() => analyticalMapperFactory.optionsSchema!.parse({ workers: -1 })).toThrow();
  });
});
