/**
 * The sample-efficiency benchmark's results, one committed JSON file per split
 * (`<dir>/<split>.json`, default docs/benchmarks/sample-efficiency/): the split's description
 * and fingerprint, then every (model, n, seed) cell computed on it, each with its backend, git
 * HEAD and date. A cell is written as soon as it is computed (the file is re-read, the cell
 * added or replaced, the file renamed into place), so a killed run loses at most the cell in
 * progress and a rerun skips every cell already there ({@link cellsToRun}).
 *
 * Lifecycle: {@link openSplitResults} when a run starts on a split — if the file was written for
 * another split definition (another fingerprint: the dataset grew, a split rule changed), its
 * cells are set aside (dropped from the file; git history keeps them); then
 * {@link recordCell} per cell. Cells are kept sorted (model, n, seed, quick) and written one per
 * line, so a rerun's diff shows just the cells it changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { layerKey, printMapping } from '@polaris/core';
import type { DatasetSample } from '../src/index.js';
import type { Scores } from './sample-efficiency-scores.js';
import { type BenchSplit, hardwareKey } from './sample-efficiency-splits.js';

/** What identifies a cell within a split: `quick` cells (smoke budgets) never stand in for full ones. */
export interface CellSpec {
  readonly model: string;
  /** Training rows: drawn from the pool plus the split's fixed rows. */
  readonly n: number;
  /** Of which drawn from the pool. */
  readonly drawn: number;
  readonly seed: number;
  readonly quick: boolean;
}

/** One computed cell. */
export interface Cell extends CellSpec {
  readonly scores: Scores;
  readonly trainMs: number;
  readonly predictMs: number;
  /** What the model reports of its training (e.g. epochs). */
  readonly details?: Record<string, unknown>;
  /** `activeBackendName()` while the cell ran. */
  readonly backend: string;
  readonly gitHead: string;
  /** Whether the model's code (packages/starlight/src, analytical/src, core/src) had uncommitted changes. */
  readonly gitDirty: boolean;
  /** ISO date the cell finished. */
  readonly date: string;
}

/** The split a results file belongs to. */
export interface SplitHeader {
  readonly split: string;
  readonly description: string;
  readonly assignment: readonly string[];
  /** {@link splitFingerprint} of the split the cells were computed on. */
  readonly fingerprint: string;
  readonly pool: number;
  readonly fixedTrain: number;
  readonly test: number;
}

export interface SplitResults extends SplitHeader {
  readonly benchmark: 'sample-efficiency';
  readonly cells: readonly Cell[];
}

export const cellKey = (c: Pick<CellSpec, 'model' | 'n' | 'seed' | 'quick'>): string => `${c.model}|${c.n}|${c.seed}|${c.quick ? 'quick' : 'full'}`;

const sampleId = (s: DatasetSample): string => `${layerKey(s.layer)}|${hardwareKey(s.hardware)}|${printMapping(s.mapping)}|${s.target.cycles}|${s.target.energy}`;

/** A hash of the split's samples, part by part and in order (the pool's order decides the training draws). */
export function splitFingerprint(split: BenchSplit): string {
  const hash = createHash('sha256');
  for (const [part, samples] of [['pool', split.pool], ['fixed', split.fixedTrain], ['test', split.test]] as const) {
    hash.update(`${part}:${samples.length}\n`);
    for (const s of samples) hash.update(`${sampleId(s)}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

export const resultsPath = (dir: string, split: string): string => join(dir, `${split}.json`);

const byKey = (a: Cell, b: Cell): number =>
  a.model.localeCompare(b.model) || a.n - b.n || a.seed - b.seed || Number(a.quick) - Number(b.quick);

/** NaN scores are stored as null (JSON has no NaN); read them back as NaN. */
function restoreNaN(scores: Scores): Scores {
  const fix = (x: number | null) => (x === null ? Number.NaN : x);
  return {
    cycles: { rho: fix(scores.cycles.rho), mape: fix(scores.cycles.mape) },
    energy: { rho: fix(scores.energy.rho), mape: fix(scores.energy.mape) },
    edp: { rho: fix(scores.edp.rho), mape: fix(scores.edp.mape) },
    ...(scores.edpCoverage ? { edpCoverage: { within1: fix(scores.edpCoverage.within1), within2: fix(scores.edpCoverage.within2) } } : {}),
  };
}

/** The results file at `path`, or undefined when there is none. @throws Error naming the file when it is not a results file. */
export function readSplitResults(path: string): SplitResults | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: SplitResults;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as SplitResults;
  } catch (error) {
    throw new Error(`${path}: not a sample-efficiency results file (${(error as Error).message}); move it away or fix it`);
  }
  if (parsed.benchmark !== 'sample-efficiency' || !Array.isArray(parsed.cells) || typeof parsed.fingerprint !== 'string') {
    throw new Error(`${path}: not a sample-efficiency results file (expected benchmark "sample-efficiency", a fingerprint and cells)`);
  }
  return { ...parsed, cells: parsed.cells.map((c) => ({ ...c, scores: restoreNaN(c.scores) })) };
}

/** Writes the file atomically: header fields pretty-printed, then one cell per line, sorted. */
export function writeSplitResults(path: string, results: SplitResults): void {
  const { cells, ...header } = results;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  const body = [...cells].sort(byKey).map((c) => `    ${JSON.stringify(c)}`).join(',\n');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${head},\n  "cells": [\n${body}${body ? '\n' : ''}  ]\n}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * The results of a split at the start of a run: the file's cells when it was written for the
 * same fingerprint (the header refreshed), else none, with the number set aside. Writes the file.
 */
export function openSplitResults(path: string, header: SplitHeader): { results: SplitResults; setAside: number } {
  const existing = readSplitResults(path);
  const same = existing?.fingerprint === header.fingerprint;
  const results: SplitResults = { benchmark: 'sample-efficiency', ...header, cells: same ? existing.cells : [] };
  writeSplitResults(path, results);
  return { results, setAside: same || !existing ? 0 : existing.cells.length };
}

/**
 * Adds (or replaces) one cell: re-reads the file so cells another process wrote meanwhile are
 * kept, then writes it back. @throws Error if the file now holds another split's fingerprint.
 */
export function recordCell(path: string, header: SplitHeader, cell: Cell): SplitResults {
  const current = readSplitResults(path);
  if (current && current.fingerprint !== header.fingerprint) {
    throw new Error(`${path}: another run rewrote it for split fingerprint ${current.fingerprint} (this run's is ${header.fingerprint}); not overwriting it`);
  }
  const key = cellKey(cell);
  const results: SplitResults = { benchmark: 'sample-efficiency', ...header, cells: [...(current?.cells ?? []).filter((c) => cellKey(c) !== key), cell] };
  writeSplitResults(path, results);
  return results;
}

/** The cells a run wants on a split: sizes (rows drawn from the pool, capped at it; `all` = the whole pool) × seeds × models. */
export function wantedCells(split: BenchSplit, sizes: readonly (number | 'all')[], seeds: readonly number[], models: readonly string[], quick: boolean): CellSpec[] {
  const drawn = [...new Set(sizes.map((s) => (s === 'all' ? split.pool.length : Math.min(s, split.pool.length))))].sort((a, b) => a - b);
  return drawn.flatMap((d) => seeds.flatMap((seed) => models.map((model) => ({ model, n: d + split.fixedTrain.length, drawn: d, seed, quick }))));
}

/** The wanted cells still to compute: all of them with `redo`, else those the results lack. */
export function cellsToRun<T extends CellSpec>(wanted: readonly T[], results: Pick<SplitResults, 'cells'>, redo: boolean): T[] {
  if (redo) return [...wanted];
  const done = new Set(results.cells.map(cellKey));
  return wanted.filter((c) => !done.has(cellKey(c)));
}
