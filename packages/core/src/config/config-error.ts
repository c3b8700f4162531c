/** One problem found in a config file. */
export interface ConfigProblem {
  /** Dotted key path (`budget.trials`, `plugins[1]`), `(root)` for the document, `(yaml)` for syntax. */
  readonly path: string;
  /** `<what was wrong>; allowed: <what is allowed>`. */
  readonly message: string;
  /** 1-based line and column in the source, when known. */
  readonly line?: number;
  readonly column?: number;
}

/**
 * A run config that cannot be used. The message lists every problem, one per line, as
 * `<key.path>: <what was wrong>; allowed: <what is allowed>`, prefixed by the file and line.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly source?: string,
  ) {
    super(ConfigError.format(problems, source));
  }

  private static format(problems: readonly ConfigProblem[], source?: string): string {
    const where = source ?? 'run config';
    const lines = problems.map((p) => {
      const at = p.line !== undefined ? ` (line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''})` : '';
      return `  - ${p.path}${at}: ${p.message}`;
    });
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    return `${where}: ${count}\n${lines.join('\n')}`;
  }
}

/** Levenshtein distance (insert, delete, substitute, each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate within a third of the word's length (at least 2 edits), if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
