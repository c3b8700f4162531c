import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GEMMINI, builtinWorkload, parseMapping, type DesignPoint } from '@polaris/core';
import { describeEvaluatorContract, flatDesignPoint, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from '../mapper/analytical-mapper.js';
import { AnalyticalEvaluator } from './analytical-evaluator.js';

const mapper = new AnalyticalMapper({ samples: 100, improvementSteps: 300, starts: 1 });
const mappedPoint = (workload = tinyWorkload(), hardware = DEFAULT_GEMMINI): DesignPoint => ({
  hardware, mappings: workload.layers.map(({ layer }) => mapper.map(layer, hardware, 1).mapping),
});

describeEvaluatorContract('analytical', () => new AnalyticalEvaluator(), () => ({
  workload: tinyWorkload(),
  points: [mappedPoint(), mappedPoint(tinyWorkload(), { peDim: 4, spKB: 16, accKB: 8 }), flatDesignPoint(DEFAULT_GEMMINI, tinyWorkload())],
  invalidPoints: [flatDesignPoint({ peDim: 3, spKB: 128, accKB: 32 }, tinyWorkload())],
}));

describe('AnalyticalEvaluator', () => {
  it('names every violation of an invalid mapping and marks it non-recoverable', async () => {
    const workload = builtinWorkload('resnet50');
    const point = mappedPoint(workload);
    // Put the whole first layer's K=64 on the spatial K slot of a 16-wide array, and drop C.
    const broken = { ...point, mappings: [parseMapping('L3[WIO] P112 Q112 R7 S7 - L2[WI] K64X - L1[O] - L0[W]'), ...point.mappings.slice(1)] };
    const [result] = await firstValueFrom(new AnalyticalEvaluator().evaluate([broken], workload).pipe(toArray()));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.recoverable).toBe(false);
    expect(result.error).toMatch(/layer 1 "_outputs_input\.2"/);
    expect(result.error).toMatch(/C/);
    expect(result.error).toMatch(/peDim|16/);
  });

  it('prices with the DOSA table when asked, with its own version', async () => {
    const point = mappedPoint();
    const timeloop = new AnalyticalEvaluator();
    const dosa = new AnalyticalEvaluator({ energy: 'dosa' });
    expect(dosa.version).not.toBe(timeloop.version);
    const [a] = await firstValueFrom(timeloop.evaluate([point], tinyWorkload()).pipe(toArray()));
    const [b] = await firstValueFrom(dosa.evaluate([point], tinyWorkload()).pipe(toArray()));
    if (!a.ok || !b.ok) throw new Error('expected both to evaluate');
    expect(b.evaluation.cycles).toBe(a.evaluation.cycles);
    // Same counts, coefficients within a few percent of each other.
    expect(Math.abs(b.evaluation.energy / a.evaluation.energy - 1)).toBeLessThan(0.05);
  });
});
