import { firstValueFrom, type Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Evaluator } from '../contracts/evaluator.js';
import { type DesignPoint, hashDesignPoint } from '../domain/design-point.js';
import { type Evaluation, type EvaluationResult, FIDELITIES } from '../domain/evaluation.js';
import type { Workload } from '../domain/workload.js';

/** What the evaluator contract suite runs an evaluator on. */
export interface EvaluatorContractFixture {
  readonly workload: Workload;
  /** At least two points the evaluator should score successfully. */
  readonly points: readonly DesignPoint[];
  /** Points it must reject with `ok: false` (e.g. hardware outside the template); optional. */
  readonly invalidPoints?: readonly DesignPoint[];
  /**
   * Check that the network totals are Σ count·(per-layer value), as the domain defines them
   * (default true; turn off for fidelities that measure the network as a whole).
   */
  readonly totalsAreLayerSums?: boolean;
}

/** Options of the suite itself (known before any fixture is built). */
export interface EvaluatorContractOptions {
  /** Per-test timeout in ms, for slow fidelities such as a simulator (default 10 000). */
  readonly timeoutMs?: number;
}

const REL_TOLERANCE = 1e-9;

/** Collects every result; fails the test if the stream errors (results must be values). */
async function collect(results$: Observable<EvaluationResult>): Promise<EvaluationResult[]> {
  return firstValueFrom(results$.pipe(toArray()));
}

const relativeError = (actual: number, expected: number): number =>
  Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);

/** Every way an evaluation breaks the domain's invariants (empty when consistent). */
export function evaluationProblems(
  evaluation: Evaluation, evaluator: Evaluator, workload: Workload, totalsAreLayerSums = true,
): string[] {
  const problems: string[] = [];
  if (evaluation.fidelity !== evaluator.fidelity) problems.push(`fidelity ${evaluation.fidelity} ≠ evaluator's ${evaluator.fidelity}`);
  if (evaluation.evaluator !== evaluator.id) problems.push(`evaluator "${evaluation.evaluator}" ≠ id "${evaluator.id}"`);
  if (evaluation.evaluatorVersion !== evaluator.version) problems.push(`evaluatorVersion "${evaluation.evaluatorVersion}" ≠ version "${evaluator.version}"`);
  if (evaluation.layers.length !== workload.layers.length) problems.push(`${evaluation.layers.length} layer results for ${workload.layers.length} layers`);
  if (!(evaluation.cycles > 0) || !Number.isFinite(evaluation.cycles)) problems.push(`cycles ${evaluation.cycles} not positive and finite`);
  if (!(evaluation.energy > 0) || !Number.isFinite(evaluation.energy)) problems.push(`energy ${evaluation.energy} not positive and finite`);
  if (relativeError(evaluation.edp, evaluation.energy * evaluation.cycles) > REL_TOLERANCE) {
    problems.push(`edp ${evaluation.edp} ≠ energy·cycles ${evaluation.energy * evaluation.cycles}`);
  }
  if (!(evaluation.cost >= 0)) problems.push(`cost ${evaluation.cost} ms is negative or missing`);
  evaluation.layers.forEach((layer, i) => {
    if (!(layer.cycles > 0) || !(layer.energy > 0)) problems.push(`layer ${i}: cycles ${layer.cycles} / energy ${layer.energy} not positive`);
  });
  if (evaluator.capabilities.uncertainty && !(typeof evaluation.std === 'number' && evaluation.std >= 0)) {
    problems.push('evaluator reports uncertainty but evaluation.std is missing or negative');
  }
  if (evaluator.capabilities.accessCounts && evaluation.layers.some((l) => !l.accesses)) {
    problems.push('evaluator reports access counts but some layer has no accesses');
  }
  if (totalsAreLayerSums && evaluation.layers.length === workload.layers.length) {
    const sum = (pick: (i: number) => number) => workload.layers.reduce((s, l, i) => s + l.count * pick(i), 0);
    const cyclesSum = sum((i) => evaluation.layers[i].cycles);
    const energySum = sum((i) => evaluation.layers[i].energy);
    if (relativeError(evaluation.cycles, cyclesSum) > 1e-6) problems.push(`cycles ${evaluation.cycles} ≠ Σ count·layer cycles ${cyclesSum}`);
    if (relativeError(evaluation.energy, energySum) > 1e-6) problems.push(`energy ${evaluation.energy} ≠ Σ count·layer energy ${energySum}`);
  }
  return problems;
}

/**
 * The contract every {@link Evaluator} plugin must pass. Call it at the top level of a spec:
 *
 * ```ts
 * describeEvaluatorContract('analytical', () => new AnalyticalEvaluator(), () => ({ workload, points }));
 * ```
 *
 * `makeEvaluator` and `makeFixture` are called afresh for each test.
 */
export function describeEvaluatorContract(
  name: string,
  makeEvaluator: () => Evaluator | Promise<Evaluator>,
  makeFixture: () => EvaluatorContractFixture | Promise<EvaluatorContractFixture>,
  options: EvaluatorContractOptions = {},
): void {
  const setup = async () => ({ evaluator: await makeEvaluator(), fixture: await makeFixture() });
  const timeout = options.timeoutMs ?? 10_000;

  describe(`Evaluator contract: ${name}`, () => {
    it('declares id, version, fidelity and capabilities', async () => {
      const { evaluator } = await setup();
      expect(evaluator.id, 'id').toMatch(/\S/);
      expect(evaluator.version, 'version').toMatch(/\S/);
      expect(FIDELITIES, 'fidelity').toContain(evaluator.fidelity);
      expect(typeof evaluator.capabilities.accessCounts).toBe('boolean');
      expect(typeof evaluator.capabilities.uncertainty).toBe('boolean');
      expect(Number.isInteger(evaluator.capabilities.maxConcurrency) && evaluator.capabilities.maxConcurrency >= 1,
        'maxConcurrency is an integer ≥ 1').toBe(true);
    }, timeout);

    it('emits exactly one result per point, with its pointHash, as values', async () => {
      const { evaluator, fixture } = await setup();
      expect(fixture.points.length, 'fixture gives at least two points').toBeGreaterThanOrEqual(2);
      const results = await collect(evaluator.evaluate(fixture.points, fixture.workload));
      expect(results.map((r) => r.pointHash).sort()).toEqual(fixture.points.map(hashDesignPoint).sort());
      for (const result of results) expect(typeof result.ok).toBe('boolean');
    }, timeout);

    it('gives consistent evaluations for valid points', async () => {
      const { evaluator, fixture } = await setup();
      const results = await collect(evaluator.evaluate(fixture.points, fixture.workload));
      for (const result of results) {
        expect(result.ok, `point ${result.pointHash} failed: ${result.ok ? '' : result.error}`).toBe(true);
        if (!result.ok) continue;
        expect(evaluationProblems(result.evaluation, evaluator, fixture.workload, fixture.totalsAreLayerSums ?? true)).toEqual([]);
      }
    }, timeout);

    it('reports failures as values with an error and `recoverable`', async () => {
      const { evaluator, fixture } = await setup();
      const invalid = fixture.invalidPoints ?? [];
      const results = await collect(evaluator.evaluate([...invalid, fixture.points[0]], fixture.workload));
      expect(results).toHaveLength(invalid.length + 1);
      for (const result of results) {
        if (result.ok) continue;
        expect(result.error, 'error message').toMatch(/\S/);
        expect(typeof result.recoverable, 'recoverable').toBe('boolean');
      }
      const invalidHashes = new Set(invalid.map(hashDesignPoint));
      for (const result of results.filter((r) => invalidHashes.has(r.pointHash))) expect(result.ok).toBe(false);
    }, timeout);

    it('completes at once for no points', async () => {
      const { evaluator, fixture } = await setup();
      expect(await collect(evaluator.evaluate([], fixture.workload))).toEqual([]);
    }, timeout);

    it('stops emitting when unsubscribed early, without throwing', async () => {
      const { evaluator, fixture } = await setup();
      let unsubscribed = false;
      const late: EvaluationResult[] = [];
      const errors: unknown[] = [];
      const subscription = evaluator.evaluate(fixture.points, fixture.workload).subscribe({
        next: (result) => { if (unsubscribed) late.push(result); },
        error: (error: unknown) => errors.push(error),
      });
      subscription.unsubscribe();
      unsubscribed = true;
      // Also stop after the first result of a second evaluation (take-one style).
      const first = await firstValueFrom(evaluator.evaluate(fixture.points, fixture.workload));
      expect(fixture.points.map(hashDesignPoint)).toContain(first.pointHash);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(late, 'results after unsubscribe').toEqual([]);
      expect(errors, 'stream errors').toEqual([]);
    }, timeout);

    it('is cold: nothing is emitted before subscribing and each subscription evaluates anew', async () => {
      const { evaluator, fixture } = await setup();
      const results$ = evaluator.evaluate(fixture.points.slice(0, 1), fixture.workload);
      const [a, b] = [await collect(results$), await collect(results$)];
      expect(a.map((r) => r.pointHash)).toEqual(b.map((r) => r.pointHash));
    }, timeout);
  });
}
