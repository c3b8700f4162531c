import { EXIT } from '../commands/exit-codes.js';

/** The signals a run stops on, with the exit code each gives (128 + signal number). */
const STOP_SIGNALS = { SIGINT: EXIT.sigint, SIGTERM: EXIT.sigterm } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/** What {@link stopOnSignals} does on the first and on a second signal. */
export interface SignalActions {
  /** First signal: stop asking, cancel evaluations in flight, let the run finish its bookkeeping. */
  readonly stop: (signal: StopSignal) => void;
  /**
   * Second signal: called just before the process exits at once — close what must be closed
   * (everything stored is already durable: every store write is its own transaction).
   */
  readonly beforeExit: () => void;
  readonly log: (line: string) => void;
}

/** Signal handlers of a running command; {@link SignalGuard.dispose} removes them. */
export interface SignalGuard {
  /** The first signal received, if any. */
  readonly received: () => StopSignal | undefined;
  /** The exit code for the signal received (130 for SIGINT, 143 for SIGTERM), if any. */
  readonly exitCode: () => number | undefined;
  dispose(): void;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM for a long command: the first asks it to stop cleanly, a second
 * exits at once with the first signal's code. Handlers run only while the event loop is free,
 * which is why long work must yield (see `AskContext`).
 */
export function stopOnSignals(actions: SignalActions): SignalGuard {
  let first: StopSignal | undefined;
  const handlers = new Map<StopSignal, () => void>();
  for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) {
    const handler = () => {
      if (first === undefined) {
        first = signal;
        actions.log(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping — no new trials, evaluations in flight cancelled, `
          + 'everything finished is stored; press Ctrl-C again to exit at once');
        actions.stop(signal);
        return;
      }
      actions.log(`${signal === 'SIGINT' ? 'Ctrl-C' : signal} again: exiting now; every stored trial is kept — rerun the same command to resume`);
      try {
        actions.beforeExit();
      } finally {
        process.exit(STOP_SIGNALS[first]);
      }
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return {
    received: () => first,
    exitCode: () => (first ? STOP_SIGNALS[first] : undefined),
    dispose: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
