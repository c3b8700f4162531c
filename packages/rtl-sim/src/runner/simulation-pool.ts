import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { Observable } from 'rxjs';
import { classifyHarnessExit } from './harness-exit.js';
import { type SimulationOutcome, simulationFailure } from './harness-report.js';

/** One harness process to run. */
export interface SimulationJob {
  /** The simulator executable (`<build>/Vaccel`). */
  readonly binary: string;
  readonly args: readonly string[];
  /** Working directory (the run's temp dir); default the current one. */
  readonly cwd?: string;
  /** Wall-clock limit in ms; on expiry the process is killed and the run fails with `timeout`. */
  readonly timeoutMs: number;
  /** Called with the child's pid once it has been spawned (diagnostics, tests). */
  readonly onStart?: (pid: number) => void;
}

export interface SimulationPoolOptions {
  /** Processes run at once; default `os.availableParallelism()` (one simulator per core). */
  readonly concurrency?: number;
  /** Called with each child's pid once spawned, after the job's own `onStart` (diagnostics, tests). */
  readonly onSpawn?: (pid: number, job: SimulationJob) => void;
}

/**
 * Bytes of stdout and of stderr kept per run (the harness prints one JSON line of about 1 KB);
 * a process printing more is stopped and fails with `bad-output`.
 */
export const CAPTURE_LIMIT_BYTES = 1 << 20;
/**
 * After the process exits, how long its output pipes may stay open (held by a child it left
 * behind) before they are closed, so a forking wrapper cannot hold a pool slot past its exit (ms).
 */
export const PIPE_GRACE_MS = 500;

interface Pending {
  readonly start: () => void;
}

/**
 * Runs harness processes, at most `concurrency` at a time, each as a cold Observable of one
 * {@link SimulationOutcome}.
 *
 * Lifecycle of a run: subscribing queues it; it starts when a slot is free (FIFO); it emits one
 * outcome and completes. Unsubscribing before the start drops it from the queue; after the start
 * it kills the process (SIGKILL through execa's cancel signal) — the slot is released only when
 * the process has actually exited, so killed simulators never oversubscribe the cores.
 * (A process it started itself is not killed; its pipes are closed {@link PIPE_GRACE_MS} after
 * the simulator exits, so the run still ends.)
 * Nothing a simulator does is thrown: a crash, a hang caught by the timeout, a cycle cap, garbage
 * output or a rejected program each become a failed outcome with `recoverable` set and a
 * one-line message naming cause and fix (harness-exit.ts), and other runs go on.
 */
export class SimulationPool {
  readonly concurrency: number;
  private running = 0;
  private readonly queue: Pending[] = [];
  private readonly onSpawn?: (pid: number, job: SimulationJob) => void;

  constructor(options: SimulationPoolOptions = {}) {
    const concurrency = options.concurrency ?? availableParallelism();
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`pool concurrency must be an integer ≥ 1, got ${concurrency}`);
    this.concurrency = concurrency;
    this.onSpawn = options.onSpawn;
  }

  /** Processes running now. */
  get active(): number {
    return this.running;
  }

  /** Runs waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** A cold Observable that runs `job` in the pool and emits its outcome (see class doc). */
  run(job: SimulationJob): Observable<SimulationOutcome> {
    return new Observable<SimulationOutcome>((subscriber) => {
      const controller = new AbortController();
      let started = false;
      const pending: Pending = {
        start: () => {
          started = true;
          this.running++;
          void this.execute(job, controller.signal).then((outcome) => {
            this.running--;
            this.next();
            if (!subscriber.closed) {
              subscriber.next(outcome);
              subscriber.complete();
            }
          });
        },
      };
      this.queue.push(pending);
      this.next();
      return () => {
        if (!started) {
          const index = this.queue.indexOf(pending);
          if (index >= 0) this.queue.splice(index, 1);
        } else {
          controller.abort();
        }
      };
    });
  }

  private next(): void {
    while (this.running < this.concurrency && this.queue.length > 0) this.queue.shift()?.start();
  }

  private async execute(job: SimulationJob, signal: AbortSignal): Promise<SimulationOutcome> {
    const began = performance.now();
    const context = { binary: job.binary, timeoutMs: job.timeoutMs, captureLimitBytes: CAPTURE_LIMIT_BYTES };
    try {
      const child = execa(job.binary, [...job.args], {
        cwd: job.cwd,
        timeout: job.timeoutMs,
        cancelSignal: signal,
        killSignal: 'SIGKILL',
        reject: false,
        stdin: 'ignore',
        encoding: 'buffer',
        maxBuffer: CAPTURE_LIMIT_BYTES,
      });
      if (child.pid !== undefined) {
        job.onStart?.(child.pid);
        this.onSpawn?.(child.pid, job);
      }
      child.once('exit', () => {
        setTimeout(() => { child.stdout?.destroy(); child.stderr?.destroy(); }, PIPE_GRACE_MS).unref();
      });
      const result = await child;
      const wallMs = performance.now() - began;
      if (result.isCanceled) return simulationFailure('crash', 'simulation cancelled (unsubscribed); the process was killed', wallMs);
      if (result.exitCode === undefined && result.signal === undefined && !result.timedOut) {
        return spawnFailure(job.binary, result.code, result.shortMessage ?? result.message ?? 'no detail', wallMs);
      }
      const stdout = result.stdout instanceof Uint8Array ? result.stdout : new Uint8Array();
      const stderr = result.stderr instanceof Uint8Array ? result.stderr : new Uint8Array();
      const overflow = !result.isMaxBuffer ? undefined : stdout.length >= CAPTURE_LIMIT_BYTES ? 'stdout' : 'stderr';
      return classifyHarnessExit({ exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, overflow, stdout, stderr, wallMs }, context);
    } catch (error) {
      return spawnFailure(job.binary, (error as NodeJS.ErrnoException).code, (error as Error).message, performance.now() - began);
    }
  }
}

/** A run that never started: names the OS error and what to do about it. */
function spawnFailure(binary: string, code: string | undefined, message: string, wallMs: number): SimulationOutcome {
  const rebuild = `remove ${dirname(binary)} so the simulator is rebuilt`;
  const cause = code === 'ENOENT' ? `it does not exist: ${rebuild}, then rerun`
    : code === 'EACCES' ? `it is not executable: ${rebuild}, then rerun`
      : code === 'ENOEXEC' ? `it is not an executable file (truncated or replaced?): ${rebuild}, then rerun`
        : code === 'EAGAIN' || code === 'ENOMEM' ? 'the system is out of processes or memory: run fewer simulators at once, then rerun'
          : `${message.split('\n')[0]}: rerun; if it recurs, ${rebuild}`;
  return simulationFailure('spawn', `cannot start the simulator ${binary} (${code ?? 'error'}): ${cause}`, wallMs);
}

let shared: SimulationPool | undefined;

/**
 * The process-wide pool (one simulator per core), shared by every {@link RtlEvaluator} that is
 * not given its own, so several evaluators never oversubscribe the machine.
 */
export function sharedSimulationPool(): SimulationPool {
  shared ??= new SimulationPool();
  return shared;
}
