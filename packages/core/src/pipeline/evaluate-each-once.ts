import { catchError, concatWith, defer, EMPTY, from, mergeMap, type Observable, tap } from 'rxjs';
import type { Evaluator } from '../contracts/evaluator.js';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import type { EvaluationResult } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';

/**
 * Evaluates `points` with one `evaluate` call, yielding exactly one result per point: only the
 * first result per expected point hash is kept, and a stream error or a missing result becomes
 * a failed (non-recoverable) result naming the cause, so one bad evaluation never ends a run.
 */
export function evaluateEachOnce(evaluator: Evaluator, points: readonly DesignPoint[], workload: Workload): Observable<EvaluationResult> {
  return defer(() => {
    const expected = new Set(points.map(hashDesignPoint));
    const seen = new Set<string>();
    const strangers: string[] = [];
    let streamError: string | undefined;
    return evaluator.evaluate(points, workload).pipe(
      tap((result) => { if (!expected.has(result.pointHash)) strangers.push(result.pointHash); }),
      mergeMap((result) => (expected.has(result.pointHash) && !seen.has(result.pointHash) ? (seen.add(result.pointHash), [result]) : [])),
      catchError((error: unknown) => {
        streamError = `evaluator "${evaluator.id}" failed: ${error instanceof Error ? error.message : String(error)}`;
        return EMPTY;
      }),
      concatWith(defer(() => from([...expected].filter((h) => !seen.has(h)).map((pointHash): EvaluationResult => ({
        ok: false,
        pointHash,
        error: streamError ?? (strangers.length > 0
          ? `evaluator "${evaluator.id}" emitted no result for this point but results for unknown hashes (${strangers.slice(0, 3).join(', ')}); pointHash must be hashDesignPoint(point)`
          : `evaluator "${evaluator.id}" completed without a result for this point`),
        recoverable: false,
      }))))),
    );
  });
}
