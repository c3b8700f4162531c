import { mapLayer } from '@polaris/analytical';
import {
  type HardwareConfig, MappingSpace, Random, describeLayer, makeLayer, mappingViolations, printMapping, rowCapacityViolations, rowGranularFootprint,
} from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { generateProgram } from './generate-program.js';
import { rowCapacityProblem } from './tile-plan.js';

/**
 * The generator's row check (`rowCapacityProblem`, `ProgramCapacityError`) is core's row rule
 * (`rowCapacityViolations`): same verdict on random valid mappings, same numbers in the layout.
 */
describe('row capacity: generator vs core', () => {
  it('agrees with core on random valid mappings, and the layout uses core\'s rows', () => {
    const cases: { layer: ReturnType<typeof makeLayer>; hw: HardwareConfig }[] = [
      { layer: makeLayer({ R: 3, S: 3, P: 6, Q: 4, C: 8, K: 8, N: 1, Wstride: 2 }), hw: { peDim: 4, spKB: 0.25, accKB: 0.125 } },
      { layer: makeLayer({ R: 1, S: 1, P: 16, Q: 1, C: 6, K: 12, N: 2 }), hw: { peDim: 8, spKB: 0.5, accKB: 0.5 } },
      { layer: makeLayer({ R: 3, S: 1, P: 8, Q: 2, C: 4, K: 12, N: 1, Wdilation: 2 }), hw: { peDim: 2, spKB: 0.125, accKB: 0.0625 } },
    ];
    let fits = 0;
    let overflows = 0;
    for (const { layer, hw } of cases) {
      const space = new MappingSpace(layer);
      const rng = new Random('rows').fork(describeLayer(layer));
      for (let draw = 0; draw < 1500; draw++) {
        const mapping = space.sample(rng, hw.peDim);
        if (mappingViolations(layer, hw, mapping).length > 0) continue;
        const where = `${describeLayer(layer)} "${printMapping(mapping)}"`;
        const problem = rowCapacityProblem(layer, mapping, hw);
        const violations = rowCapacityViolations(layer, hw, mapping);
        expect(problem === undefined, where).toBe(violations.length === 0);
        if (problem) {
          overflows++;
          continue;
        }
        fits++;
        if (fits % 10 !== 0) continue;
        const { layout } = generateProgram(layer, mapping, hw);
        const f = rowGranularFootprint(layer, hw, mapping);
        expect([layout.weights.rows, layout.inputs.rows, layout.accumulator.rows, layout.spLimitRows, layout.accLimitRows], where)
          .toEqual([f.weightRows, f.inputRows, f.accumulatorRows, f.scratchpadLimitRows, f.accumulatorLimitRows]);
      }
    }
    expect(fits).toBeGreaterThan(30);
    expect(overflows).toBeGreaterThan(30);
  });

  it('ResNet-50 conv1 at 16/128/32: the words mapping is rejected by both, the rows mapping generates', () => {
    const hw: HardwareConfig = { peDim: 16, spKB: 128, accKB: 32 };
    const conv1 = makeLayer({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2 });
    const words = mapLayer(conv1, hw, 1).mapping;
    expect(rowCapacityProblem(conv1, words, hw)).toMatch(/scratchpad: the L2 tile .* needs \d+ rows of 16 bytes/);
    expect(rowCapacityViolations(conv1, hw, words).map((v) => v.code)).toEqual(['scratchpad-rows']);
    const rows = mapLayer(conv1, hw, 1, { bufferLayout: 'rows' }).mapping;
    expect(rowCapacityProblem(conv1, rows, hw)).toBeUndefined();
    expect(rowCapacityViolations(conv1, hw, rows)).toEqual([]);
  });
});
