import { CommanderError } from 'commander';
import {
  ConfigError, DosaCsvError, EnergyTableFileError, MappingSyntaxError, PluginManifestError, PluginNotFoundError,
  PluginOptionsError, SpaceError, UnknownPluginError, UnknownWorkloadError, WorkloadFileError,
} from '@polaris/core';
import { UsageError } from './usage-error.js';

/**
 * The exit codes of every `polaris` command:
 * - 0: done;
 * - 1: runtime failure — an evaluation failed (also a design or mapping the evaluator rejects:
 *   it is judged per evaluator), no trial succeeded, a plugin could not load or run here, a store
 *   or file could not be read or written;
 * - 2: usage error — a bad flag or argument, a bad run config, a bad input file (workload,
 *   mapping, CSV, energy table, model), a value outside what is allowed;
 * - 130 / 143: stopped by SIGINT (Ctrl-C) / SIGTERM.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/** The exit-code convention as `polaris --help` prints it. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    done
  1    runtime failure: an evaluation failed (also a design the evaluator rejects), no trial succeeded,
       a plugin could not load or run here, store or I/O error
  2    usage error: bad option or argument, bad run config, bad input file (workload, mapping, CSV, energy table, model)
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM — rerun the same command to resume`;

/** Core's errors that mean the user's input is wrong (the message says what is allowed). */
const USAGE_ERROR_CLASSES: readonly (abstract new (...args: never[]) => Error)[] = [
  UsageError, ConfigError, WorkloadFileError, UnknownWorkloadError, EnergyTableFileError, DosaCsvError, MappingSyntaxError,
  SpaceError, UnknownPluginError, PluginNotFoundError, PluginManifestError, PluginOptionsError,
];

/**
 * Names of usage errors thrown by plugin packages the CLI loads lazily (so it cannot import
 * their classes here): a missing or corrupt saved model (starlight's `ModelFileError` and
 * `StarlightModelNotFoundError`), a hardware space that no hardware of the workload fits.
 */
const USAGE_ERROR_NAMES: ReadonlySet<string> = new Set(['ModelFileError', 'StarlightModelNotFoundError', 'NoFeasibleHardwareError']);

/** The exit code for an error that ended a command: {@link EXIT}.usage for bad input, else failure. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (USAGE_ERROR_CLASSES.some((type) => error instanceof type)) return EXIT.usage;
  if (error instanceof Error && USAGE_ERROR_NAMES.has(error.name)) return EXIT.usage;
  return EXIT.failure;
}
