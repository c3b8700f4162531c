import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Cell, type CellSpec, type SplitHeader, cellsToRun, openSplitResults, readSplitResults, recordCell, resultsPath, splitFingerprint, wantedCells,
} from './sample-efficiency-results.js';
import { reportMarkdown } from './sample-efficiency-report.js';
import type { BenchSplit } from './sample-efficiency-splits.js';
import { syntheticSample } from './synthetic-samples.js';

const split: BenchSplit = {
  pool: Array.from({ length: 30 }, (_, i) => syntheticSample({ cycles: 100 + i })),
  fixedTrain: [syntheticSample({ cycles: 1 }), syntheticSample({ cycles: 2 })],
  test: [syntheticSample({ cycles: 7, layer: 16 })],
  assignment: ['held out: everything interesting'],
};
const header = (s: BenchSplit = split): SplitHeader => ({
  split: 'demo', description: 'a demo split', assignment: s.assignment, fingerprint: splitFingerprint(s),
  pool: s.pool.length, fixedTrain: s.fixedTrain.length, test: s.test.length,
});
const computed = (spec: CellSpec, edpMape = 12.5): Cell => ({
  ...spec,
  scores: { cycles: { rho: 0.9, mape: 10 }, energy: { rho: Number.NaN, mape: 5 }, edp: { rho: 0.95, mape: edpMape }, edpCoverage: { within1: 0.6, within2: 0.9 } },
  trainMs: 1200, predictMs: 30, backend: 'wasm', gitHead: 'f'.repeat(40), gitDirty: false, date: '2025-01-01T00:00:00.000Z',
});

describe('sample-efficiency results: cells and resuming', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sample-efficiency-'));
    path = resultsPath(dir, 'demo');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('wants sizes × seeds × models, sizes capped at the pool and deduplicated, n counting the fixed rows', () => {
    const wanted = wantedCells(split, [25, 50, 'all'], [1, 2], ['a', 'b'], false);
    expect(wanted).toHaveLength(2 * 2 * 2);
    expect([...new Set(wanted.map((c) => `${c.drawn}→${c.n}`))]).toEqual(['25→27', '30→32']);
  });

  it('writes each cell as it comes, and a rerun computes only the cells the file lacks', () => {
    const wanted = wantedCells(split, [10, 20], [1, 2], ['a', 'b'], false);
    const { results, setAside } = openSplitResults(path, header());
    expect(setAside).toBe(0);
    expect(cellsToRun(wanted, results, false)).toEqual(wanted);
    for (const spec of wanted.slice(0, 3)) recordCell(path, header(), computed(spec)); // then the run is killed
    const resumed = openSplitResults(path, header());
    expect(resumed.results.cells).toHaveLength(3);
    expect(cellsToRun(wanted, resumed.results, false)).toEqual(wanted.slice(3));
    expect(cellsToRun(wanted, resumed.results, true)).toEqual(wanted);
    // Quick cells never stand in for full ones.
    expect(cellsToRun(wanted.map((c) => ({ ...c, quick: true })), resumed.results, false)).toHaveLength(wanted.length);
  });

  it('replaces a redone cell, keeps cells another run added meanwhile, and stores NaN as null', () => {
    const [a, b] = wantedCells(split, [10], [1], ['a', 'b'], false);
    openSplitResults(path, header());
    recordCell(path, header(), computed(a, 10));
    recordCell(path, header(), computed(b)); // e.g. a second process on another model
    recordCell(path, header(), computed(a, 20));
    const read = readSplitResults(path)!;
    expect(read.cells.map((c) => [c.model, c.scores.edp.mape])).toEqual([['a', 20], ['b', 12.5]]);
    expect(read.cells[0].scores.energy.rho).toBeNaN();
    expect(readFileSync(path, 'utf8')).toContain('"energy":{"rho":null,"mape":5}');
    expect(read.cells[0]).toMatchObject({ backend: 'wasm', gitHead: 'f'.repeat(40), date: '2025-01-01T00:00:00.000Z' });
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.filter((l) => l.startsWith('    {"model":'))).toHaveLength(2); // one cell per line
  });

  it('sets aside the cells of another split definition, and refuses to overwrite a file another run re-keyed', () => {
    const [a] = wantedCells(split, [10], [1], ['a'], false);
    openSplitResults(path, header());
    recordCell(path, header(), computed(a));
    const grown: BenchSplit = { ...split, test: [...split.test, syntheticSample({ cycles: 8, layer: 16 })] };
    expect(splitFingerprint(grown)).not.toBe(splitFingerprint(split));
    expect(splitFingerprint({ ...split })).toBe(splitFingerprint(split));
    const reopened = openSplitResults(path, header(grown));
    expect(reopened.setAside).toBe(1);
    expect(reopened.results.cells).toEqual([]);
    expect(() => recordCell(path, header(), computed(a))).toThrow(/another run rewrote it for split fingerprint/);
  });

  it('names the file when it is not a results file', () => {
    writeFileSync(path, '{"cells": 3');
    expect(() => readSplitResults(path)).toThrow(path);
    writeFileSync(path, '{"cells": []}');
    expect(() => openSplitResults(path, header())).toThrow(/not a sample-efficiency results file/);
  });

  it('generates the report from the files alone: n as drawn+fixed, coverage at ±1σ and ±2σ, samples to reach DOSA', () => {
    const specs = wantedCells(split, [10, 'all'], [1], ['dosa-analytical', 'starlight'], false);
    openSplitResults(path, header());
    for (const spec of specs) recordCell(path, header(), computed(spec, spec.model === 'starlight' ? 10 : 20));
    const report = reportMarkdown(dir, ['demo'], ['dosa-analytical']);
    expect(report).toContain('### demo — 30 pool + 2 fixed training / 1 held-out samples');
    expect(report).toContain('- held out: everything interesting');
    expect(report).toContain('| starlight | 12 (10+2) | 1 | 0.900 | 10.0 | – | 5.0 | 0.950 | 10.0 | 0.60 | 0.90 | 1.2 |');
    expect(report).toContain('| dosa-analytical | 32 (all 30+2) |');
    expect(report).toContain("DOSA's best EDP MAPE 20.0 % (dosa-analytical at n=12)");
    expect(report).toContain('| starlight | 12 | 12 |');
    expect(report).toContain('4 cells; backend wasm; git ffffffffff;');
  });
});
