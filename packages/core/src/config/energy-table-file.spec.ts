import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GEMMINI } from '../domain/hardware.js';
import { TIMELOOP_ENERGY_TABLE, resolveEnergy } from '../domain/energy-table.js';
import { EnergyTableFileError, loadEnergyTableFile, resolveEnergySetting } from './energy-table-file.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'polaris-energy-')), 'table.yaml');
  writeFileSync(path, text);
  return path;
}

describe('user energy table files', () => {
  it('reads a table equal to the Timeloop default and prices like it', () => {
    const table = loadEnergyTableFile(file(`
name: mine
mac: 0.5608
perWord:
  registers: 0.48746
  accumulator: {base: 1.94975, accKBPerPeDim: 0.1005025}
  scratchpad: {base: 0.48744, spKB: 0.0251256}
  dram: 100
blockRounding: true
`));
    expect(table.name).toBe('mine');
    expect(resolveEnergy(table, DEFAULT_GEMMINI)).toEqual(resolveEnergy(TIMELOOP_ENERGY_TABLE, DEFAULT_GEMMINI));
  });

  it('names every bad key and the expected shape', () => {
    const path = file('mac: -1\nperWord: {registers: 1, accumulator: 1, scratchpad: {base: 1, spkb: 2}}\n');
    expect(() => loadEnergyTableFile(path)).toThrow(EnergyTableFileError);
    expect(() => loadEnergyTableFile(path)).toThrow(/mac: .*; perWord\.scratchpad.*; perWord\.dram/);
    expect(() => loadEnergyTableFile(path)).toThrow(/expected \{mac, perWord: \{registers, accumulator, scratchpad, dram\}/);
  });

  it('names the option, the path and the allowed values for a setting that is neither a table nor a file', () => {
    expect(resolveEnergySetting('dosa')).toBe('dosa');
    expect(() => resolveEnergySetting('foo')).toThrow(/^--energy foo: not a built-in energy table and no such file \(.*foo\); allowed: timeloop \| dosa \| a path to a YAML energy table file$/);
    expect(() => resolveEnergySetting('toString', 'energy')).toThrow(/^energy toString: /);
  });

  it('reports malformed YAML with the file named', () => {
    const path = file('mac: [1,\n');
    expect(() => loadEnergyTableFile(path)).toThrow(new RegExp(`${path.replaceAll('/', '\\/')}: `));
  });
});
