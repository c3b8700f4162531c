import { dirname } from 'node:path';
import { type HarnessReport, type SimulationOutcome, harnessErrorField, parseHarnessReport, simulationFailure } from './harness-report.js';
import { describeOutput, outputExcerpt } from './output-excerpt.js';

/**
 * Classifies a finished harness process by what the C++ harness (harness/main.cpp) really does:
 *
 * | end | who | meaning |
 * | --- | --- | --- |
 * | exit 0 + report | harness | run completed (the `--expect` check may still have failed) |
 * | exit 1 + `{"ok": false, "error": "bad-arguments: …"}` | harness `bad()` | bad command line, or an input file it cannot read or parse |
 * | exit 2 + report | harness | `--max-cycles` reached |
 * | exit 3 + report | harness | the machine flagged an error (decode, width, range, DMA protocol) |
 * | SIGABRT | Verilator's `vl_fatal` or an uncaught C++ exception (e.g. `std::bad_alloc` for the DRAM image) | crash |
 * | SIGSEGV, SIGBUS, SIGILL, SIGFPE | a fault in the simulator binary | crash |
 * | SIGKILL, SIGTERM, … not sent by Polaris | the kernel's OOM killer or another process | crash |
 * | any other exit, or a harness code without its JSON | not the harness (a replaced binary, a wrapper, the loader: 127) | unexpected exit |
 *
 * Every message is one line naming the cause and the fix, with any output quoted as a bounded,
 * escaped excerpt (output-excerpt.ts).
 */

/** How the process ended. */
export interface ProcessEnd {
  readonly exitCode?: number;
  readonly signal?: string;
  /** Killed by Polaris because the wall-clock timeout expired. */
  readonly timedOut: boolean;
  /** The stream whose output passed the capture limit (the process was then stopped). */
  readonly overflow?: 'stdout' | 'stderr';
  readonly stdout: Uint8Array | string;
  readonly stderr: Uint8Array | string;
  readonly wallMs: number;
}

/** What the classifier needs to know about the run to name causes and fixes. */
export interface HarnessRunContext {
  /** The simulator executable; its directory is the cached build to remove for a rebuild. */
  readonly binary: string;
  readonly timeoutMs: number;
  /** Bytes of each stream captured before the process is stopped. */
  readonly captureLimitBytes: number;
}

const SIGNAL_CAUSES: Readonly<Record<string, string>> = {
  SIGSEGV: 'a segmentation fault in the simulator',
  SIGBUS: 'a bus error in the simulator',
  SIGILL: 'an illegal instruction in the simulator (built for another CPU?)',
  SIGFPE: 'an arithmetic fault in the simulator',
  SIGABRT: 'the simulator aborted: Verilator stopped on a fatal error, or the harness threw, e.g. when it cannot allocate the DRAM image',
  SIGKILL: 'killed from outside Polaris, usually by the kernel\'s out-of-memory killer (see `dmesg`)',
  SIGTERM: 'stopped from outside Polaris',
  SIGINT: 'interrupted from outside Polaris',
  SIGHUP: 'its terminal went away',
  SIGPIPE: 'its output pipe closed',
};

const text = (output: Uint8Array | string): string => (typeof output === 'string' ? output : Buffer.from(output).toString('latin1'));

/** `<n> s` or `<n> ms`, as the user would write the limit. */
function formatLimit(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/** Classifies a finished harness process into a {@link SimulationOutcome} (see the module doc). */
export function classifyHarnessExit(end: ProcessEnd, context: HarnessRunContext): SimulationOutcome {
  const { wallMs } = end;
  const rebuild = `remove ${dirname(context.binary)} so the simulator is rebuilt`;
  const output = () => describeOutput(end.stdout, end.stderr);
  if (end.timedOut) {
    return simulationFailure('timeout', `the simulator ran past its time limit of ${formatLimit(context.timeoutMs)} and was killed `
      + '(it hangs, or the layer needs longer): raise the rtl option timeoutSeconds (`polaris evaluate --timeout <seconds>`), '
      + 'or set maxCycles so a hung machine stops at its cycle cap', wallMs);
  }
  if (end.overflow !== undefined) {
    return simulationFailure('bad-output', `the simulator printed more than ${context.captureLimitBytes} bytes on ${end.overflow} `
      + `and was stopped (the harness prints one JSON line), so ${context.binary} is not behaving as the harness: ${rebuild}, then rerun; ${output()}`, wallMs);
  }
  if (end.signal !== undefined) {
    const cause = SIGNAL_CAUSES[end.signal] ?? 'a signal not sent by Polaris';
    return simulationFailure('crash', `the simulator was killed by ${end.signal} (${cause}); this says nothing about the design: `
      + `rerun; if it recurs, ${rebuild}; ${output()}`, wallMs);
  }
  const stdout = text(end.stdout);
  const parsed = parseHarnessReport(stdout);
  const report = typeof parsed === 'string' ? undefined : parsed;
  const answer = report?.error ?? harnessErrorField(stdout);
  const foreign = (what: string) => simulationFailure('unexpected-exit', `the simulator ${what}, so ${context.binary} is not behaving as `
    + `the harness Polaris built (replaced, corrupted, or a wrapper that failed): ${rebuild}, then rerun; ${output()}`, wallMs, report);
  switch (end.exitCode) {
    case 0:
      return completed(end, report, parsed, context, rebuild);
    case 1:
      if (answer === undefined || !answer.startsWith('bad-arguments:')) {
        return foreign('exited with code 1 without the harness\'s JSON answer (the harness prints `{"ok": false, "error": "bad-arguments: …"}` whenever it exits 1)');
      }
      if (/bad-arguments: cannot read /.test(answer)) {
        return simulationFailure('input-unreadable', `the harness could not read an input file Polaris wrote for it (exit 1, ${outputExcerpt(answer)}): `
          + 'the temp directory was removed or the disk is full; free space in the temp directory (TMPDIR) and rerun', wallMs);
      }
      return simulationFailure('bad-arguments', `the harness rejected its command line or input files (exit 1, ${outputExcerpt(answer)}): `
        + 'Polaris wrote them, so the evaluator and the harness disagree; this is a bug in Polaris, not in the design; report it with the layer and mapping', wallMs);
    case 2:
      if (report === undefined) return foreign('exited with code 2 without the harness\'s JSON report');
      return simulationFailure('cycle-cap', `the simulated machine hit the cycle cap at ${report.cycles} cycles without finishing (exit 2): `
        + 'it deadlocked, or the layer needs more cycles; raise the rtl option maxCycles', wallMs, report);
    case 3:
      if (report === undefined) return foreign('exited with code 3 without the harness\'s JSON report');
      return simulationFailure('machine-error', `the machine rejected the program (exit 3, ${outputExcerpt(answer ?? 'no detail')}): `
        + 'the program generator emitted something this RTL rejects; this is a bug in Polaris, not in the design; report it with the layer and mapping',
      wallMs, report);
    case 126:
    case 127:
      return foreign(`exited with code ${end.exitCode} (the ${end.exitCode === 127 ? 'loader could not find a shared library or interpreter it needs' : 'system could not execute it'})`);
    default:
      return foreign(`exited with code ${end.exitCode}, which the harness never uses (0 done, 1 bad input, 2 cycle cap, 3 machine error)`);
  }
}

/** Exit 0: the report, a failed `--expect` check, or output that is not the report. */
function completed(end: ProcessEnd, report: HarnessReport | undefined, parsed: HarnessReport | string, context: HarnessRunContext, rebuild: string): SimulationOutcome {
  const { wallMs } = end;
  if (report === undefined) {
    return simulationFailure('bad-output', `the simulator exited 0 but its output is not the harness's JSON report (${parsed as string}), `
      + `so ${context.binary} is not behaving as the harness Polaris built: ${rebuild}, then rerun; ${describeOutput(end.stdout, end.stderr)}`, wallMs);
  }
  if (report.check && !report.check.ok) {
    return simulationFailure('check-failed', `the simulated outputs differ from the reference convolution: ${report.check.mismatches} mismatches`
      + `${report.check.first ? `, first ${outputExcerpt(report.check.first)}` : ''}; this is a bug in the RTL or the program generator, `
      + 'not in the design; report it with the layer and mapping', wallMs, report);
  }
  return { ok: true, report, wallMs };
}
