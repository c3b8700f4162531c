import { describe, expect, it } from 'vitest';
import { forEachRun, mergeBox } from './box.js';
import { cheapestOrder, computeRunCount, planComputeRuns } from './compute-stream.js';

describe('DMA boxes', () => {
  it('merges dimensions whose strides line up and keeps the others', () => {
    // 2 × 3 rows, rows contiguous, DRAM contiguous at 8 B/row: one run of 6
    expect(mergeBox([{ count: 2, rowStride: 3, dramStride: 24 }, { count: 3, rowStride: 1, dramStride: 8 }]))
      .toEqual([{ count: 6, rowStride: 1, dramStride: 8 }]);
    // DRAM gap between the outer steps: two runs
    expect(mergeBox([{ count: 2, rowStride: 3, dramStride: 100 }, { count: 3, rowStride: 1, dramStride: 8 }]))
      .toEqual([{ count: 2, rowStride: 3, dramStride: 100 }, { count: 3, rowStride: 1, dramStride: 8 }]);
    // innermost not row-contiguous: a unit innermost dimension is appended
    expect(mergeBox([{ count: 4, rowStride: 2, dramStride: 8 }, { count: 1, rowStride: 1, dramStride: 0 }]))
      .toEqual([{ count: 4, rowStride: 2, dramStride: 8 }, { count: 1, rowStride: 1, dramStride: 0 }]);
    expect(mergeBox([])).toEqual([{ count: 1, rowStride: 1, dramStride: 0 }]);
  });

  it('emits one instruction per outer index, splitting runs at 65535 rows', () => {
    const runs: number[][] = [];
    forEachRun([{ count: 2, rowStride: 70000, dramStride: 1000 }, { count: 70000, rowStride: 1, dramStride: 4 }], 10, 500,
      (row, addr, n, stride) => runs.push([row, addr, n, stride]));
    expect(runs).toEqual([
      [10, 500, 65535, 4], [10 + 65535, 500 + 4 * 65535, 4465, 4],
      [70010, 1500, 65535, 4], [70010 + 65535, 1500 + 4 * 65535, 4465, 4],
    ]);
  });
});

describe('COMPUTE streams', () => {
  it('merges loops with lined-up strides into one COMPUTE and repeats the rest', () => {
    expect(planComputeRuns([{ count: 4, spStride: 8, accStride: 8 }, { count: 8, spStride: 1, accStride: 1 }]))
      .toEqual([{ spOffset: 0, accOffset: 0, vectors: 32, spStride: 1, accStride: 1 }]);
    expect(planComputeRuns([{ count: 2, spStride: 10, accStride: 3 }, { count: 3, spStride: 2, accStride: 1 }])).toEqual([
      { spOffset: 0, accOffset: 0, vectors: 3, spStride: 2, accStride: 1 },
      { spOffset: 10, accOffset: 3, vectors: 3, spStride: 2, accStride: 1 },
    ]);
    expect(planComputeRuns([])).toEqual([{ spOffset: 0, accOffset: 0, vectors: 1, spStride: 0, accStride: 0 }]);
  });

  it('falls back to one vector per COMPUTE when a stride does not fit 16 bits, and splits long streams', () => {
    expect(planComputeRuns([{ count: 2, spStride: 70000, accStride: 1 }])).toEqual([
      { spOffset: 0, accOffset: 0, vectors: 1, spStride: 0, accStride: 0 },
      { spOffset: 70000, accOffset: 1, vectors: 1, spStride: 0, accStride: 0 },
    ]);
    expect(planComputeRuns([{ count: 70000, spStride: 1, accStride: 1 }]).map((r) => r.vectors)).toEqual([65535, 4465]);
  });
});

describe('stream order', () => {
  it('finds the loop order whose strides merge into the fewest COMPUTEs', () => {
    // Q4 outer (sp 512), P2 (sp 32), Q7 (sp 128) in nest order: only Q7 streams (8 COMPUTEs of 7);
    // Q4 Q7 P2 merges Q into 28 but P2 stays inner (28 of 2); Q4 Q7 with P2 outermost: 2 of 28.
    const loops = { Q4: { count: 4, spStride: 7 * 128 }, P2: { count: 2, spStride: 32 }, Q7: { count: 7, spStride: 128 } };
    const runsFor = (order: readonly (keyof typeof loops)[]): number => {
      let acc = 1;
      const accStride: Record<string, number> = {};
      for (let j = order.length - 1; j >= 0; j--) {
        accStride[order[j]] = acc;
        acc *= loops[order[j]].count;
      }
      return computeRunCount(order.map((name) => ({ ...loops[name], accStride: accStride[name] })));
    };
    expect(runsFor(['Q4', 'P2', 'Q7'])).toBe(8);
    expect(runsFor(['Q4', 'Q7', 'P2'])).toBe(28);
    const best = cheapestOrder(['Q4', 'P2', 'Q7'] as const, runsFor);
    expect(runsFor(best)).toBe(2);
    expect(best).toEqual(['P2', 'Q4', 'Q7']);
    // ties keep the given order
    expect(cheapestOrder([3, 1, 2], () => 0)).toEqual([3, 1, 2]);
  });
});
