import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../testing/shared-data.js';
import type { HardwareConfig } from './hardware.js';
import { type Layer, makeLayer } from './layer.js';
import { parseMapping } from './mapping.js';
import {
  InvalidMappingError, assertValidMapping, bufferCapacities, isValidMapping, mappingViolations, tileExtents, tileWords,
} from './mapping-validity.js';

/** A row of a DOSA CSV: the layer, the hardware it implies, and the mapping string. */
interface DosaRow { layer: Layer; hw: HardwareConfig; mapping: string; accEntries: number; spEntries: number }

/**
 * Minimal reader for the DOSA CSVs (no quoted fields; the Timeloop file has CRLF endings).
 * Capacities from the arch columns: accumulator mem1 (entries × word-bits/8 per instance,
 * instances = meshX), scratchpad mem2 (one instance).
 */
function readDosaRows(path: string): DosaRow[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  return rows.map((row) => {
    const cells = row.split(',');
    const num = (name: string): number => Number(cells[names.indexOf(name)]);
    const peDim = num('arch.meshX');
    expect(num('arch.mem1_instances')).toBe(peDim);
    expect(num('arch.mem2_instances')).toBe(1);
    const accBytes = (num('arch.mem1_entries') * num('arch.mem1_word-bits')) / 8 * num('arch.mem1_instances');
    const spBytes = (num('arch.mem2_entries') * num('arch.mem2_word-bits')) / 8 * num('arch.mem2_instances');
    const layer = makeLayer({
      R: num('prob.R'), S: num('prob.S'), P: num('prob.P'), Q: num('prob.Q'), C: num('prob.C'), K: num('prob.K'), N: num('prob.N'),
      Wstride: num('prob.Wstride'), Hstride: num('prob.Hstride'), Wdilation: num('prob.Wdilation'), Hdilation: num('prob.Hdilation'),
    });
    return {
      layer, hw: { peDim, spKB: spBytes / 1024, accKB: accBytes / 1024 }, mapping: cells[names.indexOf('mapping.mapping')],
      accEntries: num('arch.mem1_entries'), spEntries: num('arch.mem2_entries'),
    };
  });
}

const DATASETS = {
  timeloop: `${SHARED_DATA}/dosa/timeloop/timeloop_dataset_sample.csv`,
  firesim: `${SHARED_DATA}/dosa/firesim/firesim_results.csv`,
};

describe('mappingViolations on mappings Timeloop accepted', () => {
  for (const [name, path] of Object.entries(DATASETS)) {
    it(`finds no violation in any row of the ${name} data, with both buffers filled exactly somewhere`, () => {
      const rows = readDosaRows(path);
      expect(rows.length).toBeGreaterThan(1000);
      let fullAcc = 0;
      let fullSp = 0;
      for (const row of rows) {
        const mapping = parseMapping(row.mapping);
        expect(mappingViolations(row.layer, row.hw, mapping), row.mapping).toEqual([]);
        const cap = bufferCapacities(row.hw);
        // Our capacity in words is exactly Timeloop's per-instance entries.
        expect(cap.accumulatorWordsPerInstance).toBe(row.accEntries);
        expect(cap.scratchpadWords).toBe(row.spEntries);
        const e2 = tileExtents(mapping, 2);
        if (tileWords(row.layer, tileExtents(mapping, 1), 'O') === cap.accumulatorWordsPerInstance) fullAcc++;
        if (tileWords(row.layer, e2, 'W') + tileWords(row.layer, e2, 'I') === cap.scratchpadWords) fullSp++;
      }
      // The rule is tight, not merely loose enough: accepted mappings hit the limits.
      if (name === 'timeloop') {
        expect(fullAcc).toBeGreaterThan(0);
        expect(fullSp).toBeGreaterThan(0);
      }
    });
  }

  it('needs the accumulator tile WITHOUT L2 spatial K (one instance per PE column)', () => {
    // Counting L2's spatial K into the output tile would reject many accepted rows.
    const rows = readDosaRows(DATASETS.timeloop);
    const rejected = rows.filter((row) => {
      const m = parseMapping(row.mapping);
      const withSpatialK = tileWords(row.layer, { ...tileExtents(m, 1), K: tileExtents(m, 2).K }, 'O');
      return withSpatialK > bufferCapacities(row.hw).accumulatorWordsPerInstance;
    });
    expect(rejected.length).toBeGreaterThan(1000);
  });
});

describe('mappingViolations names every problem', () => {
  const layer = makeLayer({ R: 3, S: 3, P: 8, Q: 8, C: 16, K: 32, N: 1 });
  const hw: HardwareConfig = { peDim: 4, spKB: 1, accKB: 1 };

  it('accepts a small valid mapping', () => {
    const m = parseMapping('L3[WIO] K8 C4 Q8 P8 R3 S3 - L2[WI] K4X - L1[O] C4X - L0[W] N1');
    expect(mappingViolations(layer, hw, m)).toEqual([]);
    expect(isValidMapping(layer, hw, m)).toBe(true);
  });

  it('reports wrong products with the dim, product and expected value', () => {
    const m = parseMapping('L3[WIO] K8 C4 Q8 P4 R3 S3 - L2[WI] K4X - L1[O] C2X - L0[W] N1');
    const v = mappingViolations(layer, hw, m);
    expect(v.map((x) => x.code)).toEqual(['factor-product', 'factor-product']);
    expect(v[0].message).toMatch(/dimension P: factors across levels multiply to 4 but the layer has P=8/);
    expect(v[1].message).toMatch(/dimension C: .* 8 .* C=16/);
  });

  it('reports spatial loops outside the template and beyond the PE array', () => {
    const m = parseMapping('L3[WIO] K4 Q8 P8 R3 S3 - L2[WI] K8X - L1[O] C16X - L0[W] P1X');
    const codes = mappingViolations(layer, hw, m).map((x) => x.code);
    expect(codes).toEqual(['spatial-not-allowed', 'spatial-exceeds-pe', 'spatial-exceeds-pe']);
    const m2 = parseMapping('L3[WIO] K8 C4 Q8 P8 R3 S3 - L2[WI] C4X - L1[O] K4X - L0[W] N1');
    const v2 = mappingViolations(layer, hw, m2);
    expect(v2.map((x) => x.code)).toEqual(['spatial-not-allowed', 'spatial-not-allowed']);
    expect(v2[0].message).toMatch(/only C may be spatial at L1/);
  });

  it('reports keeps that differ from the template', () => {
    const m = parseMapping('L3[WIO] K8 C4 Q8 P8 R3 S3 - L2[WIO] K4X - L1[O] C4X - L0[] N1');
    const v = mappingViolations(layer, hw, m);
    expect(v.map((x) => x.code)).toEqual(['keeps-mismatch', 'keeps-mismatch']);
    expect(v[0].message).toMatch(/write L0\[W\]/);
    expect(v[1].message).toMatch(/write L2\[WI\]/);
  });

  it('reports each buffer that overflows, with the tile and the capacity', () => {
    // L1 output tile K8·P8·Q8 = 512 words > 1 KiB/4/4 = 64; L2 tiles W 3·3·16·32 + I 16·10·10 > 1024.
    const m = parseMapping('L3[WIO] K1 - L2[WI] K4X - L1[O] C4X K8 Q8 R3 S3 C4 - L0[W] P8 C1');
    const v = mappingViolations(layer, hw, m);
    expect(v.map((x) => x.code)).toEqual(['accumulator-capacity', 'scratchpad-capacity']);
    expect(v[0].message).toMatch(/512 words .* holds 64 words/);
    expect(v[0].message).toMatch(/accKB ≥ 8/);
    expect(v[1].message).toMatch(/weights 4608 \+ inputs 1600/);
    const reg = parseMapping('L3[WIO] K8 C4 Q8 P8 R3 - L2[WI] K4X - L1[O] C4X - L0[W] S3');
    expect(mappingViolations(layer, hw, reg).map((x) => x.code)).toEqual(['register-capacity']);
  });

  it('assertValidMapping throws listing all violations', () => {
    const m = parseMapping('L3[WIO] K8 C4 Q8 P4 R3 S3 - L2[WI] K8X - L1[O] C2X - L0[W] N1');
    expect(() => assertValidMapping(layer, hw, m)).toThrow(InvalidMappingError);
    try {
      assertValidMapping(layer, hw, m);
    } catch (e) {
      const err = e as InvalidMappingError;
      expect(err.violations).toHaveLength(4);
      expect(err.message).toMatch(/4 problems/);
      expect(err.message).toMatch(/1\. \[factor-product\][\s\S]*4\. \[spatial-exceeds-pe\]/);
    }
    expect(() => assertValidMapping(layer, hw, parseMapping('L3[WIO] K8 C4 Q8 P8 R3 S3 - L2[WI] K4X - L1[O] C4X - L0[W] N1'))).not.toThrow();
  });
});
