import { concatMap, from, Observable, timer, map, of } from 'rxjs';
import type { Evaluator } from '../contracts/evaluator.js';
import type { Optimizer, Trial } from '../contracts/optimizer.js';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import type { EvaluationResult, Fidelity } from '../domain/evaluation.js';
import { Random } from '../domain/random.js';
import type { Workload } from '../domain/workload.js';
import { macsPerPeEvaluation } from '../testing/macs-per-pe-evaluation.js';
import { flatDesignPoint, tinyWorkload } from '../testing/tiny-workload.js';
import { runSearch } from './run-search.js';
import type { SearchEvent, SearchOptions } from './search-event.js';

// Test doubles of the search specs: a history-sensitive optimizer and a toy evaluator (core
// cannot import the real fidelities). Not a spec file itself.

export const workload = tinyWorkload();

/**
 * A seeded optimizer whose proposals depend on what it was told, in order (a running digest
 * of told hashes and outcomes): a wrong tell order would change its later asks. Every fourth
 * proposal repeats the best point told so far, to exercise caching within a run.
 */
export class DigestOptimizer implements Optimizer {
  readonly id = 'digest';
  readonly told: string[] = [];
  asks = 0;
  private digest = 0;
  private pending = 0;
  private best?: { point: DesignPoint; edp: number };

  constructor(private readonly seed: number, private readonly w: Workload = workload) {}

  ask(n: number): DesignPoint[] {
    this.asks += 1;
    const points: DesignPoint[] = [];
    for (let k = 0; k < n; k++) {
      const i = this.told.length + this.pending + k;
      if (this.best && i % 4 === 3) { points.push(this.best.point); continue; }
      const random = new Random(this.seed).fork(i).fork(this.digest);
      points.push(flatDesignPoint({ peDim: 2 ** random.int(1, 7), spKB: 2 ** random.int(0, 11), accKB: 2 ** random.int(0, 11) }, this.w));
    }
    this.pending += points.length;
    return points;
  }

  tell(trials: readonly Trial[]): void {
    for (const { point, result } of trials) {
      this.told.push(result.pointHash);
      this.digest = (Math.imul(this.digest ^ parseInt(result.pointHash.slice(0, 8), 16), 0x01000193) + (result.ok ? 1 : 7)) >>> 0;
      if (result.ok && (!this.best || result.evaluation.edp < this.best.edp)) this.best = { point, edp: result.evaluation.edp };
    }
    this.pending = Math.max(0, this.pending - trials.length);
  }
}

/** A history-sensitive stage that also records the n of every ask. */
export class RecordingStage extends DigestOptimizer {
  readonly asked: number[] = [];
  override ask(n: number): DesignPoint[] {
    this.asked.push(n);
    return super.ask(n);
  }
}

/**
 * A recording stage with `limit` proposals in all, counted from trial 0 (as `gradient` with
 * `starts:`): asked past them it proposes fewer, then none, however much it is told.
 */
export class FiniteStage extends DigestOptimizer {
  /** The n of every ask, as requested. */
  readonly asked: number[] = [];
  private inFlight = 0;
  constructor(seed: number, private readonly limit: number) {
    super(seed);
  }
  override ask(n: number): DesignPoint[] {
    this.asked.push(n);
    const points = super.ask(Math.max(0, Math.min(n, this.limit - this.told.length - this.inFlight)));
    this.inFlight += points.length;
    return points;
  }
  override tell(trials: readonly Trial[]): void {
    super.tell(trials);
    this.inFlight = Math.max(0, this.inFlight - trials.length);
  }
}

/**
 * A real toy evaluator (MACs/peDim² cycles) whose per-point delay comes from `delayOf`, so
 * completion order can differ from ask order. peDim 2 fails (recoverable). Counts computations,
 * subscriptions in flight and cancellations.
 */
export class ToyEvaluator implements Evaluator {
  readonly id = 'toy';
  readonly version = '1';
  readonly fidelity: Fidelity;
  readonly capabilities = { accessCounts: false, uncertainty: false, maxConcurrency: 4 };
  computed = 0;
  /** Hashes in the order they were computed. */
  readonly order: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  cancelled = 0;

  constructor(private readonly delayOf: (point: DesignPoint) => number = () => 0, fidelity: Fidelity = 'analytical') {
    this.fidelity = fidelity;
  }

  evaluate(points: readonly DesignPoint[], w: Workload): Observable<EvaluationResult> {
    return new Observable<EvaluationResult>((subscriber) => {
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      let finished = false;
      const inner = from(points).pipe(
        concatMap((point) => {
          const delay = this.delayOf(point);
          return delay > 0 ? timer(delay).pipe(map(() => this.score(point, w))) : of(this.score(point, w));
        }),
      ).subscribe({ next: (r) => subscriber.next(r), complete: () => { finished = true; subscriber.complete(); } });
      return () => {
        this.inFlight -= 1;
        if (!finished) this.cancelled += 1;
        inner.unsubscribe();
      };
    });
  }

  private score(point: DesignPoint, w: Workload): EvaluationResult {
    this.computed += 1;
    this.order.push(hashDesignPoint(point));
    return point.hardware.peDim === 2 ? this.scoreFailing(point, w) : this.succeed(point, w);
  }

  /** The result for a peDim-2 point: a recoverable failure here; subclasses vary it. */
  protected scoreFailing(point: DesignPoint, _w: Workload): EvaluationResult {
    return { ok: false, pointHash: hashDesignPoint(point), error: 'peDim 2 is too small for the toy', recoverable: true };
  }

  protected succeed(point: DesignPoint, w: Workload): EvaluationResult {
    return { ok: true, pointHash: hashDesignPoint(point), evaluation: macsPerPeEvaluation(point, w, this) };
  }
}

export const hashDelay = (scale: number) => (point: DesignPoint) => (parseInt(hashDesignPoint(point).slice(0, 4), 16) % 7) * scale;

export function options(overrides: Partial<SearchOptions> & Pick<SearchOptions, 'store'>): SearchOptions {
  return {
    optimizer: new DigestOptimizer(42),
    evaluator: new ToyEvaluator(),
    workload,
    runId: 'run-1',
    budget: { trials: 10, batch: 4 },
    ...overrides,
  };
}

export async function collect(opts: SearchOptions): Promise<SearchEvent[]> {
  const run = runSearch(opts);
  const events: SearchEvent[] = [];
  run.events$.subscribe((e) => events.push(e));
  await run.done;
  return events;
}

export const trialHashes = (events: SearchEvent[]) => events.flatMap((e) => (e.type === 'trial' ? [e.pointHash] : []));

