import {
  type DesignPoint, type EvaluationResult, type Evaluator, type EvaluatorCapabilities, type Workload,
  hardwareViolations, hashDesignPoint, mappingViolations,
} from '@polaris/core';
import { Observable } from 'rxjs';
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

  /** Scores `points` synchronously on subscription, one result per point; stops early when unsubscribed. */
  evaluate(points: readonly DesignPoint[], workload: Workload): Observable<EvaluationResult> {
    return new Observable<EvaluationResult>((subscriber) => {
      for (const point of points) {
        if (subscriber.closed) return;
        subscriber.next(this.evaluateOne(point, workload));
      }
      subscriber.complete();
    });
  }

  private evaluateOne(point: DesignPoint, workload: Workload): EvaluationResult {
    const pointHash = hashDesignPoint(point);
    const problems = this.problems(point, workload);
    if (problems.length > 0) return { ok: false, pointHash, error: problems.join('; '), recoverable: false };
    try {
      return { ok: true, pointHash, evaluation: analyzeNetwork(workload, point.hardware, point.mappings, this.options) };
    } catch (error) {
      return { ok: false, pointHash, error: (error as Error).message, recoverable: false };
    }
  }

  private problems(point: DesignPoint, workload: Workload): string[] {
    const problems = hardwareViolations(point.hardware).map((p) => `hardware: ${p}`);
    if (problems.length > 0) return problems;
    if (point.mappings.length !== workload.layers.length) {
      return [`the point has ${point.mappings.length} mappings but workload ${workload.name} has ${workload.layers.length} unique layers`];
    }
    workload.layers.forEach((entry, i) => {
      for (const violation of mappingViolations(entry.layer, point.hardware, point.mappings[i])) {
        problems.push(`layer ${i + 1} "${entry.name}": ${violation.message}`);
      }
    });
    return problems;
  }
}
