import { type EvaluateFlags, evaluateCommand } from './evaluate-command.js';
import { UsageError } from './usage-error.js';

/** Flags of `polaris predict`. */
export interface PredictFlags {
  readonly model: string;
  readonly workload: string;
  readonly hw: string;
  readonly mapping?: string;
  readonly energy: string;
  readonly seed: number;
  readonly json?: boolean;
  readonly plugin?: readonly string[];
}

/**
 * `polaris predict`: `polaris evaluate --fidelity analytical,starlight --model <dir>` with a
 * side-by-side table — per layer Starlight's cycles and energy with their ×/÷ e^σ beside the
 * analytical answer, and the network EDP with its σ.
 */
export async function predictCommand(flags: PredictFlags): Promise<number> {
  if (!flags.model) throw new UsageError('--model <dir>: give a model directory written by `polaris train`');
  const evaluateFlags: EvaluateFlags = { ...flags, fidelity: 'analytical,starlight', sideBySide: true };
  return evaluateCommand(evaluateFlags);
}
