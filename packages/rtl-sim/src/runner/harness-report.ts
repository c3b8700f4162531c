/**
 * The harness's answer (docs/isa.md, "Harness command line"): one JSON object on stdout and an
 * exit code — 0 completed (even if the `--expect` check failed), 2 cycle cap hit, 3 machine
 * error, 1 bad arguments. This module parses and classifies it; it runs nothing.
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

/** Why a run failed; decides whether trying again could succeed. */
export type SimulationFailureKind =
  /** The wall-clock timeout expired (killed). Recoverable. */
  | 'timeout'
  /** `--max-cycles` was hit (exit 2): the machine hung or the cap is too low. Recoverable. */
  | 'cycle-cap'
  /** Killed by a signal or exited oddly (segfault, OOM, unexpected code). Recoverable. */
  | 'crash'
  /** The machine rejected the program (exit 3): bad width, unknown opcode, … Not recoverable. */
  | 'machine-error'
  /** The harness rejected its command line or files (exit 1). Not recoverable. */
  | 'bad-arguments'
  /** Exit 0 but stdout is not the promised JSON. Not recoverable (a harness bug). */
  | 'bad-output'
  /** The `--expect` check failed: wrong results. Not recoverable. */
  | 'check-failed'
  /** The run was never started (no binary, cannot spawn). Not recoverable. */
  | 'spawn';

/** Failure kinds a retry may fix (the machine or the host misbehaved, not the program). */
export const RECOVERABLE_FAILURES: ReadonlySet<SimulationFailureKind> = new Set(['timeout', 'cycle-cap', 'crash']);

/** Outcome of one harness run, as a value. */
export type SimulationOutcome =
  | { readonly ok: true; readonly report: HarnessReport; readonly wallMs: number }
  | {
    readonly ok: false;
    readonly kind: SimulationFailureKind;
    readonly recoverable: boolean;
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
  const line = stdout.split('\n').map((l) => l.trim()).reverse().find((l) => l.startsWith('{'));
  if (line === undefined) return `no JSON object on stdout (got ${JSON.stringify(stdout.slice(0, 200))})`;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return `stdout is not valid JSON (${(error as Error).message}): ${line.slice(0, 200)}`;
  }
  const report = json as Partial<HarnessReport>;
  if (typeof report !== 'object' || report === null || typeof report.cycles !== 'number' || typeof report.counters !== 'object' || report.counters === null) {
    return `JSON lacks "cycles" or "counters": ${line.slice(0, 200)}`;
  }
  const missing = REQUIRED_COUNTERS.filter((name) => typeof (report.counters as unknown as Record<string, unknown>)[name] !== 'number');
  if (missing.length > 0) return `counters lack ${missing.join(', ')}: ${line.slice(0, 200)}`;
  return report as HarnessReport;
}

/** The `error` string of a partial JSON answer (bad arguments print only `ok` and `error`). */
function jsonError(stdout: string): string | undefined {
  const line = stdout.split('\n').map((l) => l.trim()).reverse().find((l) => l.startsWith('{'));
  try {
    const error = line === undefined ? undefined : (JSON.parse(line) as { error?: unknown }).error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

/** How the process ended, as execa reports it. */
export interface ProcessEnd {
  readonly exitCode?: number;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/** Classifies a finished harness process into a {@link SimulationOutcome} per the exit-code contract. */
export function classifyHarnessExit(end: ProcessEnd, timeoutMs: number): SimulationOutcome {
  const { wallMs } = end;
  const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
  if (end.timedOut) return simulationFailure('timeout', `simulator timed out after ${timeoutMs} ms and was killed`, wallMs);
  if (end.signal !== undefined) {
    return simulationFailure('crash', `simulator killed by ${end.signal}${end.stderr ? `: ${tail(end.stderr)}` : ''}`, wallMs);
  }
  const parsed = parseHarnessReport(end.stdout);
  const report = typeof parsed === 'string' ? undefined : parsed;
  const detail = report?.error ?? jsonError(end.stdout) ?? (tail(end.stderr) || (typeof parsed === 'string' ? parsed : ''));
  switch (end.exitCode) {
    case 0:
      if (report === undefined) return simulationFailure('bad-output', `simulator exited 0 but ${parsed as string}`, wallMs);
      if (report.check && !report.check.ok) {
        return simulationFailure('check-failed',
          `outputs differ from the expected values: ${report.check.mismatches} mismatches${report.check.first ? `, first ${report.check.first}` : ''}`,
          wallMs, report);
      }
      return { ok: true, report, wallMs };
    case 2:
      return simulationFailure('cycle-cap', `simulator hit the cycle cap${report ? ` at ${report.cycles} cycles` : ''} (hung, or raise maxCycles)${detail ? `: ${detail}` : ''}`, wallMs, report);
    case 3:
      return simulationFailure('machine-error', `the machine rejected the program: ${detail || 'no detail'}`, wallMs, report);
    case 1:
      return simulationFailure('bad-arguments', `the harness rejected its arguments: ${detail || 'no detail'}`, wallMs, report);
    default:
      return simulationFailure('crash', `simulator exited with code ${end.exitCode}${detail ? `: ${detail}` : ''}`, wallMs, report);
  }
}
