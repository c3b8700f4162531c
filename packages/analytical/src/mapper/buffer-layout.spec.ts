import { describe, expect, it } from 'vitest';
import {
  type HardwareConfig, LayerDoesNotFitError, Random, builtinWorkload, makeLayer, mappingViolations, rowCapacityViolations, rowGranularFootprint,
} from '@polaris/core';
import { analyzeNetwork } from '../model/analyze-network.js';
import { unpackMapping } from '../model/packed-mapping.js';
import { accumulatorTileRows, fitsRowCapacity, scratchpadTileRows } from '../model/tile-footprint.js';
import { analyticalMapperFactory } from '../plugin/analytical-plugin.js';
import { AnalyticalMapper } from './analytical-mapper.js';
import { FactorSpace } from './factor-space.js';
import { mapLayer } from './map-layer.js';

const GEMMINI: HardwareConfig = { peDim: 16, spKB: 128, accKB: 32 };
const resnet = builtinWorkload('resnet50');
/** ResNet-50's first layer: 7×7/2, 3 → 64 channels at 112×112. C = 3 fills 3 of 16 bytes of an input row. */
const conv1 = makeLayer({ R: 7, S: 7, P: 112, Q: 112, C: 3, K: 64, N: 1, Wstride: 2, Hstride: 2 });

describe('packed row rule (hot path) vs core\'s rowGranularFootprint', () => {
  it('agrees on many random mappings of several layers and buffer sizes', () => {
    const cases: { layer: ReturnType<typeof makeLayer>; hw: HardwareConfig }[] = [
      { layer: conv1, hw: GEMMINI },
      { layer: resnet.layers[2].layer, hw: { peDim: 8, spKB: 16, accKB: 4 } },
      { layer: makeLayer({ R: 3, S: 1, P: 8, Q: 6, C: 12, K: 10, N: 2, Wstride: 2, Wdilation: 2 }), hw: { peDim: 4, spKB: 0.5, accKB: 0.25 } },
      { layer: makeLayer({ R: 5, S: 5, P: 7, Q: 7, C: 48, K: 36, N: 4, Hstride: 3 }), hw: { peDim: 32, spKB: 7, accKB: 3 } },
    ];
    const rng = new Random('packed rows');
    let rowOnlyRejections = 0;
    let accepted = 0;
    for (const { layer, hw } of cases) {
      const words = new FactorSpace(layer, hw, 'words');
      const rows = new FactorSpace(layer, hw, 'rows');
      const state = words.newState();
      for (let i = 0; i < 1500; i++) {
        words.randomSlots(rng, state.slots);
        for (let level = 0; level < 4; level++) state.orders.set(rng.shuffle([0, 1, 2, 3, 4, 5, 6]), level * 7);
        const packed = words.pack(state);
        const mapping = unpackMapping(packed);
        const core = rowGranularFootprint(layer, hw, mapping);
        expect(scratchpadTileRows(layer, packed)).toBe(core.scratchpadRows);
        expect(rows.scratchpadRows(packed)).toBe(core.scratchpadRows);
        expect(accumulatorTileRows(packed)).toBe(core.accumulatorRows);
        const rowsOk = rowCapacityViolations(layer, hw, mapping).length === 0;
        expect(fitsRowCapacity(layer, hw, packed)).toBe(rowsOk);
        const wordsOk = mappingViolations(layer, hw, mapping).length === 0;
        expect(words.fits(packed)).toBe(wordsOk);
        expect(rows.fits(packed)).toBe(wordsOk && rowsOk);
        if (wordsOk && !rowsOk) rowOnlyRejections++;
        if (wordsOk && rowsOk) accepted++;
      }
    }
    // Both outcomes occur: the row rule rejects some mappings Timeloop accepts, and accepts others.
    expect(rowOnlyRejections).toBeGreaterThan(20);
    expect(accepted).toBeGreaterThan(20);
  });

  it('repair() reaches a mapping that fits the rows', () => {
    const rng = new Random('repair rows');
    const space = new FactorSpace(conv1, GEMMINI, 'rows');
    const state = space.newState();
    const scratch = new Int32Array(58);
    for (let i = 0; i < 300; i++) {
      space.randomSlots(rng, state.slots);
      expect(space.repair(state, rng, scratch)).toBe(true);
      const mapping = unpackMapping(space.pack(state));
      expect(rowCapacityViolations(conv1, GEMMINI, mapping)).toEqual([]);
    }
  });
});

describe('mapLayer with bufferLayout', () => {
  it('ResNet-50 conv1 at 16/128/32: the word-count mapping overflows the RTL rows, the rows mapping does not', () => {
    const words = mapLayer(conv1, GEMMINI, 1);
    expect(mappingViolations(conv1, GEMMINI, words.mapping)).toEqual([]);
    expect(rowCapacityViolations(conv1, GEMMINI, words.mapping).map((v) => v.code)).toContain('scratchpad-rows');
    const rows = mapLayer(conv1, GEMMINI, 1, { bufferLayout: 'rows' });
    expect(mappingViolations(conv1, GEMMINI, rows.mapping)).toEqual([]);
    expect(rowCapacityViolations(conv1, GEMMINI, rows.mapping)).toEqual([]);
    expect(rows.edp).toBeGreaterThanOrEqual(words.edp);
  });

  it('maps every ResNet-50 layer at 16/128/32 within the rows, at a modest EDP cost', () => {
    const words = new AnalyticalMapper();
    const rows = new AnalyticalMapper({ bufferLayout: 'rows' });
    const wordMappings = [];
    const rowMappings = [];
    const lines: string[] = [];
    for (const [i, { layer }] of resnet.layers.entries()) {
      const w = words.map(layer, GEMMINI, i);
      const r = rows.map(layer, GEMMINI, i);
      expect(mappingViolations(layer, GEMMINI, r.mapping)).toEqual([]);
      expect(rowCapacityViolations(layer, GEMMINI, r.mapping)).toEqual([]);
      wordMappings.push(w.mapping);
      rowMappings.push(r.mapping);
      const overflow = rowCapacityViolations(layer, GEMMINI, w.mapping).length > 0;
      lines.push(`layer ${String(i).padStart(2)}: EDP rows/words ${(r.edp / w.edp).toFixed(3)}${overflow ? ' (words mapping overflows the rows)' : ''}`);
    }
    const edpWords = analyzeNetwork(resnet, GEMMINI, wordMappings).edp;
    const edpRows = analyzeNetwork(resnet, GEMMINI, rowMappings).edp;
    console.log(`ResNet-50 at 16/128/32, network EDP (analytical): words ${edpWords.toExponential(4)}, rows ${edpRows.toExponential(4)}, `
      + `ratio ${(edpRows / edpWords).toFixed(4)}\n${lines.join('\n')}`);
    // Different searches: per layer the rows search can land slightly better, but not the network by much.
    expect(edpRows / edpWords).toBeGreaterThan(0.9);
    expect(edpRows / edpWords).toBeLessThan(1.5);
  });

  it('throws LayerDoesNotFitError naming the row limits when not even the all-DRAM tiles fit the rows', () => {
    // 16 bytes of scratchpad: 16 one-byte words under Timeloop's rule, but one row of DIM = 16.
    const hw: HardwareConfig = { peDim: 16, spKB: 16 / 1024, accKB: 32 };
    expect(() => mapLayer(conv1, hw, 1, { samples: 10, improvementSteps: 10 })).not.toThrow();
    expect(() => mapLayer(conv1, hw, 1, { bufferLayout: 'rows' })).toThrow(LayerDoesNotFitError);
    expect(() => mapLayer(conv1, hw, 1, { bufferLayout: 'rows' })).toThrow(/scratchpad has 1 row\(s\) of 16 bytes.*spKB ≥ 0\.03125 \(2 rows\)/);
    // Two rows are enough.
    const result = mapLayer(conv1, { ...hw, spKB: 32 / 1024 }, 1, { bufferLayout: 'rows', samples: 20, improvementSteps: 50 });
    expect(rowCapacityViolations(conv1, { ...hw, spKB: 32 / 1024 }, result.mapping)).toEqual([]);
  });

  it('is an option of the analytical plugin\'s mapper (default words)', async () => {
    const schema = analyticalMapperFactory.optionsSchema!;
    expect(schema.parse({}).bufferLayout).toBe('words');
    expect(schema.parse({ bufferLayout: 'rows' }).bufferLayout).toBe('rows');
    expect(() => schema.parse({ bufferLayout: 'bytes' })).toThrow();
    const mapper = await analyticalMapperFactory.create({ id: 'analytical', options: schema.parse({ bufferLayout: 'rows', samples: 30 }), seed: 1 } as never);
    expect((mapper as AnalyticalMapper).options.bufferLayout).toBe('rows');
    const result = mapper.map(conv1, GEMMINI, 1);
    expect(rowCapacityViolations(conv1, GEMMINI, result.mapping)).toEqual([]);
  });
});
