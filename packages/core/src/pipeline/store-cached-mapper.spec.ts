import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LayerDoesNotFitError, type Mapper, type MapperResult } from '../contracts/mapper.js';
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
});
