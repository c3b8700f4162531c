import { type HardwareConfig, type Layer, MappingSpace, Random, describeLayer, makeLayer, mappingViolations, printMapping } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { checkProgram } from './check-program.testing.js';
import { ProgramCapacityError } from './tile-plan.js';

/**
 * Mappings drawn from core's mapping space (random factorisations and random loop orders at
 * every level), kept when valid: each program must compute the reference convolution on the
 * reference machine (see checkProgram for the full list of checks).
 */
const LAYERS: Layer[] = [
  makeLayer({ R: 3, S: 3, P: 3, Q: 4, C: 6, K: 4, N: 1, Wstride: 2, Hstride: 2 }),
  makeLayer({ R: 3, S: 2, P: 4, Q: 3, C: 4, K: 6, N: 2, Wdilation: 2, Hdilation: 2 }),
  makeLayer({ R: 2, S: 3, P: 3, Q: 2, C: 8, K: 8, N: 1, Wstride: 2, Hdilation: 2 }),
  makeLayer({ R: 1, S: 1, P: 12, Q: 1, C: 16, K: 8, N: 1 }),
  makeLayer({ R: 1, S: 1, P: 6, Q: 1, C: 12, K: 12, N: 2 }),
  makeLayer({ R: 1, S: 1, P: 4, Q: 4, C: 8, K: 16, N: 1, Wstride: 2, Hstride: 2 }),
];

const HARDWARE: HardwareConfig[] = [
  { peDim: 2, spKB: 0.5, accKB: 0.25 },
  { peDim: 4, spKB: 1, accKB: 0.5 },
  { peDim: 8, spKB: 2, accKB: 1 },
];

const PER_CASE = 12;
const MAX_DRAWS = 4000;

describe('generateProgram on sampled mappings', () => {
  for (const hardware of HARDWARE) {
    it(`computes the reference convolution for ${PER_CASE} sampled mappings per layer at DIM ${hardware.peDim}`, () => {
      const coverage = { cSpatial: 0, cNone: 0, kSpatial: 0, kNone: 0, spills: 0, dbInputs: 0, dbWeights: 0, singleBuffered: 0, rowRejects: 0 };
      for (const layer of LAYERS) {
        const space = new MappingSpace(layer);
        const rng = new Random(`sampled ${hardware.peDim}`).fork(describeLayer(layer));
        let checked = 0;
        for (let draw = 0; draw < MAX_DRAWS && checked < PER_CASE; draw++) {
          const mapping = space.sample(rng, hardware.peDim);
          if (mappingViolations(layer, hardware, mapping).length > 0) continue;
          try {
            const program = checkProgram(layer, mapping, hardware, draw);
            const { c, k } = program.layout;
            coverage[c > 1 ? 'cSpatial' : 'cNone']++;
            coverage[k > 1 ? 'kSpatial' : 'kNone']++;
            if (program.stats.outputVisits > 1) coverage.spills++;
            if (program.stats.doubleBuffered.inputs) coverage.dbInputs++;
            if (program.stats.doubleBuffered.weights) coverage.dbWeights++;
            if (!program.stats.doubleBuffered.inputs && !program.stats.doubleBuffered.weights) coverage.singleBuffered++;
            checked++;
          } catch (error) {
            if (!(error instanceof ProgramCapacityError)) {
              throw new Error(`${describeLayer(layer)} with "${printMapping(mapping)}": ${(error as Error).message}`, { cause: error });
            }
            coverage.rowRejects++;
          }
        }
        expect(checked, `valid mappings found for ${describeLayer(layer)}`).toBe(PER_CASE);
      }
      for (const key of ['cSpatial', 'cNone', 'kSpatial', 'kNone', 'spills', 'singleBuffered', 'dbInputs'] as const) {
        expect(coverage[key], `coverage ${key}: ${JSON.stringify(coverage)}`).toBeGreaterThan(0);
      }
    });
  }
});
