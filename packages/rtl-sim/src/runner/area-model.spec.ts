import { describe, expect, it } from 'vitest';
import { NAND2_AREA_UM2, PLACEMENT_UTILISATION, SRAM_MM2_PER_KIB, logicArea, parseYosysStat, sramArea, storageCellTransistors } from './area-model.js';

/** Yosys 0.23 `stat -top arr` of a 4×4 array of a small PE (abridged to what the parser reads). */
const HIERARCHY_STAT = `
6. Printing statistics.

=== arr ===

   Number of wires:                  4
   Number of cells:                 16
     $paramod\\pe\\W=8             16

=== $paramod\\pe\\W=8 ===

   Number of wires:                491
   Number of cells:                 60
     $_DFF_P_                       40
     $_XOR_                         20

=== design hierarchy ===

   arr                               1
     $paramod\\pe\\W=8             16

   Number of wires:               7860
   Number of cells:                960
     $_DFF_P_                      640
     $_XOR_                        320
`;

describe('parseYosysStat', () => {
  it('reads the hierarchy totals (cells of all instances), not submodule instances', () => {
    expect(parseYosysStat(HIERARCHY_STAT)).toEqual({ module: 'arr', cells: { $_DFF_P_: 640, $_XOR_: 320 } });
  });

  it('reads a flat module and rejects text without a stat section', () => {
    const flat = '=== pe ===\n\n   Number of cells:   3\n     $_NOT_    2\n     $_NAND_   1\n';
    expect(parseYosysStat(flat)).toEqual({ module: 'pe', cells: { $_NOT_: 2, $_NAND_: 1 } });
    expect(() => parseYosysStat('ERROR: nothing')).toThrow(/no "=== module ===" section/);
  });
});

describe('area model (40 nm assumptions)', () => {
  it('counts flip-flop variants in transistors', () => {
    expect(storageCellTransistors('$_DFF_P_')).toBe(16);
    expect(storageCellTransistors('$_DFF_PP0_')).toBe(20); // async reset
    expect(storageCellTransistors('$_DFFE_PP_')).toBe(28); // enable
    expect(storageCellTransistors('$_SDFFE_PP0P_')).toBe(34); // sync reset + enable
    expect(storageCellTransistors('$_XOR_')).toBeUndefined();
  });

  it('converts gates to NAND2 equivalents and mm²', () => {
    const area = logicArea({ module: 'arr', cells: { $_DFF_P_: 640, $_XOR_: 320, $weird: 1 } });
    const transistors = 640 * 16 + 320 * 12 + 16;
    expect(area.transistors).toBe(transistors);
    expect(area.nand2Equivalents).toBe(transistors / 4);
    expect(area.mm2).toBeCloseTo((transistors / 4) * NAND2_AREA_UM2 / PLACEMENT_UTILISATION / 1e6, 12);
    expect(area.unknownCells).toEqual(['$weird']);
  });

  it('prices SRAM by the design point\'s KiB', () => {
    expect(sramArea({ spKB: 128, accKB: 32 })).toBeCloseTo(160 * SRAM_MM2_PER_KIB, 12);
    expect(sramArea({ spKB: 1, accKB: 1 }, 0.01)).toBeCloseTo(0.02, 12);
  });
});
