import {
  type DesignPoint, type EvaluationResult, type Evaluator, type EvaluatorCapabilities, type Workload,
  hardwareViolations, hashDesignPoint, mappingViolations, milliseconds,
} from '@polaris/core';
import { Observable } from 'rxjs';
import { rooflineNetwork } from './roofline-model.js';
import { DEFAULT_ROOFLINE_OPTIONS, type RooflineOptions, rooflineVersion } from './roofline-options.js';

/** Evaluator id, the name a config's `fidelity:` uses. */
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
    const started = performance.now();
    const pointHash = hashDesignPoint(point);
    const problems = violations(point, workload);
    if (problems.length > 0) {
      return { ok: false, pointHash, recoverable: false, error: `invalid design point (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}` };
    }
    try {
      const by = { id: this.id, version: this.version };
      const evaluation = rooflineNetwork(workload, point.mappings, this.options, by);
      return { ok: true, pointHash, evaluation: { ...evaluation, cost: milliseconds(performance.now() - started) } };
    } catch (error) {
      // Results are values: an unexpected failure must not end the stream for the other points.
      return { ok: false, pointHash, recoverable: false, error: `roofline model failed: ${(error as Error).message}` };
    }
  }
}

/** Every reason `point` cannot be scored on `workload`, each naming where it is; empty when valid. */
function violations(point: DesignPoint, workload: Workload): string[] {
  const hardware = hardwareViolations(point.hardware).map((message) => `hardware: ${message}`);
  if (hardware.length > 0) return hardware; // mapping checks need a sane PE array and buffers
  if (point.mappings.length !== workload.layers.length) {
    return [`the point has ${point.mappings.length} mappings but workload "${workload.name}" has ${workload.layers.length} unique layers; give one mapping per layer, in workload order`];
  }
  return workload.layers.flatMap(({ name, layer }, i) =>
    mappingViolations(layer, point.hardware, point.mappings[i]).map((v) => `layer ${i + 1} "${name}" [${v.code}]: ${v.message}`));
}
