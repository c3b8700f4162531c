import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DosaCsvError, type DosaRow, type LayerEvaluation, type Mapping, parseDosaCsv, parseMapping } from '@polaris/core';
import type { DatasetSample } from './dataset-sample.js';

/** Picojoules per microjoule (`target.energy` is in µJ). */
const PJ_PER_UJ = 1e6;

/**
 * Scores a row's layer and mapping with the analytical model. The caller supplies it (this
 * package may not import a fidelity), e.g. `analyzeLayer(row.layer, row.hardware, mapping,
 * dosaRowOptions(row))` from `@polaris/analytical`; it may throw for a row it cannot score.
 */
export type RowScorer = (row: DosaRow, mapping: Mapping) => LayerEvaluation;

/** A row that could not become a sample, and why. */
export interface SkippedRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly reason: string;
}

/** The samples of a FireSim CSV and the rows left out. */
export interface FiresimImport {
  readonly samples: DatasetSample[];
  readonly skipped: SkippedRow[];
}

/**
 * Reads a CSV in DOSA's FireSim format (`../shared/data/dosa/firesim/firesim_results.csv`) as
 * a high-fidelity dataset: target cycles = `target.gemmini_cycle` (the RTL's count), target
 * energy = `target.energy` converted from µJ to pJ; source `firesim:<file name>`. Rows whose
 * mapping does not parse or that the scorer rejects are skipped and listed.
 * @throws DosaCsvError when required columns are missing (including `target.gemmini_cycle`),
 *   or a value is malformed; the message names the file, the columns or the row.
 */
export function importFiresimCsv(path: string, options: { readonly analytical: RowScorer }): FiresimImport {
  const text = readFileSync(path, 'utf8');
  const rows = parseDosaCsv(text, path);
  const header = text.slice(0, text.search(/\r?\n|$/)).split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  if (!header.includes('target.gemmini_cycle')) {
    throw new DosaCsvError(`${path} lacks required column(s): target.gemmini_cycle (the RTL cycle count of a FireSim CSV)`);
  }
  const source = `firesim:${basename(path)}`;
  const samples: DatasetSample[] = [];
  const skipped: SkippedRow[] = [];
  rows.forEach((row, i) => {
    const line = i + 2;
    if (row.targets.gemminiCycles === undefined) {
      throw new DosaCsvError(`${path} row ${line}: column target.gemmini_cycle is empty, expected a number`);
    }
    let mapping: Mapping;
    let analytical: LayerEvaluation;
    try {
      mapping = parseMapping(row.mapping);
      analytical = options.analytical(row, mapping);
    } catch (error) {
      skipped.push({ line, reason: (error as Error).message });
      return;
    }
    samples.push({
      hardware: row.hardware, layer: row.layer, mapping, analytical, source,
      target: { cycles: row.targets.gemminiCycles, energy: row.targets.energyUJ * PJ_PER_UJ },
    });
  });
  return { samples, skipped };
}
