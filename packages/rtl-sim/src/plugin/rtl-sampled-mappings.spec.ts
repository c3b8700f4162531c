import {
  type DesignPoint, type HardwareConfig, type Layer, MappingSpace, Random, type Workload,
  describeLayer, layerMacs, makeLayer, mappingViolations, printMapping, rowCapacityViolations, tensorSizes,
} from '@polaris/core';
import { firstValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasVerilator } from '../runner/toolchain.js';
import { buildSimulator } from '../runner/verilator-build.js';
import { RtlEvaluator } from './rtl-evaluator.js';
import { DEFAULT_RTL_OPTIONS } from './rtl-options.js';

/**
 * The generator and the RTL together: mappings drawn from core's mapping space (random
 * factorisations, random loop orders at every level, spatial C/K present or absent) for convs
 * with strides, dilation and partial blocks, and matmuls, simulated cycle-accurately with the
 * output checked against the reference convolution (`check: true` makes a mismatch a failed
 * result). Counters must reconcile with the tensors.
 */
const VERILATOR = hasVerilator();
if (!VERILATOR) console.warn('rtl-sim: verilator is not on PATH — SKIPPING sampled-mapping RTL tests. Install it with `bash scripts/install-system-tools.sh`.');

const LAYERS: Layer[] = [
  makeLayer({ R: 3, S: 3, P: 3, Q: 4, C: 6, K: 4, N: 1, Wstride: 2, Hstride: 2 }),
  makeLayer({ R: 3, S: 2, P: 4, Q: 3, C: 4, K: 6, N: 2, Wdilation: 2, Hdilation: 2 }),
  makeLayer({ R: 1, S: 1, P: 12, Q: 1, C: 16, K: 8, N: 1 }),
  makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: 12, N: 1, Wstride: 2, Hstride: 2 }),
];
const PER_LAYER = 6;

function sampledPoints(hardware: HardwareConfig): { workload: Workload; point: DesignPoint; mapping: string }[] {
  const cases: { workload: Workload; point: DesignPoint; mapping: string }[] = [];
  LAYERS.forEach((layer, i) => {
    const space = new MappingSpace(layer);
    const rng = new Random(`rtl sampled ${hardware.peDim}`).fork(describeLayer(layer));
    for (let draw = 0, kept = 0; draw < 5000 && kept < PER_LAYER; draw++) {
      const mapping = space.sample(rng, hardware.peDim);
      if (mappingViolations(layer, hardware, mapping).length > 0 || rowCapacityViolations(layer, hardware, mapping).length > 0) continue;
      kept++;
      cases.push({ workload: { name: `layer${i}`, layers: [{ name: `layer${i}`, layer, count: 1 }] }, point: { hardware, mappings: [mapping] }, mapping: printMapping(mapping) });
    }
  });
  return cases;
}

describe.skipIf(!VERILATOR)('RTL on sampled mappings (DIM 4)', () => {
  const hardware: HardwareConfig = { peDim: 4, spKB: 1, accKB: 1 };
  beforeAll(async () => { await buildSimulator({ dim: 4 }); }, 600_000);

  it('computes the reference output for every sampled mapping, and the counters reconcile', async () => {
    const rtl = new RtlEvaluator({ ...DEFAULT_RTL_OPTIONS, check: true });
    const cases = sampledPoints(hardware);
    expect(cases.length).toBe(LAYERS.length * PER_LAYER);
    const results = await Promise.all(cases.map(({ workload, point }) => firstValueFrom(rtl.evaluate([point], workload).pipe(toArray()))));
    results.forEach(([result], i) => {
      const { workload, mapping } = cases[i];
      const layer = workload.layers[0].layer;
      const where = `${describeLayer(layer)} with "${mapping}"`;
      expect(result.ok, `${where}: ${result.ok ? '' : result.error}`).toBe(true);
      if (!result.ok) return;
      const evaluation = result.evaluation.layers[0];
      const events = evaluation.events ?? {};
      const sizes = tensorSizes(layer);
      expect(evaluation.macs, where).toBe(layerMacs(layer));
      expect(evaluation.cycles, where).toBeGreaterThanOrEqual(layerMacs(layer) / hardware.peDim ** 2);
      // Every weight and (used) input byte comes in at least once; every output leaves once as
      // int8 (narrow MVOUT), plus whole int32 partial sums for the visits before its last.
      expect(events.dram_read_bytes, where).toBeGreaterThanOrEqual(sizes.W);
      expect(events.dram_write_bytes, where).toBeGreaterThanOrEqual(sizes.O);
      expect(((events.dram_write_bytes ?? 0) - sizes.O) % (4 * sizes.O), where).toBe(0);
    });
  }, 600_000);
});
