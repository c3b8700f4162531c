import { describe, expect, it } from 'vitest';
import { HardwareSpace, LayerDoesNotFitError, type Mapper, Random, layerKey } from '@polaris/core';
import { tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from '@polaris/analytical';
import { MappingSampler, NoFeasibleHardwareError } from './mapping-sampler.js';

const analytical = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1 });
const workload = tinyWorkload();
const space = new HardwareSpace();
const hardware = { peDim: 16, spKB: 256, accKB: 64 };

/** The analytical mapper, counting its calls and refusing the hardware `refuses` picks. */
function countingMapper(refuses: (peDim: number) => boolean = () => false): Mapper & { calls: number } {
  const mapper = {
    id: 'counting',
    calls: 0,
    map: (...[layer, hw, seed]: Parameters<Mapper['map']>) => {
      mapper.calls += 1;
      if (refuses(hw.peDim)) throw new LayerDoesNotFitError(`peDim ${hw.peDim} refused by the test`);
      return analytical.map(layer, hw, seed);
    },
  };
  return mapper;
}

describe('MappingSampler', () => {
  it('seeds a layer by (seed, layer shape) as random search does, and a restart from that stream', () => {
    const sampler = new MappingSampler(workload, analytical, space, 7);
    const { layer } = workload.layers[0];
    const stream = new Random(7).fork(`mapper-${layerKey(layer)}`);
    expect(sampler.mapperSeed(layer)).toBe(stream.uint32());
    expect(sampler.mapperSeed(layer, 5)).toBe(new Random(7).fork(`mapper-${layerKey(layer)}`).fork(5).uint32());
    expect(sampler.mapperSeed(layer, 5)).not.toBe(sampler.mapperSeed(layer));
  });

  it('asks the mapper once per (layer, hardware, restart), for calls in flight together too', async () => {
    const mapper = countingMapper();
    const sampler = new MappingSampler(workload, mapper, space, 1);
    const [a, b] = await Promise.all([sampler.mapAll(hardware), sampler.mapAll(hardware)]);
    expect(mapper.calls).toBe(3);
    expect(b).toEqual(a);
    const { layer } = workload.layers[1];
    const [restart] = await sampler.answers([{ layer, restart: 9 }, { layer, restart: 9 }], hardware);
    expect(mapper.calls).toBe(4);
    expect(restart.ok && restart.result.mapping).toEqual(analytical.map(layer, hardware, sampler.mapperSeed(layer, 9)).mapping);
  });

  it('returns undefined when a layer fits no mapping, and draws other hardware for a point', async () => {
    const sampler = new MappingSampler(workload, countingMapper((peDim) => peDim >= 32), space, 2);
    expect(await sampler.mapAll({ ...hardware, peDim: 32 })).toBeUndefined();
    for (let i = 0; i < 6; i++) {
      const point = await sampler.sample(new Random(2).fork(i));
      expect(point.hardware.peDim).toBeLessThan(32);
      expect(point.mappings).toHaveLength(workload.layers.length);
    }
  });

  it('gives up after maxHardwareDraws, naming the workload, the point and the last miss', async () => {
    const mapper = countingMapper(() => true);
    const sampler = new MappingSampler(workload, mapper, space, 3, { maxHardwareDraws: 5 });
    const point = sampler.sample(new Random(3), undefined, 'for gradient start 0');
    await expect(point).rejects.toThrow(NoFeasibleHardwareError);
    await expect(point).rejects.toThrow(/among 5 draws .* of tiny for gradient start 0 \(last: peDim \d+ refused by the test\); widen/);
  });

  it('rejects with the signal\'s reason when aborted, even when every answer is cached, and asks again after an abort', async () => {
    const mapper = countingMapper();
    const sampler = new MappingSampler(workload, mapper, space, 4);
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    controller.abort(reason);
    await expect(sampler.mapAll(hardware, controller.signal)).rejects.toBe(reason);
    expect(mapper.calls).toBe(0);
    await sampler.mapAll(hardware);
    expect(mapper.calls).toBe(3); // the aborted answers were dropped, not cached
    await expect(sampler.mapAll(hardware, controller.signal)).rejects.toBe(reason);
  });
});
