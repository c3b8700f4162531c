import {
  type DesignPoint, type EvaluationResult, type Evaluator, type EvaluatorCapabilities, type Workload, evaluateInProcess,
} from '@polaris/core';
import type { Observable } from 'rxjs';
import type { AnalyticalOptions } from '../model/analytical-options.js';
import { analyticalModelVersion, analyzeNetwork } from '../model/analyze-network.js';

/**
 * The analytical fidelity as an {@link Evaluator}: Timeloop-exact access counting, per-action
 * energy and roofline latency for every layer of the workload. Microseconds per layer, so it
 * runs in-process; invalid points (hardware outside the template, mappings that break the
 * factorisation or a buffer's capacity) become non-recoverable failed results naming every
 * violation.
 */
export class AnalyticalEvaluator implements Evaluator {
  readonly id = 'analytical';
  readonly fidelity = 'analytical' as const;
  readonly version: string;
  readonly capabilities: EvaluatorCapabilities = { accessCounts: true, uncertainty: false, maxConcurrency: 1 };

  constructor(private readonly options: AnalyticalOptions = {}) {
    this.version = analyticalModelVersion(options);
  }

  /** Scores `points` in-process on subscription, one result per point; stops early when unsubscribed. */
  evaluate(points: readonly DesignPoint[], workload: Workload): Observable<EvaluationResult> {
    return evaluateInProcess(points, workload, 'analytical model',
      (point) => analyzeNetwork(workload, point.hardware, point.mappings, this.options));
  }
}
