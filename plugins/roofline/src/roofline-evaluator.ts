import {
  type DesignPoint, type EvaluationResult, type Evaluator, type EvaluatorCapabilities, type Workload,
  evaluateInProcess, milliseconds,
} from '@polaris/core';
import type { Observable } from 'rxjs';
import { rooflineNetwork } from './roofline-model.js';
import { DEFAULT_ROOFLINE_OPTIONS, type RooflineOptions, rooflineVersion } from './roofline-options.js';

/** Evaluator id, the name a config's `evaluator:` uses. */
export const ROOFLINE_ID = 'roofline';

/**
 * The roofline model (see {@link rooflineLayer}) as an {@link Evaluator} of fidelity
 * `analytical`: an optimistic lower bound on cycles and energy, microseconds per point.
 *
 * Lifecycle: `evaluate` is cold — nothing runs until subscription; each subscription scores
 * the points in order, synchronously, one {@link EvaluationResult} per point, then completes.
 * Unsubscribing (e.g. `take(1)`, or the pipeline cancelling) stops before the next point.
 * Invalid points (hardware outside the template, a wrong number of mappings, mappings that
 * break the template) are not thrown: they come back as `{ ok: false, recoverable: false }`
 * with an error naming every violation, since evaluating them again cannot succeed.
 */
export class RooflineEvaluator implements Evaluator {
  readonly id = ROOFLINE_ID;
  readonly fidelity = 'analytical' as const;
  /** Changes with the model version and with every option (see {@link rooflineVersion}). */
  readonly version: string;
  /** Per-layer DRAM accesses are reported; in-process and synchronous, so concurrency 1. */
  readonly capabilities: EvaluatorCapabilities = { accessCounts: true, uncertainty: false, maxConcurrency: 1 };
  private readonly options: RooflineOptions;

  /** @param options validated options (defaults: 0.5608 pJ/MAC, 100 pJ/DRAM word, 8 words/cycle). */
  constructor(options: RooflineOptions = DEFAULT_ROOFLINE_OPTIONS) {
    this.options = { ...options };
    this.version = rooflineVersion(this.options);
  }

  /** Scores the points in-process on subscription (core's `evaluateInProcess`: invalid points and failures become values). */
  evaluate(points: readonly DesignPoint[], workload: Workload): Observable<EvaluationResult> {
    return evaluateInProcess(points, workload, 'roofline model', (point) => {
      const started = performance.now();
      const evaluation = rooflineNetwork(workload, point.mappings, this.options, { id: this.id, version: this.version });
      return { ...evaluation, cost: milliseconds(performance.now() - started) };
    });
  }
}
