import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GEMMINI, type DesignPoint, type EvaluationResult, type Workload, hashDesignPoint, makeLayer, parseMapping,
} from '@polaris/core';
import { describeEvaluatorContract, flatDesignPoint, tinyWorkload } from '@polaris/core/testing';
import { RooflineEvaluator } from './roofline-evaluator.js';
import { DEFAULT_ROOFLINE_OPTIONS, rooflineOptionsSchema } from './roofline-options.js';

const workload = tinyWorkload();

/** A point with real spatial unrolling on the default 16×16 Gemmini, for the tiny workload. */
function spatialPoint(): DesignPoint {
  return {
    hardware: DEFAULT_GEMMINI,
    mappings: [
      parseMapping('L3[WIO] R3 S3 P8 Q8 K2 - L2[WI] K16X - L1[O] C16X - L0[W]'), // conv3x3 C16 K32
      parseMapping('L3[WIO] P8 Q8 C2 K2 - L2[WI] K16X - L1[O] C16X - L0[W]'), // conv1x1 C32 K32
      parseMapping('L3[WIO] P4 C4 - L2[WI] K10X - L1[O] C16X - L0[W]'), // fc C64 K10
    ],
  };
}

describeEvaluatorContract('roofline', () => new RooflineEvaluator(), () => ({
  workload,
  points: [
    flatDesignPoint(DEFAULT_GEMMINI, workload),
    flatDesignPoint({ peDim: 32, spKB: 256, accKB: 64 }, workload),
    spatialPoint(),
  ],
  invalidPoints: [
    flatDesignPoint({ peDim: 3, spKB: 128, accKB: 32 }, workload),
    { hardware: DEFAULT_GEMMINI, mappings: spatialPoint().mappings.slice(0, 2) },
  ],
}));

const evaluateAll = (evaluator: RooflineEvaluator, points: readonly DesignPoint[], w: Workload = workload): Promise<EvaluationResult[]> =>
  firstValueFrom(evaluator.evaluate(points, w).pipe(toArray()));

describe('RooflineEvaluator', () => {
  it('identifies itself: id roofline, fidelity analytical, a version naming the model and options', () => {
    const evaluator = new RooflineEvaluator();
    expect(evaluator.id).toBe('roofline');
    expect(evaluator.fidelity).toBe('analytical');
    expect(evaluator.version).toBe('roofline-1.0.0;mac=0.5608;dram=100;bw=8');
  });

  it('changes its version when an option changes the results', () => {
    const base = new RooflineEvaluator().version;
    const changed = ['macPJ', 'dramPJPerWord', 'dramWordsPerCycle'].map(
      (key) => new RooflineEvaluator({ ...DEFAULT_ROOFLINE_OPTIONS, [key]: 7 }).version,
    );
    expect(new Set([base, ...changed]).size).toBe(4);
  });

  it('scores the flat mapping as one MAC per cycle (a single PE) and the spatial one faster', async () => {
    const [flat, spatial] = await evaluateAll(new RooflineEvaluator(), [flatDesignPoint(DEFAULT_GEMMINI, workload), spatialPoint()]);
    if (!flat.ok || !spatial.ok) throw new Error('expected both points to succeed');
    // conv3x3: 3·3·8·8·16·32 = 294 912 MACs on 1 PE; its 4 608 + 1 600 + 2 048 DRAM words need only 1 032 cycles.
    expect(flat.evaluation.layers[0].cycles).toBe(294_912);
    expect(spatial.evaluation.cycles).toBeLessThan(flat.evaluation.cycles);
    expect(spatial.evaluation.energy).toBeCloseTo(flat.evaluation.energy, 6); // energy ignores the mapping
  });

  it('rejects invalid points as non-recoverable values naming every violation', async () => {
    const badHardware = flatDesignPoint({ peDim: 3, spKB: 4096, accKB: 32 }, workload);
    const badMapping: DesignPoint = {
      hardware: { peDim: 8, spKB: 128, accKB: 32 },
      mappings: [
        parseMapping('L3[WIO] R3 S3 P8 Q8 K2 - L2[WI] K16X - L1[O] C16X - L0[W]'), // spatial 16 > peDim 8, twice
        parseMapping('L3[WIO] P8 Q8 C32 K16 - L2[WI] - L1[O] - L0[W]'), // K product 16 ≠ 32
        parseMapping('L3[WIO] P4 C64 K10 - L2[WI] - L1[O] - L0[W]'), // valid
      ],
    };
    const results = await evaluateAll(new RooflineEvaluator(), [badHardware, badMapping]);
    expect(results.map((r) => r.pointHash)).toEqual([hashDesignPoint(badHardware), hashDesignPoint(badMapping)]);
    for (const r of results) expect(r).toMatchObject({ ok: false, recoverable: false });
    const [hw, mapping] = results.map((r) => (r.ok ? '' : r.error));
    expect(hw).toMatch(/peDim = 3 is not a power of two/);
    expect(hw).toMatch(/spKB = 4096 is outside/);
    expect(mapping).toMatch(/3 problems/);
    expect(mapping).toMatch(/layer 1 "conv3x3" \[spatial-exceeds-pe\]: spatial C at L1/);
    expect(mapping).toMatch(/layer 1 "conv3x3" \[spatial-exceeds-pe\]: spatial K at L2/);
    expect(mapping).toMatch(/layer 2 "conv1x1" \[factor-product\]: dimension K/);
  });

  it('evaluates lazily and stops at the first result under take(1)', async () => {
    // Count the work through the workload's `layers` getter, which every point's evaluation reads.
    let reads = 0;
    const spy: Workload = { name: workload.name, get layers() { reads += 1; return workload.layers; } };
    const stream = new RooflineEvaluator().evaluate([spatialPoint(), spatialPoint(), spatialPoint()], spy);
    expect(reads, 'nothing runs before subscription').toBe(0);
    expect(await firstValueFrom(stream.pipe(take(1), toArray()))).toHaveLength(1);
    const perPoint = reads;
    reads = 0;
    expect(await firstValueFrom(stream.pipe(toArray()))).toHaveLength(3);
    expect(reads, 'take(1) evaluated one point, not three').toBe(3 * perPoint);
  });

  it('validates options with its zod schema, filling defaults', () => {
    expect(rooflineOptionsSchema.parse({})).toEqual(DEFAULT_ROOFLINE_OPTIONS);
    expect(rooflineOptionsSchema.parse({ macPJ: 0.3 })).toEqual({ ...DEFAULT_ROOFLINE_OPTIONS, macPJ: 0.3 });
    expect(rooflineOptionsSchema.safeParse({ dramWordsPerCycle: 0 }).success).toBe(false);
    expect(rooflineOptionsSchema.safeParse({ dramPJPerWord: -1 }).success).toBe(false);
    expect(rooflineOptionsSchema.safeParse({ macPj: 1 }).success, 'a misspelt key is an error').toBe(false);
  });

  it('matches the roofline of a layer evaluated on its own (network of one)', async () => {
    const single: Workload = { name: 'one', layers: [{ name: 'fc', layer: makeLayer({ R: 1, S: 1, P: 4, Q: 1, C: 64, K: 10, N: 1 }), count: 5 }] };
    const [result] = await evaluateAll(new RooflineEvaluator(), [{ hardware: DEFAULT_GEMMINI, mappings: [spatialPoint().mappings[2]] }], single);
    if (!result.ok) throw new Error(result.error);
    // fc: 2 560 MACs on C16 × K10 = 160 PEs → 16 cycles; 640 + 256 + 40 = 936 words → 117 cycles (bandwidth-bound).
    expect(result.evaluation.layers[0].cycles).toBe(117);
    expect(result.evaluation.cycles).toBe(5 * 117);
  });
});
