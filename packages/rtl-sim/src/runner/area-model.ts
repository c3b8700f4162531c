import type { HardwareConfig } from '@polaris/core';

/**
 * Area of a design point at 40 nm = logic area of the PE array (Yosys) + SRAM area of the
 * scratchpad and accumulator (a density model). Both constants are ASSUMPTIONS, not measured
 * on a real library; they are plain numbers so a user with a PDK can replace them.
 *
 * Logic: Yosys `synth` maps the array to generic gates (`$_NAND_`, `$_XOR_`, `$_DFF_P_`, …);
 * each gate is counted in transistors of a static-CMOS implementation (the same counts Yosys's
 * `stat -tech cmos` uses where it has them, table below for flip-flop variants), converted to
 * NAND2 equivalents (4 transistors each) and to area with {@link NAND2_AREA_UM2} and a
 * placement utilisation of {@link PLACEMENT_UTILISATION}.
 *
 * SRAM: {@link SRAM_MM2_PER_KIB} mm² per KiB, from a high-density 40 nm 6T bit cell of about
 * 0.242 µm² (8192 bits → 0.00198 mm²/KiB of cells) at about 55% array efficiency (decoders,
 * sense amplifiers, I/O) → 0.0036 mm²/KiB. The buffers are sized by the design point's
 * spKB + accKB (the RTL's physical 2 MiB buffers only emulate any size up to that limit).
 */

/** Assumed area of one NAND2-equivalent gate in a 40 nm standard-cell library, µm². */
export const NAND2_AREA_UM2 = 0.6;
/** Assumed fraction of the placed block area that is cells (routing takes the rest). */
export const PLACEMENT_UTILISATION = 0.7;
/** Assumed 40 nm SRAM macro density, mm² per KiB (see module doc). */
export const SRAM_MM2_PER_KIB = 0.0036;
/** Bumped whenever the model's formula or constants change (part of the evaluator version). */
export const AREA_MODEL_VERSION = 'area-1';

/** Transistors of each generic Yosys gate in static CMOS. */
const GATE_TRANSISTORS: Readonly<Record<string, number>> = {
  $_BUF_: 4, $_NOT_: 2, $_NAND_: 4, $_NOR_: 4, $_AND_: 6, $_OR_: 6, $_ANDNOT_: 6, $_ORNOT_: 6,
  $_XOR_: 12, $_XNOR_: 12, $_MUX_: 12, $_NMUX_: 10, $_AOI3_: 6, $_OAI3_: 6, $_AOI4_: 8, $_OAI4_: 8,
  $_MUX4_: 36, $_MUX8_: 84, $_MUX16_: 180,
};

/**
 * Transistors of a Yosys flip-flop or latch cell: a D flip-flop is 16; an asynchronous
 * set/reset adds 4, a synchronous reset adds a gate (6), an enable adds a 2:1 mux (12); a
 * latch is 10. Undefined for any other cell.
 */
export function storageCellTransistors(type: string): number | undefined {
  const m = /^\$_(DLATCHSR|DLATCH|DFFSRE|DFFSR|ALDFFE|ALDFF|SDFFCE|SDFFE|SDFF|DFFE|DFF)_([PN01]+)_$/.exec(type);
  if (!m) return undefined;
  const [, kind, polarities] = m;
  if (kind.startsWith('DLATCH')) return kind === 'DLATCHSR' ? 14 : 10;
  let count = 16;
  if (kind.startsWith('SDFF')) count += 6;
  if (kind.endsWith('E')) count += 12;
  if (kind.startsWith('DFFSR') || kind.startsWith('ALDFF')) count += 4;
  else if ((kind === 'DFF' || kind === 'DFFE') && /[01]/.test(polarities)) count += 4;
  return count;
}

/** Gate counts of one synthesised module (hierarchy totals when Yosys gives them). */
export interface CellCounts {
  readonly module: string;
  readonly cells: Readonly<Record<string, number>>;
}

/**
 * Reads the cell table of Yosys `stat` output: the `design hierarchy` section when present
 * (totals over all instances), else the last module section.
 * @throws Error when the text holds no `stat` section.
 */
export function parseYosysStat(text: string): CellCounts {
  const sections = [...text.matchAll(/^=== (.+?) ===$/gm)];
  if (sections.length === 0) throw new Error('no "=== module ===" section in the Yosys stat output');
  const chosen = sections.find((s) => s[1] === 'design hierarchy') ?? sections[sections.length - 1];
  const start = (chosen.index ?? 0) + chosen[0].length;
  const next = sections.find((s) => (s.index ?? 0) > start);
  const body = text.slice(start, next?.index ?? text.length);
  const cells: Record<string, number> = {};
  const hierarchy = chosen[1] === 'design hierarchy';
  let module = hierarchy ? undefined : chosen[1];
  let inCells = false;
  for (const line of body.split('\n')) {
    if (/Number of cells:/.test(line)) {
      inCells = true;
      continue;
    }
    const row = /^\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (!row) continue;
    if (inCells) cells[row[1]] = (cells[row[1]] ?? 0) + Number(row[2]);
    else if (hierarchy) module ??= row[1];
  }
  if (Object.keys(cells).length === 0) throw new Error(`the Yosys stat section "${chosen[1]}" lists no cells`);
  return { module: module ?? chosen[1], cells };
}

/** Logic area estimate of a synthesised block. */
export interface LogicArea {
  readonly module: string;
  readonly transistors: number;
  readonly nand2Equivalents: number;
  /** mm² at 40 nm under the module's assumptions. */
  readonly mm2: number;
  /** Cell types the model has no count for (charged as a D flip-flop, 16 transistors). */
  readonly unknownCells: readonly string[];
  readonly cells: Readonly<Record<string, number>>;
}

/** Converts Yosys cell counts to area (see the module doc for the assumptions). */
export function logicArea(counts: CellCounts): LogicArea {
  let transistors = 0;
  const unknownCells: string[] = [];
  for (const [type, n] of Object.entries(counts.cells)) {
    let per = GATE_TRANSISTORS[type] ?? storageCellTransistors(type);
    if (per === undefined) {
      unknownCells.push(type);
      per = 16;
    }
    transistors += per * n;
  }
  const nand2Equivalents = transistors / 4;
  const mm2 = (nand2Equivalents * NAND2_AREA_UM2) / PLACEMENT_UTILISATION / 1e6;
  return { module: counts.module, transistors, nand2Equivalents, mm2, unknownCells, cells: counts.cells };
}

/** SRAM area of the design point's scratchpad and accumulator, mm². */
export function sramArea(hw: Pick<HardwareConfig, 'spKB' | 'accKB'>, mm2PerKiB: number = SRAM_MM2_PER_KIB): number {
  return (hw.spKB + hw.accKB) * mm2PerKiB;
}
