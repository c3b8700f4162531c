import { describe, expect, it } from 'vitest';
import { type Optimizer, proposalPoint, type Trial } from '../contracts/optimizer.js';
import { canonicalDesignPoint, type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import type { EvaluationResult } from '../domain/evaluation.js';
import { hardwareViolations } from '../domain/hardware.js';
import { DIMS } from '../domain/layer.js';
import { TEMPLATE_SPATIAL, totalFactor } from '../domain/mapping.js';
import type { Workload } from '../domain/workload.js';
import { macsPerPeEvaluation } from './macs-per-pe-evaluation.js';

/** What the optimizer contract suite runs an optimizer on. */
export interface OptimizerContractFixture {
  readonly workload: Workload;
  /**
   * Reasons a point is outside the optimizer's space (empty when valid). Default
   * {@link templatePointProblems}: hardware in the template's ranges, one mapping per layer whose
   * factors multiply to the layer's dimensions, spatial loops only where the template allows.
   */
  readonly pointProblems?: (point: DesignPoint, workload: Workload) => string[];
  /** Scores a point for `tell`; default a toy MACs/peDim² model, failing every third point. */
  readonly evaluate?: (point: DesignPoint, index: number, workload: Workload) => EvaluationResult;
  /**
   * Whether a fresh optimizer told the same trials must ask the same next points (no hidden
   * history; what makes resume exact). Default true.
   */
  readonly resumable?: boolean;
  /** Points per ask in the tests (default 4). */
  readonly batch?: number;
  /**
   * Whether every ask returns at once, without yielding, reporting progress or watching its signal
   * (test doubles that compute nothing): skips the case that aborts an ask midway. Default false —
   * an ask that computes for more than a few milliseconds must yield (see {@link Optimizer.ask}).
   */
  readonly quickAsk?: boolean;
}

/** Why a point is not a valid Gemmini design point for `workload` (empty when valid). */
export function templatePointProblems(point: DesignPoint, workload: Workload): string[] {
  const problems = hardwareViolations(point.hardware);
  if (point.mappings.length !== workload.layers.length) {
    problems.push(`${point.mappings.length} mappings for ${workload.layers.length} layers`);
    return problems;
  }
  point.mappings.forEach((mapping, i) => {
    const layer = workload.layers[i].layer;
    for (const dim of DIMS) {
      const product = totalFactor(mapping, dim);
      if (product !== layer[dim]) problems.push(`layer ${i}: factors of ${dim} multiply to ${product}, not ${layer[dim]}`);
    }
    mapping.levels.forEach((level, l) => {
      for (const loop of level.loops) {
        if (!loop.spatial) continue;
        if (TEMPLATE_SPATIAL[l] !== loop.dim) problems.push(`layer ${i}: spatial ${loop.dim} at L${l} not allowed`);
        if (loop.factor > point.hardware.peDim) problems.push(`layer ${i}: spatial ${loop.dim}${loop.factor} exceeds peDim ${point.hardware.peDim}`);
      }
    });
  });
  return problems;
}

const toyScore = (point: DesignPoint, index: number, workload: Workload): EvaluationResult => {
  const pointHash = hashDesignPoint(point);
  if (index % 3 === 2) return { ok: false, pointHash, error: 'contract test: simulated failure', recoverable: index % 2 === 0 };
  return { ok: true, pointHash, evaluation: macsPerPeEvaluation(point, workload, { id: 'contract-toy', version: '1', fidelity: 'analytical' }) };
};

/** The points of an ask (fidelity requests unwrapped). */
const askPoints = async (optimizer: Optimizer, n: number): Promise<DesignPoint[]> => (await optimizer.ask(n)).map(proposalPoint);

/**
 * The contract every {@link Optimizer} plugin must pass. `makeOptimizer(seed, workload)` must
 * return a fresh optimizer each call.
 *
 * ```ts
 * describeOptimizerContract('random', (seed, workload) => new RandomOptimizer(seed, workload), () => ({ workload }));
 * ```
 */
export function describeOptimizerContract(
  name: string,
  makeOptimizer: (seed: number, workload: Workload) => Optimizer | Promise<Optimizer>,
  makeFixture: () => OptimizerContractFixture | Promise<OptimizerContractFixture>,
): void {
  const setup = async (seed = 7) => {
    const fixture = await makeFixture();
    return { fixture, optimizer: await makeOptimizer(seed, fixture.workload), batch: fixture.batch ?? 4 };
  };
  const problemsOf = (fixture: OptimizerContractFixture, points: readonly DesignPoint[]) =>
    points.flatMap((p, i) => (fixture.pointProblems ?? templatePointProblems)(p, fixture.workload).map((m) => `point ${i}: ${m}`));
  const trialsFor = (fixture: OptimizerContractFixture, points: readonly DesignPoint[], offset: number): Trial[] =>
    points.map((point, i) => ({ point, result: (fixture.evaluate ?? toyScore)(point, offset + i, fixture.workload) }));
  /** Runs `rounds` of ask(batch)+tell and returns the canonical text of every asked point. */
  const drive = async (optimizer: Optimizer, fixture: OptimizerContractFixture, batch: number, rounds: number) => {
    const asked: DesignPoint[] = [];
    for (let round = 0; round < rounds; round++) {
      const points = await askPoints(optimizer, batch);
      optimizer.tell(trialsFor(fixture, points, asked.length));
      asked.push(...points);
    }
    return asked;
  };

  describe(`Optimizer contract: ${name}`, () => {
    it('has an id', async () => {
      const { optimizer } = await setup();
      expect(optimizer.id).toMatch(/\S/);
    });

    it('ask(n) returns at most n valid points', async () => {
      const { optimizer, fixture, batch } = await setup();
      for (const n of [1, batch]) {
        const points = await askPoints(optimizer, n);
        expect(points.length).toBeLessThanOrEqual(n);
        expect(problemsOf(fixture, points)).toEqual([]);
        optimizer.tell(trialsFor(fixture, points, 0));
      }
      expect(await askPoints(optimizer, 0)).toEqual([]);
    });

    it('asks the same points for the same seed', async () => {
      const a = await setup(11);
      const b = await setup(11);
      const first = (await drive(a.optimizer, a.fixture, a.batch, 3)).map(canonicalDesignPoint);
      const second = (await drive(b.optimizer, b.fixture, b.batch, 3)).map(canonicalDesignPoint);
      expect(second).toEqual(first);
      expect(first.length).toBeGreaterThan(0);
    });

    it('accepts told failures and keeps asking valid points', async () => {
      const { optimizer, fixture, batch } = await setup();
      const points = await askPoints(optimizer, batch);
      const failures: Trial[] = points.map((point) => ({
        point, result: { ok: false, pointHash: hashDesignPoint(point), error: 'simulated crash', recoverable: false },
      }));
      expect(() => optimizer.tell(failures)).not.toThrow();
      const more = await drive(optimizer, fixture, batch, 3);
      expect(problemsOf(fixture, more)).toEqual([]);
    });

    it('ask yields to the event loop, reports each point and rejects with the signal\'s reason when aborted', async (context) => {
      const { optimizer, fixture, batch } = await setup();
      if (fixture.quickAsk) context.skip();
      await drive(optimizer, fixture, batch, 1); // past a first phase (random points before breeding or a model) where there is one
      const controller = new AbortController();
      const reason = new Error('stopped by the contract test');
      const proposed: number[] = [];
      let turns = 0;
      let ticker = setImmediate(function tick() {
        turns += 1;
        ticker = setImmediate(tick);
      });
      try {
        const asked = optimizer.ask(Math.max(3, 3 * batch), {
          signal: controller.signal,
          onProposed: (k) => {
            proposed.push(k);
            if (k === 2) controller.abort(reason);
          },
        });
        await expect(Promise.resolve(asked)).rejects.toBe(reason);
      } finally {
        clearImmediate(ticker);
      }
      expect(proposed).toEqual([1, 2]);
      expect(turns).toBeGreaterThan(0); // the event loop ran while the ask computed
    });

    it('returns at most askLimit(asked) points, the limit a fresh optimizer gives (when it has one)', async (context) => {
      const { optimizer, fixture, batch } = await setup();
      if (!optimizer.askLimit) context.skip();
      const fresh = (await setup()).optimizer;
      let asked = 0;
      for (let round = 0; round < 4; round++) {
        const limit = optimizer.askLimit!(asked);
        expect(limit, `after ${asked} trials`).toBeGreaterThanOrEqual(1);
        expect(fresh.askLimit?.(asked), `a fresh optimizer, after ${asked} trials`).toBe(limit);
        const points = await askPoints(optimizer, batch);
        expect(points.length, `after ${asked} trials`).toBeLessThanOrEqual(limit);
        optimizer.tell(trialsFor(fixture, points, asked));
        asked += points.length;
      }
    });

    it('resumes exactly when a fresh optimizer is told the same trials', async (context) => {
      const fixture = await makeFixture();
      if (fixture.resumable === false) context.skip();
      const batch = fixture.batch ?? 4;
      const original = await makeOptimizer(5, fixture.workload);
      const history = await drive(original, fixture, batch, 2);
      const next = (await askPoints(original, batch)).map(canonicalDesignPoint);
      const resumed = await makeOptimizer(5, fixture.workload);
      resumed.tell(trialsFor(fixture, history, 0));
      expect((await askPoints(resumed, batch)).map(canonicalDesignPoint)).toEqual(next);
    });
  });
}
