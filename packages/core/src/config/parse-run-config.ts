import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { type Document, isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem, didYouMean } from './config-error.js';
import { hintAt, knownKeysAt } from './config-hints.js';
import { BUILTIN_WORKLOAD_NAMES } from '../workloads/builtin-workloads.js';
import { ENERGY_SETTING_ALLOWED } from './energy-table-file.js';
import { BUILTIN_ENERGY_TABLES, MAX_TRIALS, OUTPUT_PLACEHOLDERS, type RunConfig, runConfigSchema } from './run-config-schema.js';

/**
 * Command-line settings applied over a run config (`polaris run --trials --seed --force`), and
 * whether to check that the files it names exist.
 */
export interface RunConfigOptions {
  /** Replaces `budget.trials` (a positive integer). */
  readonly trials?: number;
  /** Replaces `seed`. */
  readonly seed?: number;
  /** Allows `budget.trials` above {@link MAX_TRIALS} (`polaris run --force`). */
  readonly force?: boolean;
  /**
   * Check that a path-valued `workload` and a file-valued `energy` exist (reported with their
   * key and line, like every other problem). {@link loadRunConfig} turns it on.
   */
  readonly checkFiles?: boolean;
}

/**
 * Parses and validates a run config from YAML text.
 *
 * @param text the YAML source.
 * @param sourcePath the file it came from: names the file in errors, resolves relative paths
 *   against its folder (else the working directory) and gives the default `name` (file stem).
 * @param options overrides from the command line, the trials cap's `force`, file checks.
 * @throws ConfigError listing every problem (YAML syntax with line/column, unknown keys with
 *   the known ones and a "did you mean", bad values with what is allowed, `budget.trials` above
 *   {@link MAX_TRIALS} without `force`, missing files when `checkFiles`).
 */
export function parseRunConfig(text: string, sourcePath?: string, options: RunConfigOptions = {}): RunConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { path: '(yaml)', message: `${e.message}; allowed: valid YAML`, line, column: col };
    }), sourcePath);
  }
  const raw: unknown = doc.toJS() ?? {};
  if (sourcePath && isPlainObject(raw) && raw.name === undefined) {
    raw.name = basename(sourcePath, extname(sourcePath)).replace(/[^A-Za-z0-9._-]/g, '-');
  }
  const parsed = runConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue));
    const located = problems.map(({ keyPath, ...p }) => ({ ...p, ...locate(doc, lineCounter, keyPath) }));
    const byLine = (a: ConfigProblem, b: ConfigProblem): number =>
      (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0);
    throw new ConfigError(located.sort(byLine), sourcePath);
  }
  const config = withOverrides(resolvePaths(parsed.data, sourcePath ? dirname(resolve(sourcePath)) : process.cwd()), options);
  const problems = [...trialsProblems(config, options), ...(options.checkFiles ? missingFileProblems(config) : [])];
  if (problems.length > 0) {
    throw new ConfigError(problems.map(({ keyPath, ...p }) => ({ ...p, ...(keyPath ? locate(doc, lineCounter, keyPath) : {}) })), sourcePath);
  }
  return config;
}

/**
 * Reads and parses a run config file; relative paths inside resolve against its folder, and the
 * files it names (workload path, energy table) must exist.
 * @param options command-line overrides and the trials cap's `force`, as for {@link parseRunConfig}.
 * @throws ConfigError when the file cannot be read or is invalid.
 */
export function loadRunConfig(path: string, options: RunConfigOptions = {}): RunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ path: '(file)', message: `cannot read ${resolve(path)}: ${reason}; allowed: a readable YAML file` }], path);
  }
  return parseRunConfig(text, path, { ...options, checkFiles: options.checkFiles ?? true });
}

/** Fills the `{name}`, `{seed}`, … placeholders of `config.output`, with optional overrides. */
export function expandOutputPath(config: RunConfig, overrides: Partial<Record<(typeof OUTPUT_PLACEHOLDERS)[number], string | number>> = {}): string {
  const values: Record<string, string | number> = {
    name: config.name,
    seed: config.seed,
    workload: basename(config.workload, extname(config.workload)),
    optimizer: config.optimizer.map((stage) => stage.id).join('-'),
    evaluator: config.evaluator.id,
    ...overrides,
  };
  return config.output.replace(/\{([^}]*)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}

/** True when a `workload`/`plugins` entry names a file or folder rather than a built-in or package. */
export function isPathLike(ref: string): boolean {
  return ref.startsWith('.') || isAbsolute(ref) || (/[\\/]/.test(ref) && !ref.startsWith('@')) || /\.(ya?ml|[cm]?[jt]s)$/i.test(ref);
}

function resolvePaths(config: RunConfig, baseDir: string): RunConfig {
  const at = (p: string): string => resolve(baseDir, p);
  return {
    ...config,
    workload: isPathLike(config.workload) ? at(config.workload) : config.workload,
    energy: (BUILTIN_ENERGY_TABLES as readonly string[]).includes(config.energy) ? config.energy : at(config.energy),
    plugins: config.plugins.map((p) => (isPathLike(p) ? at(p) : p)),
    store: config.store === ':memory:' ? config.store : at(config.store),
    output: at(config.output),
  };
}

function withOverrides(config: RunConfig, { trials, seed }: RunConfigOptions): RunConfig {
  return { ...config, seed: seed ?? config.seed, budget: { ...config.budget, trials: trials ?? config.budget.trials } };
}

/** A problem found after parsing; `keyPath` locates it in the document (none: it came from the command line). */
interface LateProblem extends ConfigProblem {
  readonly keyPath?: readonly PropertyKey[];
}

/** `--trials` not a positive integer; the trials (from the file or `--trials`) above {@link MAX_TRIALS} without `force`. */
function trialsProblems(config: RunConfig, options: RunConfigOptions): LateProblem[] {
  const fromFlag = options.trials !== undefined;
  const where = fromFlag ? { path: '--trials' } : { path: 'budget.trials', keyPath: ['budget', 'trials'] };
  const { trials } = config.budget;
  if (fromFlag && (!Number.isSafeInteger(trials) || trials < 1)) {
    return [{ ...where, message: `expected a positive integer, got ${trials}; allowed: integer ≥ 1` }];
  }
  if (trials <= MAX_TRIALS || options.force) return [];
  return [{
    ...where,
    message: `${trials} trials is above the cap of ${MAX_TRIALS}; allowed: integer 1..${MAX_TRIALS}, ` +
      'or more with `polaris run --force` (such a run stops with Ctrl-C and resumes where it stopped)',
  }];
}

/** A path-valued `workload` or a file-valued `energy` that does not exist. */
function missingFileProblems(config: RunConfig): LateProblem[] {
  const problems: LateProblem[] = [];
  if (isPathLike(config.workload) && !existsSync(config.workload)) {
    problems.push({
      path: 'workload', keyPath: ['workload'],
      message: `no file or folder at ${config.workload}; allowed: ${BUILTIN_WORKLOAD_NAMES.join(', ')}, or a path to a Timeloop problem YAML file or folder`,
    });
  }
  if (!(BUILTIN_ENERGY_TABLES as readonly string[]).includes(config.energy) && !existsSync(config.energy)) {
    problems.push({ path: 'energy', keyPath: ['energy'], message: `no energy table file at ${config.energy}; allowed: ${ENERGY_SETTING_ALLOWED}` });
  }
  return problems;
}

type Issue = z.core.$ZodIssue;
interface RawProblem extends ConfigProblem {
  readonly keyPath: readonly PropertyKey[];
}

function describeIssue(issue: Issue): RawProblem[] {
  const keyPath = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(runConfigSchema, keyPath);
    // A record (e.g. budget.evaluations) has no key list of its own: its hint says what is allowed.
    const allowed = known.length > 0 ? known.join(', ') : hintAt(runConfigSchema, keyPath)?.allowed ?? '';
    return issue.keys.map((key) => {
      const guess = didYouMean(key, known);
      return {
        path: formatPath([...keyPath, key]),
        keyPath: [...keyPath, key],
        message: `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}; allowed: ${allowed}`,
      };
    });
  }
  if (issue.code === 'custom') return [{ path: formatPath(keyPath), keyPath, message: issue.message }];
  const hint = hintAt(runConfigSchema, keyPath);
  const got = showInput(issue.input);
  const expected = hint?.expected ?? (issue.code === 'invalid_type' ? `a ${issue.expected}` : 'a valid value');
  const detail = issue.code === 'invalid_format' ? ` (${issue.format === 'regex' ? 'has characters outside the allowed set' : issue.format})` : '';
  return [{ path: formatPath(keyPath), keyPath, message: `expected ${expected}, got ${got}${detail}; allowed: ${hint?.allowed ?? issue.message}` }];
}

/** `budget.trials`, `plugins[1]`, `(root)`. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

function showInput(input: unknown): string {
  if (input === undefined) return 'nothing (the key is missing)';
  if (input === null) return 'an empty value';
  if (typeof input === 'string') return JSON.stringify(input);
  if (Array.isArray(input)) return `a list of ${input.length}`;
  if (typeof input === 'object') return 'a mapping';
  return String(input);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Line/column of the deepest node of `path` present in the document (the key itself when it exists). */
function locate(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): { line?: number; column?: number } {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const key of path) {
    if (!isMap(node)) {
      const seq = node as { items?: unknown[] } | null;
      if (typeof key === 'number' && seq?.items?.[key]) {
        node = seq.items[key];
        offset = (node as { range?: [number] }).range?.[0] ?? offset;
        continue;
      }
      break;
    }
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
    if (!pair) break;
    offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
    node = pair.value;
  }
  if (offset === undefined) return {};
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
