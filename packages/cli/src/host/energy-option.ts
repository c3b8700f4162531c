import { BUILTIN_ENERGY_TABLES } from '@polaris/core';
import { type EnergyTable, type EnergyTableName, loadEnergyTableFile } from '@polaris/analytical';

/**
 * The `energy` setting (config key or `--energy` flag) as the analytical plugin takes it:
 * a built-in table name, or a YAML table file read and validated here.
 */
export function resolveEnergyOption(setting: string): EnergyTableName | EnergyTable {
  return (BUILTIN_ENERGY_TABLES as readonly string[]).includes(setting) ? (setting as EnergyTableName) : loadEnergyTableFile(setting);
}
