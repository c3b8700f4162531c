/**
 * The harness's answer (docs/isa.md, "Harness command line"): one JSON object on stdout and an
 * exit code — 0 completed (even if the `--expect` check failed), 1 bad arguments or input files
 * (a partial JSON `{"ok": false, "error": "bad-arguments: …"}`), 2 cycle cap hit, 3 machine error.
 * This module holds its shapes, parses it and names the failure kinds; harness-exit.ts
 * classifies a finished process. Nothing here runs anything.
 */

/** Event counters of one run. Scratchpad and accumulator counts are ROW accesses (DIM words each). */
export interface HarnessCounters {
  /** Useful MACs: c·k·n per COMPUTE (equals the layer's MACs). */
  readonly macs: number;
  readonly instructions: number;
  /** Scratchpad row reads / writes (DIM int8 words each). */
  readonly sp_reads: number;
  readonly sp_writes: number;
  readonly sp_bank_reads: readonly number[];
  readonly sp_bank_writes: readonly number[];
  /** Accumulator row reads / writes (DIM int32 words each; an add is one read + one write). */
  readonly acc_reads: number;
  readonly acc_writes: number;
  readonly dram_read_bytes: number;
  readonly dram_write_bytes: number;
  readonly dram_requests: number;
  readonly preload_weight_loads: number;
  readonly stall_dma_wait: number;
  readonly stall_bank_conflict: number;
  readonly stall_queue_full: number;
  readonly stall_dependency: number;
  readonly stall_pipeline: number;
  readonly busy_load: number;
  readonly busy_execute: number;
  readonly busy_store: number;
}

/** The `--expect` comparison, present when the run was given an expect file. */
export interface HarnessCheck {
  readonly ok: boolean;
  readonly mismatches: number;
  /** First mismatch, `@addr got xx want yy`. */
  readonly first?: string;
}

/** The JSON object the harness prints. */
export interface HarnessReport {
  readonly ok: boolean;
  readonly dim: number;
  readonly cycles: number;
  readonly counters: HarnessCounters;
  readonly check?: HarnessCheck | null;
  readonly error: string | null;
}

/**
 * Why a run failed, and so whether trying again could succeed.
 *
 * The rule for `recoverable` (the evaluator's results carry it; a resumed run re-evaluates
 * recoverable failures and reports non-recoverable ones again): a failure is **recoverable**
 * when it says nothing about the design point under this evaluator version — it came from
 * time, the host, a limit the user can raise, or a simulator binary that does not behave as
 * the harness does — so a rerun, after the fix the message names, may succeed. It is
 * **non-recoverable** when the harness answered, in its own protocol, a deterministic verdict
 * on this point's program (a machine error, a failed output check, rejected input files):
 * the same point under the same version fails the same way every time.
 */
export type SimulationFailureKind =
  /** The wall-clock timeout expired; the process was killed. Recoverable. */
  | 'timeout'
  /** `--max-cycles` was hit (exit 2 with the harness's report): the machine hung or the cap is too low. Recoverable (raise maxCycles). */
  | 'cycle-cap'
  /** Killed by a signal not sent by Polaris (segfault, abort, the OOM killer's SIGKILL, …). Recoverable. */
  | 'crash'
  /**
   * An exit code the harness does not use, or one it uses without the JSON report it always
   * prints with it: the binary is not behaving as the harness Polaris built. Recoverable.
   */
  | 'unexpected-exit'
  /** Exit 0 without the promised JSON report, or more output than any harness run prints. Recoverable (a misbehaving binary). */
  | 'bad-output'
  /** The run was never started (binary missing, not executable, no processes left). Recoverable. */
  | 'spawn'
  /** Exit 1, the harness could not read an input file Polaris wrote (removed or truncated on disk). Recoverable. */
  | 'input-unreadable'
  /** Exit 1 with the harness's `bad-arguments` answer: it rejected the command line or the content of its input files. Not recoverable. */
  | 'bad-arguments'
  /** Exit 3: the machine rejected the program (unknown opcode, bad width, range, …). Not recoverable. */
  | 'machine-error'
  /** The `--expect` check failed: wrong results. Not recoverable. */
  | 'check-failed';

/** Failure kinds a retry may fix (see {@link SimulationFailureKind} for the rule). */
export const RECOVERABLE_FAILURES: ReadonlySet<SimulationFailureKind> = new Set<SimulationFailureKind>([
  'timeout', 'cycle-cap', 'crash', 'unexpected-exit', 'bad-output', 'spawn', 'input-unreadable',
]);

/** Outcome of one harness run, as a value. */
export type SimulationOutcome =
  | { readonly ok: true; readonly report: HarnessReport; readonly wallMs: number }
  | {
    readonly ok: false;
    readonly kind: SimulationFailureKind;
    readonly recoverable: boolean;
    /** One line naming the problem and the fix; any process output in it is a bounded, escaped excerpt. */
    readonly error: string;
    /** The report, when the harness printed one (cycle cap, machine error, failed check). */
    readonly report?: HarnessReport;
    readonly wallMs: number;
  };

/** Builds a failed outcome with `recoverable` derived from the kind. */
export function simulationFailure(kind: SimulationFailureKind, error: string, wallMs: number, report?: HarnessReport): SimulationOutcome {
  return { ok: false, kind, recoverable: RECOVERABLE_FAILURES.has(kind), error, report, wallMs };
}

const REQUIRED_COUNTERS = ['macs', 'sp_reads', 'sp_writes', 'acc_reads', 'acc_writes', 'dram_read_bytes', 'dram_write_bytes'] as const;

/**
 * Parses the harness's stdout: the last line that is a JSON object (the harness promises exactly
 * one; Verilator may print warnings before it).
 * @returns the report, or a message saying what is wrong with the text.
 */
export function parseHarnessReport(stdout: string): HarnessReport | string {
  const line = lastJsonLine(stdout);
  if (line === undefined) return 'no JSON object on stdout';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return `its last JSON-looking line is not valid JSON (${(error as Error).message})`;
  }
  const report = json as Partial<HarnessReport>;
  if (typeof report !== 'object' || report === null || typeof report.cycles !== 'number' || typeof report.counters !== 'object' || report.counters === null) {
    return 'its JSON lacks "cycles" or "counters"';
  }
  const missing = REQUIRED_COUNTERS.filter((name) => typeof (report.counters as unknown as Record<string, unknown>)[name] !== 'number');
  if (missing.length > 0) return `its JSON counters lack ${missing.join(', ')}`;
  return report as HarnessReport;
}

/** The last line of `stdout` that starts with `{` (trimmed), if any. */
function lastJsonLine(stdout: string): string | undefined {
  return stdout.split('\n').map((l) => l.trim()).reverse().find((l) => l.startsWith('{'));
}

/**
 * The `error` string of the harness's JSON answer, also of the partial one it prints for bad
 * arguments (`{"ok": false, "error": "bad-arguments: …"}`), if stdout ends with such a line.
 */
export function harnessErrorField(stdout: string): string | undefined {
  const line = lastJsonLine(stdout);
  try {
    const error = line === undefined ? undefined : (JSON.parse(line) as { error?: unknown }).error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}
