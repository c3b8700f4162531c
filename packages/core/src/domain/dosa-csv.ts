import { readFileSync } from 'node:fs';
import type { HardwareConfig } from './hardware.js';
import { type Layer, makeLayer } from './layer.js';

/**
 * Reader for the CSV files of DOSA's datasets (Timeloop runs and FireSim runs of Gemmini).
 *
 * Column conventions (see the data README): `prob.*` is the layer; `arch.meshX` is peDim;
 * `arch.mem1_*` is the accumulator (32-bit words, one instance per PE column) and `arch.mem2_*`
 * the scratchpad (8-bit words, one instance). Capacity in bytes of a level is
 * `entries · instances · word-bits / 8`, where `entries` counts words per instance.
 */

/** Bandwidth of one buffer level as Timeloop specifies it, in words/cycle per instance. */
export interface LevelBandwidth {
  readonly read?: number;
  readonly write?: number;
  readonly shared?: number;
}

/** The raw `arch.*` facts of a row that the analytical model needs beyond {@link HardwareConfig}. */
export interface DosaArch {
  readonly meshX: number;
  /** Words per accumulator instance. */
  readonly accumulatorEntries: number;
  readonly accumulatorInstances: number;
  readonly accumulatorWordBits: number;
  /** Words per scratchpad instance. */
  readonly scratchpadEntries: number;
  readonly scratchpadInstances: number;
  readonly scratchpadWordBits: number;
  /** Accumulator bandwidth (`mem1_shared_bandwidth`, or `mem1_read/write_bandwidth` in the FireSim file). */
  readonly accumulatorBandwidth: LevelBandwidth;
  /** Scratchpad bandwidth (`mem2_*bandwidth`). */
  readonly scratchpadBandwidth: LevelBandwidth;
}

/** What the tool measured for the row. */
export interface DosaTargets {
  /** `target.cycle`: Timeloop cycles (in the FireSim file a copy of the RTL cycles). */
  readonly cycles: number;
  /** `target.energy`: Timeloop/Accelergy energy in µJ. */
  readonly energyUJ: number;
  /** `target.gemmini_cycle`: RTL cycles measured on FireSim (FireSim file only). */
  readonly gemminiCycles?: number;
  /** `target.area` when present (mm²). */
  readonly area?: number;
}

/** One row of a DOSA CSV. */
export interface DosaRow {
  readonly layer: Layer;
  readonly hardware: HardwareConfig;
  /** The `mapping.mapping` text, e.g. `L3[WIO] K8 - L2[WI] N1 K4X - L1[O] C3X - L0[W] P16`. */
  readonly mapping: string;
  readonly targets: DosaTargets;
  readonly arch: DosaArch;
}

/** Columns a DOSA CSV must have. */
export const DOSA_REQUIRED_COLUMNS = [
  'target.cycle', 'target.energy', 'mapping.mapping', 'arch.meshX',
  'arch.mem1_entries', 'arch.mem1_instances', 'arch.mem1_word-bits',
  'arch.mem2_entries', 'arch.mem2_word-bits',
  'prob.C', 'prob.K', 'prob.N', 'prob.P', 'prob.Q', 'prob.R', 'prob.S',
  'prob.Wstride', 'prob.Hstride', 'prob.Wdilation', 'prob.Hdilation',
] as const;

/** A DOSA CSV that lacks columns or holds a malformed value; the message names them. */
export class DosaCsvError extends Error {
  override readonly name = 'DosaCsvError';
}

/** Splits one CSV record, honouring double-quoted fields (`""` is a literal quote). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { fields.push(field); field = ''; } else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * Parses the text of a DOSA CSV.
 * @param source name used in error messages (e.g. the file path).
 * @throws DosaCsvError naming missing required columns, an empty file or one with no rows after
 *   the header, or the row and column of a bad number.
 */
export function parseDosaCsv(text: string, source = 'DOSA CSV'): DosaRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new DosaCsvError(`${source} is empty; expected a header with ${DOSA_REQUIRED_COLUMNS.join(', ')}`);
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = DOSA_REQUIRED_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new DosaCsvError(`${source} lacks required column(s): ${missing.join(', ')}`);
  }
  if (lines.length === 1) {
    throw new DosaCsvError(`${source} has a header but no rows; expected one row per layer run below the header (mapping.mapping, prob.*, arch.*, target.*)`);
  }
  return lines.slice(1).map((line, r) => {
    const cells = splitCsvLine(line);
    const rowName = `${source} row ${r + 2}`;
    const text = (col: string): string | undefined => {
      const i = index.get(col);
      const value = i === undefined ? undefined : cells[i]?.trim();
      return value === '' ? undefined : value;
    };
    const num = (col: string): number => {
      const value = Number(text(col));
      if (text(col) === undefined || !Number.isFinite(value)) {
        throw new DosaCsvError(`${rowName}: column ${col} is "${text(col) ?? ''}", expected a number`);
      }
      return value;
    };
    const optional = (col: string): number | undefined => (text(col) === undefined ? undefined : num(col));
    const bandwidth = (prefix: string): LevelBandwidth => {
      const bw: { read?: number; write?: number; shared?: number } = {};
      const read = optional(`${prefix}_read_bandwidth`);
      const write = optional(`${prefix}_write_bandwidth`);
      const shared = optional(`${prefix}_shared_bandwidth`);
      if (read !== undefined) bw.read = read;
      if (write !== undefined) bw.write = write;
      if (shared !== undefined) bw.shared = shared;
      return bw;
    };

    let layer: Layer;
    try {
      layer = makeLayer({
        R: num('prob.R'), S: num('prob.S'), P: num('prob.P'), Q: num('prob.Q'),
        C: num('prob.C'), K: num('prob.K'), N: num('prob.N'),
        Wstride: num('prob.Wstride'), Hstride: num('prob.Hstride'),
        Wdilation: num('prob.Wdilation'), Hdilation: num('prob.Hdilation'),
      });
    } catch (error) {
      if (error instanceof DosaCsvError) throw error;
      throw new DosaCsvError(`${rowName}: ${(error as Error).message}`);
    }
    const arch: DosaArch = {
      meshX: num('arch.meshX'),
      accumulatorEntries: num('arch.mem1_entries'),
      accumulatorInstances: num('arch.mem1_instances'),
      accumulatorWordBits: num('arch.mem1_word-bits'),
      scratchpadEntries: num('arch.mem2_entries'),
      scratchpadInstances: optional('arch.mem2_instances') ?? 1,
      scratchpadWordBits: num('arch.mem2_word-bits'),
      accumulatorBandwidth: bandwidth('arch.mem1'),
      scratchpadBandwidth: bandwidth('arch.mem2'),
    };
    const hardware: HardwareConfig = {
      peDim: arch.meshX,
      spKB: (arch.scratchpadEntries * arch.scratchpadInstances * arch.scratchpadWordBits) / 8 / 1024,
      accKB: (arch.accumulatorEntries * arch.accumulatorInstances * arch.accumulatorWordBits) / 8 / 1024,
    };
    const targets: { cycles: number; energyUJ: number; gemminiCycles?: number; area?: number } = {
      cycles: num('target.cycle'),
      energyUJ: num('target.energy'),
    };
    const gemminiCycles = optional('target.gemmini_cycle');
    if (gemminiCycles !== undefined) targets.gemminiCycles = gemminiCycles;
    const area = optional('target.area');
    if (area !== undefined) targets.area = area;
    const mapping = text('mapping.mapping');
    if (mapping === undefined) throw new DosaCsvError(`${rowName}: column mapping.mapping is empty`);
    return { layer, hardware, mapping, targets, arch };
  });
}

/** Reads and parses a DOSA CSV file (Node only). */
export function readDosaCsv(path: string): DosaRow[] {
  return parseDosaCsv(readFileSync(path, 'utf8'), path);
}
