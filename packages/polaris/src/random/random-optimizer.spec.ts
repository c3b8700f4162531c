import { describe, expect, it } from 'vitest';
import { HardwareSpace, builtinWorkload, hashDesignPoint, mappingViolations, type Workload } from '@polaris/core';
import { describeOptimizerContract, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from '@polaris/analytical';
import { RandomOptimizer } from './random-optimizer.js';

const mapper = new AnalyticalMapper({ samples: 60, improvementSteps: 150, starts: 1 });
const make = (seed: number, workload: Workload, space = new HardwareSpace()) => new RandomOptimizer(workload, mapper, space, seed);

describeOptimizerContract('random', make, () => ({ workload: tinyWorkload() }));

describe('RandomOptimizer', () => {
  it('asks valid mapped points of ResNet-50 inside a narrowed space', async () => {
    const workload = builtinWorkload('resnet50');
    const space = new HardwareSpace({ peDim: [8, 32], spKB: [64, 512], accKB: [16, 128] });
    const points = await make(3, workload, space).ask(3);
    for (const point of points) {
      expect(space.contains(point.hardware)).toBe(true);
      workload.layers.forEach((l, i) => expect(mappingViolations(l.layer, point.hardware, point.mappings[i])).toEqual([]));
    }
  });

  it('trial i depends only on (seed, i): resuming after telling gives the uninterrupted sequence', async () => {
    const workload = tinyWorkload();
    const straight = (await make(9, workload).ask(6)).map(hashDesignPoint);
    const first = make(9, workload);
    const firstHalf = await first.ask(3);
    const resumed = make(9, workload);
    resumed.tell(firstHalf.map((point) => ({ point, result: { ok: false, pointHash: hashDesignPoint(point), error: 'x', recoverable: true } })));
    expect([...firstHalf, ...(await resumed.ask(3))].map(hashDesignPoint)).toEqual(straight);
  });

  it('different seeds explore different hardware', async () => {
    const a = (await make(1, tinyWorkload()).ask(8)).map((p) => JSON.stringify(p.hardware));
    const b = (await make(2, tinyWorkload()).ask(8)).map((p) => JSON.stringify(p.hardware));
    expect(a).not.toEqual(b);
  });
});
