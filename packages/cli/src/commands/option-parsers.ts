import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ENERGY_SETTING_ALLOWED, ENERGY_TABLES } from '@polaris/core';

/**
 * Argument parsers for commander options: each returns the parsed value or throws commander's
 * InvalidArgumentError, which commander reports as `option '--x <v>' argument 'v' is invalid. <why>`
 * and `main` turns into exit code 2.
 */

/** `--name <n>`: an integer ≥ `min` (a safe integer). */
export const integerAtLeast = (name: string, min: number) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min) {
    throw new InvalidArgumentError(`${name} must be ${min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`}, got "${value}"`);
  }
  return n;
};

/** `--name <n>`: an integer ≥ 0. */
export const nonNegativeInteger = (name: string) => integerAtLeast(name, 0);

/** `--name <n>`: an integer ≥ 1. */
export const positiveInteger = (name: string) => integerAtLeast(name, 1);

/**
 * `--name <file>`: a path that exists and is a file (relative to the current directory).
 * @param expected what the file should hold, completing "expected …" in the message.
 */
export const existingFile = (name: string, expected: string) => (value: string): string => {
  const path = resolve(value);
  if (!existsSync(path)) throw new InvalidArgumentError(`${name}: no such file (${path}); expected ${expected}`);
  if (!statSync(path).isFile()) throw new InvalidArgumentError(`${name}: ${path} is a folder, not a file; expected ${expected}`);
  return value;
};

/** `--energy <table>`: a built-in table's name or an existing YAML table file. */
export const energyTable = (value: string): string => {
  if (Object.hasOwn(ENERGY_TABLES, value)) return value;
  if (!existsSync(resolve(value))) {
    throw new InvalidArgumentError(`--energy: "${value}" is not a built-in energy table and no such file (${resolve(value)}); allowed: ${ENERGY_SETTING_ALLOWED}`);
  }
  return value;
};
