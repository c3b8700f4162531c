import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LayerDoesNotFitError, type MapManyOptions, type MapOutcome, type MapRequest, type Mapper, type MapperResult, mapInProcess,
} from '../contracts/mapper.js';
import type { HardwareConfig } from '../domain/hardware.js';
import { type Layer, layerMacs } from '../domain/layer.js';
import { printMapping } from '../domain/mapping.js';
import { MemoryStore } from '../store/memory-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { flatMapping, tinyWorkload } from '../testing/tiny-workload.js';
import { StoreCachedMapper } from './store-cached-mapper.js';

/** The all-DRAM mapping, refused when the scratchpad is below 2 KiB; counts its calls. */
class CountingMapper implements Mapper {
  readonly id = 'counting';
  calls = 0;
  readonly version?: string;
  /** @param version null for a mapper without a version. */
  constructor(version: string | null = '1') {
    this.version = version ?? undefined;
  }

  map(layer: Layer, hardware: HardwareConfig, seed: number): MapperResult {
    this.calls += 1;
    if (hardware.spKB < 2) throw new LayerDoesNotFitError(`layer C${layer.C} does not fit ${hardware.spKB} KiB`);
    return { mapping: flatMapping(layer), cycles: layerMacs(layer) / hardware.peDim + seed, energy: layerMacs(layer) * 0.56 };
  }
}

const hardware = { peDim: 16, spKB: 128, accKB: 32 };
const [{ layer }] = tinyWorkload().layers;

describe('StoreCachedMapper', () => {
  it('maps each (layer, hardware, seed) once, across store sessions, and keeps refusals', () => {
    const dir = mkdtempSync(join(tmpdir(), 'polaris-mapper-cache-'));
    try {
      const path = join(dir, 'runs.sqlite');
      const inner = new CountingMapper();
      let store = new SqliteStore(path);
      const first = new StoreCachedMapper(inner, store).map(layer, hardware, 7);
      expect(() => new StoreCachedMapper(inner, store).map(layer, { ...hardware, spKB: 1 }, 7)).toThrow(LayerDoesNotFitError);
      store.close();

      store = new SqliteStore(path); // a later session (a resumed run)
      const cached = new StoreCachedMapper(inner, store);
      const again = cached.map(layer, hardware, 7);
      expect(printMapping(again.mapping)).toBe(printMapping(first.mapping));
      expect(again).toMatchObject({ cycles: first.cycles, energy: first.energy });
      expect(() => cached.map(layer, { ...hardware, spKB: 1 }, 7)).toThrow(/does not fit 1 KiB/);
      expect(inner.calls).toBe(2);
      expect(cached.stats).toEqual({ hits: 2, misses: 0 });
      cached.map(layer, hardware, 8); // another seed is another answer
      expect(inner.calls).toBe(3);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never shares answers between mapper versions, and passes an unversioned mapper through', () => {
    const store = new MemoryStore();
    new StoreCachedMapper(new CountingMapper('1'), store).map(layer, hardware, 1);
    const v2 = new CountingMapper('2');
    new StoreCachedMapper(v2, store).map(layer, hardware, 1);
    expect(v2.calls).toBe(1);
    const unversioned = new CountingMapper(null);
    const passThrough = new StoreCachedMapper(unversioned, store);
    passThrough.map(layer, hardware, 1);
    passThrough.map(layer, hardware, 1);
    expect(unversioned.calls).toBe(2);
  });

  describe('mapMany', () => {
    /** A CountingMapper with a batch API that records what it was asked and whether it was closed. */
    class BatchingMapper extends CountingMapper {
      readonly batches: MapRequest[][] = [];
      closed = false;
      mapMany(requests: readonly MapRequest[], options?: MapManyOptions): Promise<MapOutcome[]> {
        this.batches.push([...requests]);
        return mapInProcess(this, requests, options);
      }
      async close(): Promise<void> {
        this.closed = true;
      }
    }
    const layers = tinyWorkload().layers.map((l) => l.layer);
    const tooSmall = { ...hardware, spKB: 1 };

    it('answers from the store first, sends only the misses as one batch, stores its answers and keeps request order', async () => {
      const store = new MemoryStore();
      const inner = new BatchingMapper();
      const cached = new StoreCachedMapper(inner, store);
      cached.map(layers[1], hardware, 5); // already stored
      const requests: MapRequest[] = [
        { layer: layers[0], hardware, seed: 5 }, { layer: layers[1], hardware, seed: 5 }, { layer: layers[0], hardware: tooSmall, seed: 5 },
      ];
      const outcomes = await cached.mapMany(requests);
      expect(inner.batches).toEqual([[requests[0], requests[2]]]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, false]);
      expect(outcomes[2].ok ? undefined : outcomes[2].error).toBeInstanceOf(LayerDoesNotFitError);
      requests.slice(0, 2).forEach(({ layer: l, seed }, i) => {
        expect(outcomes[i].ok && printMapping(outcomes[i].result.mapping)).toBe(printMapping(new CountingMapper().map(l, hardware, seed).mapping));
      });
      expect(cached.stats).toEqual({ hits: 1, misses: 3 });

      // A later mapper on the same store maps nothing: the refusal is stored too.
      const again = new StoreCachedMapper(new BatchingMapper(), store);
      const replayed = await again.mapMany(requests);
      expect(replayed.map((o) => (o.ok ? printMapping(o.result.mapping) : o.error.message))).toEqual(
        outcomes.map((o) => (o.ok ? printMapping(o.result.mapping) : o.error.message)),
      );
      expect(again.stats).toEqual({ hits: 3, misses: 0 });
    });

    it('maps in-process through map when the inner mapper has no batch API', async () => {
      const inner = new CountingMapper();
      const outcomes = await new StoreCachedMapper(inner, new MemoryStore()).mapMany(layers.map((l) => ({ layer: l, hardware, seed: 1 })));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(inner.calls).toBe(layers.length);
    });

    it('rejects with the signal\'s reason when aborted, storing nothing', async () => {
      const store = new MemoryStore();
      const controller = new AbortController();
      const cached = new StoreCachedMapper(new BatchingMapper(), store);
      const batch = cached.mapMany(layers.map((l) => ({ layer: l, hardware, seed: 2 })), { signal: controller.signal });
      controller.abort(new Error('stopped'));
      await expect(batch).rejects.toThrow('stopped');
      const after = new BatchingMapper();
      await new StoreCachedMapper(after, store).mapMany([{ layer: layers[0], hardware, seed: 2 }]);
      expect(after.batches).toHaveLength(1);
    });

    it('passes an unversioned mapper through and closes the inner mapper', async () => {
      const store = new MemoryStore();
      const inner = new BatchingMapper(null);
      const cached = new StoreCachedMapper(inner, store);
      await cached.mapMany([{ layer: layers[0], hardware, seed: 1 }]);
      await cached.mapMany([{ layer: layers[0], hardware, seed: 1 }]);
      expect(inner.batches).toHaveLength(2);
      expect(cached.stats).toEqual({ hits: 0, misses: 0 });
      await cached.close();
      expect(inner.closed).toBe(true);
    });
  });
});
