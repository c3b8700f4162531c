import type { Observable } from 'rxjs';
import type { DesignPoint } from '../domain/design-point.js';
import type { EvaluationResult, Fidelity } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';

/** What an evaluator can do, so a pipeline can plan around it. */
export interface EvaluatorCapabilities {
  /** Reports per-level access counts. */
  readonly accessCounts: boolean;
  /** Reports a standard deviation (surrogates). */
  readonly uncertainty: boolean;
  /** Concurrent evaluations it handles well (e.g. cores for a simulator pool). */
  readonly maxConcurrency: number;
  /**
   * The buffer organisation a mapping must fit to be evaluated: `words` (Timeloop's word count,
   * the default) or `rows` (the template's row-organised scratchpad and accumulator, as real
   * RTL lays them out; see `rowCapacityViolations`). Hosts ask the mapper for mappings that fit.
   */
  readonly bufferLayout?: 'words' | 'rows';
}

/**
 * Scores design points on a workload at one fidelity.
 *
 * Lifecycle: `evaluate` is cold; subscribing starts the work, unsubscribing cancels it
 * (and kills any child process). Every point yields exactly one {@link EvaluationResult};
 * failures are values (`ok: false`), never stream errors.
 */
export interface Evaluator {
  readonly id: string;
  /** Bumped whenever results would change; part of the store key. */
  readonly version: string;
  readonly fidelity: Fidelity;
  readonly capabilities: EvaluatorCapabilities;
  evaluate(points: readonly DesignPoint[], workload: Workload): Observable<EvaluationResult>;
}
/** DI token for {@link Evaluator}; bound once per plugin, named by the plugin id. */
export const Evaluator = Symbol.for('polaris.Evaluator');
