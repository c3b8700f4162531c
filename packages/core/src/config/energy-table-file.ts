import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ENERGY_TABLES, type EnergyTable, type EnergyTableName } from '../domain/energy-table.js';

const coefficient = z.union([
  z.number().nonnegative(),
  z.strictObject({
    base: z.number().optional(),
    spKB: z.number().optional(),
    accKB: z.number().optional(),
    peDim: z.number().optional(),
    accKBPerPeDim: z.number().optional(),
  }),
]);

/**
 * Schema of a user energy table (YAML or the evaluator's `energy` option): pJ per MAC and per
 * word at each level, each a constant or `{base, spKB, accKB, peDim, accKBPerPeDim}` (linear in
 * the hardware); `blockRounding: true` prices accesses in Timeloop's blocks.
 *
 * ```yaml
 * name: my-45nm
 * mac: 0.6
 * perWord: {registers: 0.5, accumulator: {base: 2.0, accKBPerPeDim: 0.1}, scratchpad: {base: 0.5, spKB: 0.025}, dram: 120}
 * blockRounding: false
 * ```
 */
export const energyTableSchema = z.strictObject({
  name: z.string().min(1).default('custom'),
  mac: coefficient,
  perWord: z.strictObject({ registers: coefficient, accumulator: coefficient, scratchpad: coefficient, dram: coefficient }),
  blockRounding: z.boolean().default(false),
});

/** An energy option as the evaluator accepts it: a built-in name or a table. */
export const energyOptionSchema = z.union([z.enum(Object.keys(ENERGY_TABLES) as [EnergyTableName, ...EnergyTableName[]]), energyTableSchema]);

/** A user energy table file that can't be used; the message names the file and each bad key. */
export class EnergyTableFileError extends Error {
  override readonly name = 'EnergyTableFileError';
}

/** Reads and validates a YAML energy table file. */
export function loadEnergyTableFile(path: string): EnergyTable {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EnergyTableFileError(`${path}: ${(error as Error).message}`);
  }
  const parsed = energyTableSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new EnergyTableFileError(
      `${path} is not a valid energy table: ${problems.join('; ')}; expected {mac, perWord: {registers, accumulator, scratchpad, dram}, blockRounding?} in pJ`,
    );
  }
  return parsed.data;
}

/** What an energy setting may be, for `allowed:` in messages. */
export const ENERGY_SETTING_ALLOWED = `${Object.keys(ENERGY_TABLES).join(' | ')} | a path to a YAML energy table file`;

/**
 * The `energy` setting of a run config or the CLI's `--energy`: a built-in table's name as is,
 * anything else a YAML table file, read and validated here.
 * @param option how the user gave it, named in errors (`--energy`, or `energy` for a config key).
 * @throws EnergyTableFileError naming the option, the path and the allowed values when it is
 *   neither a built-in name nor an existing file, or the file and each bad key when the file is invalid.
 */
export function resolveEnergySetting(setting: string, option = '--energy'): EnergyTableName | EnergyTable {
  if (Object.hasOwn(ENERGY_TABLES, setting)) return setting as EnergyTableName;
  if (!existsSync(setting)) {
    throw new EnergyTableFileError(`${option} ${setting}: not a built-in energy table and no such file (${resolve(setting)}); allowed: ${ENERGY_SETTING_ALLOWED}`);
  }
  return loadEnergyTableFile(setting);
}
