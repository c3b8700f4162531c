import { Observable } from 'rxjs';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import { designPointViolations } from '../domain/design-point-validity.js';
import type { Evaluation, EvaluationResult } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';

/**
 * The `evaluate` of an in-process evaluator (a model that scores a point in microseconds):
 * a cold Observable that, on subscription, scores the points one by one and stops as soon as
 * the subscriber unsubscribes. Invalid points (see {@link designPointViolations}) and errors
 * thrown by `score` become `{ok: false, recoverable: false}` results naming the problem, so the
 * stream never errors.
 *
 * @param label names the evaluator in error messages.
 */
export function evaluateInProcess(
  points: readonly DesignPoint[], workload: Workload, label: string,
  score: (point: DesignPoint, workload: Workload) => Evaluation,
): Observable<EvaluationResult> {
  return new Observable<EvaluationResult>((subscriber) => {
    for (const point of points) {
      if (subscriber.closed) return;
      const pointHash = hashDesignPoint(point);
      const problems = designPointViolations(point, workload);
      if (problems.length > 0) {
        subscriber.next({
          ok: false, pointHash, recoverable: false,
          error: `invalid design point (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`,
        });
        continue;
      }
      try {
        subscriber.next({ ok: true, pointHash, evaluation: score(point, workload) });
      } catch (error) {
        subscriber.next({ ok: false, pointHash, recoverable: false, error: `${label} failed: ${(error as Error).message}` });
      }
    }
    subscriber.complete();
  });
}
