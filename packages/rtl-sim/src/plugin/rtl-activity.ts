/**
 * What the rtl evaluator is doing, for progress displays: the events it reports
 * ({@link RtlActivity}) and {@link RtlActivityTracker}, which folds them into one line saying
 * what it waits on — building the simulator for DIM n, simulating layer k of n, waiting for a
 * pool slot — and for how long. Pure: times are passed in (ms, `performance.now()` scale).
 */

/** Where a layer run is: queued for a pool slot, or running in a simulator process. */
export type LayerRunState = 'queued' | 'running';

/** One thing the evaluator started, finished or wants the user to know. `at` is `performance.now()`. */
export type RtlActivity =
  /** A point starts waiting for the simulator for `dim` (found in the cache at once, or built). */
  | { readonly type: 'build-wait'; readonly dim: number; readonly at: number }
  /** No valid simulator for `dim` is cached: it is being built into `dir`. */
  | { readonly type: 'build-start'; readonly dim: number; readonly dir: string; readonly at: number }
  /** One point's wait for the simulator for `dim` ended: it is ready (`ok`), its build failed, or the point was cancelled. */
  | { readonly type: 'build-end'; readonly dim: number; readonly ok?: boolean; readonly at: number }
  /** A one-line notice (e.g. a cached binary failed its digest check and is rebuilt). */
  | { readonly type: 'notice'; readonly message: string; readonly at: number }
  /** Layer `index` (0-based) of `layers` of point `point` (its hash) was queued for, or started in, a simulator. */
  | {
    readonly type: 'layer'; readonly state: LayerRunState; readonly point: string; readonly index: number;
    readonly layers: number; readonly name: string; readonly at: number; readonly pid?: number;
  }
  /** That layer's run ended: `ok`, failed, or cancelled (unsubscribed; `ok` undefined). */
  | { readonly type: 'layer-end'; readonly point: string; readonly index: number; readonly ok?: boolean; readonly at: number };

/** Points kept after their last layer ended (a point between layers must keep its count). */
const MAX_IDLE_POINTS = 64;

interface LayerState {
  readonly state: LayerRunState;
  readonly index: number;
  readonly layers: number;
  readonly name: string;
  readonly since: number;
}

/** `12 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * Folds {@link RtlActivity} into the evaluator's current state and describes it in one line.
 * Lifecycle: a DIM's entry lives from the first `build-wait` until as many `build-end`s; a
 * layer's from its first `layer` event to its `layer-end`; `done` and `failed` count ended layers
 * since construction.
 */
export class RtlActivityTracker {
  /** Per DIM: points waiting for its simulator, whether it is being built (and where), since when. */
  private readonly builds = new Map<number, { waiters: number; building: boolean; since: number; dir?: string }>();
  private readonly layers = new Map<string, LayerState>();
  /** Per point seen: its layer count, layers simulated successfully so far and layers queued or running (idle ones pruned past {@link MAX_IDLE_POINTS}). */
  private readonly points = new Map<string, { layers: number; done: number; active: number }>();
  private done = 0;
  private failed = 0;

  /** @param timeoutSeconds the per-layer limit, named in descriptions of running layers. */
  constructor(private readonly timeoutSeconds: number) {}

  /** Applies one event. */
  apply(event: RtlActivity): void {
    switch (event.type) {
      case 'build-wait': {
        const build = this.builds.get(event.dim);
        if (build) build.waiters++;
        else this.builds.set(event.dim, { waiters: 1, building: false, since: event.at });
        break;
      }
      case 'build-start': {
        const build = this.builds.get(event.dim);
        this.builds.set(event.dim, { waiters: build?.waiters ?? 0, building: true, since: event.at, dir: event.dir });
        break;
      }
      case 'build-end': {
        const build = this.builds.get(event.dim);
        if (build && --build.waiters <= 0) this.builds.delete(event.dim);
        break;
      }
      case 'layer': {
        const key = `${event.point}:${event.index}`;
        const point = this.points.get(event.point) ?? { layers: event.layers, done: 0, active: 0 };
        if (!this.layers.has(key)) point.active++;
        this.points.set(event.point, point);
        this.layers.set(key, { state: event.state, index: event.index, layers: event.layers, name: event.name, since: event.at });
        break;
      }
      case 'layer-end': {
        if (!this.layers.delete(`${event.point}:${event.index}`)) break;
        if (event.ok === true) this.done++;
        else if (event.ok === false) this.failed++;
        const point = this.points.get(event.point);
        if (point) {
          if (event.ok === true) point.done++;
          point.active--;
        }
        if (this.points.size > MAX_IDLE_POINTS) for (const [hash, p] of this.points) if (p.active === 0) this.points.delete(hash);
        break;
      }
      case 'notice':
        break;
    }
  }

  /** Whether anything is building, queued or running. */
  get busy(): boolean {
    return this.builds.size > 0 || this.layers.size > 0;
  }

  /**
   * One line: what is running (the longest-running layer first, with its time against the
   * limit), what waits for a pool slot, what is building, and how many layers are done (of the
   * point's, when one point is in flight) — or undefined when idle. E.g. `simulating layer 3 of
   * 20 "res2a" for 12 s and 1 more layer (limit 600 s per layer, --timeout); 2 of 20 layers done`.
   */
  describe(now: number): string | undefined {
    if (!this.busy) return undefined;
    const parts: string[] = [];
    const running = [...this.layers.values()].filter((l) => l.state === 'running').sort((a, b) => a.since - b.since);
    const queued = [...this.layers.values()].filter((l) => l.state === 'queued');
    if (running.length > 0) {
      const [first] = running;
      const others = running.length > 1 ? ` and ${running.length - 1} more layer${running.length > 2 ? 's' : ''}` : '';
      parts.push(`simulating layer ${first.index + 1} of ${first.layers} "${first.name}" for ${formatDuration(now - first.since)}${others} `
        + `(limit ${this.timeoutSeconds} s per layer, --timeout)`);
    }
    if (queued.length > 0) {
      const what = queued.length === 1 ? `layer ${queued[0].index + 1} of ${queued[0].layers}` : `${queued.length} layers`;
      parts.push(`${what} waiting for a pool slot`);
    }
    for (const [dim, build] of [...this.builds.entries()].sort((a, b) => a[0] - b[0])) {
      parts.push(build.building
        ? `building the simulator for DIM ${dim} for ${formatDuration(now - build.since)} (once per array size; then cached in ${build.dir})`
        : `waiting for the simulator for DIM ${dim}`);
    }
    const [only, ...more] = [...this.points.values()].filter((p) => p.active > 0);
    if (only !== undefined && more.length === 0) parts.push(`${only.done} of ${only.layers} layers done`);
    else if (this.done + this.failed > 0) parts.push(`${this.done} layer${this.done === 1 ? '' : 's'} done${this.failed > 0 ? `, ${this.failed} failed` : ''}`);
    return parts.join('; ');
  }
}
