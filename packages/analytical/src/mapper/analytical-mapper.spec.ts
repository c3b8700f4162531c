import { describeMapperContract, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalMapper } from './analytical-mapper.js';

const HARDWARE = [{ peDim: 16, spKB: 128, accKB: 32 }, { peDim: 4, spKB: 8, accKB: 2 }, { peDim: 64, spKB: 256, accKB: 64 }];
const budget = { samples: 120, improvementSteps: 400, starts: 2 };

describeMapperContract('analytical (Timeloop word capacity)', () => new AnalyticalMapper(budget), () => ({
  workload: tinyWorkload(),
  hardware: HARDWARE,
  // Outside the template's ranges: one accumulator instance per column holds under one word.
  impossible: { peDim: 2048, spKB: 1, accKB: 1 },
}));

describeMapperContract('analytical (row-organised buffers)', () => new AnalyticalMapper({ ...budget, bufferLayout: 'rows' }), () => ({
  workload: tinyWorkload(),
  hardware: HARDWARE,
  rows: true,
}));
