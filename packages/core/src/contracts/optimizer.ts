import type { DesignPoint } from '../domain/design-point.js';
import type { EvaluationResult } from '../domain/evaluation.js';

/** A told result: the point that was asked and what came back. */
export interface Trial {
  readonly point: DesignPoint;
  readonly result: EvaluationResult;
}

/**
 * Ask/tell optimizer. It keeps no hidden history beyond what it was told, so a run can be
 * resumed by telling it the stored trials again, and optimizers can be swapped mid-study.
 * All randomness comes from the seed it was constructed with.
 */
export interface Optimizer {
  readonly id: string;
  /** Proposes up to `n` new points (fewer when the space is exhausted). */
  ask(n: number): Promise<DesignPoint[]> | DesignPoint[];
  /** Reports results of earlier asks (or stored trials, on resume). */
  tell(trials: readonly Trial[]): void;
}
/** DI token for {@link Optimizer}. */
export const Optimizer = Symbol.for('polaris.Optimizer');
