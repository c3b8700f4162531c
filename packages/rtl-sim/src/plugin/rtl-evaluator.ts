import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DesignPoint, type EvaluationResult, type Evaluator, type EvaluatorCapabilities, type LayerEvaluation, type Workload,
  ENERGY_TABLES, cycles, designPointViolations, hashDesignPoint, networkEvaluation, picoJoules, squareMillimetres,
} from '@polaris/core';
import { type Observable, Subject, catchError, defer, finalize, from, map, mergeMap, of, takeWhile, tap, toArray } from 'rxjs';
import { AREA_MODEL_VERSION, sramArea } from '../runner/area-model.js';
import type { HarnessCounters, SimulationOutcome } from '../runner/harness-report.js';
import { type SimulationPool, sharedSimulationPool } from '../runner/simulation-pool.js';
import { SimulatorBuilds } from '../runner/simulator-builds.js';
import { RTL_SIM_PACKAGE_DIR, type ToolchainFingerprint, fingerprintDigest, toolchainFingerprint } from '../runner/toolchain.js';
import { SUPPORTED_DIMS } from '../program/isa.js';
import { ProgramTooLargeError, checkProgramSize, estimateProgramSize } from '../program/program-size.js';
import type { SimulatorBuild } from '../runner/build-record.js';
import type { BuildEvent } from '../runner/verilator-build.js';
import { type LayerRun, prepareLayerRun, writeLayerRunFiles } from './layer-program.js';
import { type RtlActivity, RtlActivityTracker } from './rtl-activity.js';
import { priceCounters } from './rtl-energy.js';
import { DEFAULT_RTL_OPTIONS, type RtlOptions } from './rtl-options.js';

/** Evaluator id (the config's `evaluator: rtl`). */
export const RTL_ID = 'rtl';
/** Bumped when the evaluator's arithmetic changes; the version also hashes the RTL, tools and options. */
export const RTL_EVALUATOR_VERSION = '0.1.0';

/** What the evaluator needs besides its options; tests inject these. */
export interface RtlEvaluatorDeps {
  /** Simulation pool; default the process-wide one (one simulator per core). */
  readonly pool?: SimulationPool;
  /** The rtl-sim package (rtl/, harness/); default this package. */
  readonly packageDir?: string;
}

/** One layer's simulated result, or why it failed. */
type LayerOutcome = { ok: true; layer: LayerEvaluation } | { ok: false; error: string; recoverable: boolean };

/**
 * The `rtl` fidelity: every layer of a design point compiled into a program for the rtl-sim
 * accelerator (src/program), simulated cycle-accurately under Verilator (one build per peDim,
 * cached), with energy = event counters × the per-action energy table and area = Yosys logic
 * area of the PE array + an SRAM density model.
 *
 * Lifecycle: `evaluate` is cold. On subscription it validates each point, builds (or finds in
 * the disk cache) the simulator for its peDim — one build per peDim for the evaluator's life,
 * see {@link SimulatorBuilds} — writes each layer's program/DRAM image to a temp dir and runs
 * the layers in parallel through the {@link SimulationPool}; it emits one result per point as
 * soon as that point is done (not in input order) and completes after the last. Unsubscribing
 * kills the running simulators (and a build no one waits for any more) and removes the temp
 * dirs.
 *
 * Failures are values with one-line messages naming the problem and the fix. `recoverable`
 * follows one rule (see `SimulationFailureKind`): `false` only for a deterministic verdict on
 * the point under this evaluator version — an invalid point, peDim > 64, a layer whose program
 * is estimated past `maxInstructions` (or its cycle lower bound past `maxCycles`; checked
 * before anything is allocated) or cannot be generated, a program the machine rejects, a failed
 * output check, a wrong MAC count; `true` for everything a rerun may fix — a timeout, a
 * crash (signal), a cycle cap (raise `maxCycles`), a simulator binary that does not behave as
 * the harness (odd exit code, garbage output, cannot start, wrong DIM), a failed build (a tool
 * missing, a full disk), program files that could not be written.
 *
 * Progress: {@link activity} reports builds, queued and running layers and notices as they
 * happen, and {@link describeActivity} says in one line what the evaluator waits on now.
 */
export class RtlEvaluator implements Evaluator {
  readonly id = RTL_ID;
  readonly fidelity = 'rtl' as const;
  /** `0.1.0+<digest of RTL/harness sources, Verilator/Yosys versions, area model, energy table, DRAM options>`. */
  readonly version: string;
  readonly capabilities: EvaluatorCapabilities;
  private readonly options: RtlOptions;
  private readonly pool: SimulationPool;
  private readonly packageDir: string;
  private readonly toolchain: ToolchainFingerprint;
  private readonly builds: SimulatorBuilds;
  private readonly events = new Subject<RtlActivity>();
  private readonly tracker: RtlActivityTracker;
  /**
   * What the evaluator starts and finishes (builds, layer runs) and its notices, as they happen
   * (hot; never completes). A notice nobody listens to is written to stderr instead.
   */
  readonly activity: Observable<RtlActivity> = this.events.asObservable();

  /**
   * @throws ToolMissingError (naming scripts/install-system-tools.sh) when verilator is not on
   *   PATH, since no result could be produced.
   */
  constructor(options: RtlOptions = DEFAULT_RTL_OPTIONS, deps: RtlEvaluatorDeps = {}) {
    this.options = { ...options };
    this.pool = deps.pool ?? sharedSimulationPool();
    this.packageDir = deps.packageDir ?? RTL_SIM_PACKAGE_DIR;
    const toolchain = toolchainFingerprint(this.packageDir);
    this.toolchain = toolchain;
    this.tracker = new RtlActivityTracker(this.options.timeoutSeconds);
    this.builds = new SimulatorBuilds({
      cacheDir: this.options.cacheDir, packageDir: this.packageDir, onEvent: (event) => this.report(buildActivity(event)),
    });
    const { energy, busBytes, dramLatency, maxInflight, sramMm2PerKiB } = this.options;
    const table = typeof energy === 'string' ? ENERGY_TABLES[energy] : energy;
    this.version = `${RTL_EVALUATOR_VERSION}+${fingerprintDigest(toolchain, AREA_MODEL_VERSION,
      JSON.stringify({ table, busBytes, dramLatency, maxInflight, sramMm2PerKiB }))}`;
    this.capabilities = { accessCounts: true, uncertainty: false, maxConcurrency: this.pool.concurrency, bufferLayout: 'rows' };
  }

  /**
   * One line saying what the evaluator is doing at `now` (`performance.now()` scale) — which
   * layers it simulates and for how long, what waits for a pool slot, which simulator it builds
   * — or undefined when idle.
   */
  describeActivity(now: number = performance.now()): string | undefined {
    return this.tracker.describe(now);
  }

  private report(event: RtlActivity): void {
    this.tracker.apply(event);
    if (event.type === 'notice' && !this.events.observed) process.stderr.write(`polaris rtl: ${event.message}\n`);
    this.events.next(event);
  }

  evaluate(points: readonly DesignPoint[], workload: Workload): Observable<EvaluationResult> {
    return from(points).pipe(mergeMap((point) => this.evaluatePoint(point, workload), this.pool.concurrency));
  }

  private evaluatePoint(point: DesignPoint, workload: Workload): Observable<EvaluationResult> {
    return defer(() => {
      const began = performance.now();
      const pointHash = hashDesignPoint(point);
      const fail = (error: string, recoverable: boolean): EvaluationResult => ({ ok: false, pointHash, error, recoverable });
      const problems = designPointViolations(point, workload);
      if (problems.length === 0 && !SUPPORTED_DIMS.includes(point.hardware.peDim)) {
        problems.push(`hardware: peDim = ${point.hardware.peDim} is not supported by the RTL (supported: ${SUPPORTED_DIMS.join(', ')})`);
      }
      if (problems.length > 0) {
        return of(fail(`invalid design point (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`, false));
      }
      const tooLarge = this.firstTooLargeLayer(point, workload);
      if (tooLarge) return of(fail(`rtl simulation failed: ${tooLarge}`, false));
      return this.acquireBuild(point.hardware.peDim).pipe(
        mergeMap((build) => {
          if (build.toolchain.sourcesHash !== this.toolchain.sourcesHash || build.toolchain.verilator !== this.toolchain.verilator) {
            return of(fail(`the RTL sources or Verilator changed since this evaluator (version ${this.version}) was created: `
              + 'rerun, so a new rtl evaluator builds the current ones', true));
          }
          return this.simulateLayers(build, point, workload).pipe(map((outcome): EvaluationResult => {
            if (!outcome.ok) {
              return fail(`rtl simulation failed: layer ${outcome.index + 1} "${workload.layers[outcome.index].name}": ${outcome.error}`, outcome.recoverable);
            }
            const evaluation = networkEvaluation(workload, outcome.layers, {
              fidelity: this.fidelity, evaluator: this.id, evaluatorVersion: this.version, costMs: performance.now() - began,
            });
            if (build.area === undefined) return { ok: true, pointHash, evaluation };
            const area = squareMillimetres(build.area.mm2 + sramArea(point.hardware, this.options.sramMm2PerKiB));
            return { ok: true, pointHash, evaluation: { ...evaluation, area } };
          }));
        }),
        catchError((error: unknown) => of(fail(`rtl evaluation failed: ${(error as Error).message}`, true))),
      );
    });
  }

  /** The simulator for `dim`, reporting the wait (build-wait … build-end) as activity. */
  private acquireBuild(dim: number): Observable<SimulatorBuild> {
    return defer(() => {
      this.report({ type: 'build-wait', dim, at: performance.now() });
      let ended = false;
      const end = (ok?: boolean) => {
        if (ended) return;
        ended = true;
        this.report({ type: 'build-end', dim, ok, at: performance.now() });
      };
      return this.builds.acquire(dim).pipe(
        tap({ next: () => end(true), error: () => end(false) }),
        finalize(() => end(undefined)),
      );
    });
  }

  /**
   * The first layer whose program is estimated past `maxInstructions` (or `maxCycles`), as the
   * failure message, checked for every layer before anything is built or simulated: such a
   * point fails whatever its other layers do, so none of them is run.
   */
  private firstTooLargeLayer(point: DesignPoint, workload: Workload): string | undefined {
    for (const [index, { layer, name }] of workload.layers.entries()) {
      const estimate = estimateProgramSize(layer, point.mappings[index], point.hardware);
      if (estimate === undefined) continue; // the generator reports the capacity problem when the layer runs
      try {
        checkProgramSize(layer, point.mappings[index], point.hardware, estimate, this.options);
      } catch (error) {
        if (error instanceof ProgramTooLargeError) return `layer ${index + 1} "${name}": cannot generate its program: ${error.message}`;
        throw error;
      }
    }
    return undefined;
  }

  /**
   * Runs a point's layers, at most `pool.concurrency` prepared at once (a layer's files are
   * written only when it is about to queue), and stops at the first failure — the point has
   * failed, so its other simulations are killed.
   */
  private simulateLayers(build: SimulatorBuild, point: DesignPoint, workload: Workload): Observable<
    { ok: true; layers: LayerEvaluation[] } | { ok: false; index: number; error: string; recoverable: boolean }
  > {
    return from(workload.layers.map((_, index) => index)).pipe(
      mergeMap((index) => this.runLayer(build, point, index, workload).pipe(map((outcome) => ({ index, outcome }))), this.pool.concurrency),
      takeWhile(({ outcome }) => outcome.ok, true),
      toArray(),
      map((done) => {
        const failed = done.find(({ outcome }) => !outcome.ok);
        if (failed && !failed.outcome.ok) return { ok: false as const, index: failed.index, error: failed.outcome.error, recoverable: failed.outcome.recoverable };
        const layers = new Array<LayerEvaluation>(workload.layers.length);
        for (const { index, outcome } of done) if (outcome.ok) layers[index] = outcome.layer;
        return { ok: true as const, layers };
      }),
    );
  }

  /** Generates, writes and simulates one layer; the temp dir lives exactly as long as the run. */
  private runLayer(build: SimulatorBuild, point: DesignPoint, index: number, workload: Workload): Observable<LayerOutcome> {
    return defer(() => {
      const { layer } = workload.layers[index];
      let run: LayerRun;
      try {
        run = prepareLayerRun(layer, point.mappings[index], point.hardware, {
          check: this.options.check, maxInstructions: this.options.maxInstructions, maxCycles: this.options.maxCycles,
        });
      } catch (error) {
        return of<LayerOutcome>({ ok: false, recoverable: false, error: `cannot generate its program: ${(error as Error).message}` });
      }
      const dir = mkdtempSync(join(tmpdir(), 'polaris-rtl-'));
      try {
        writeLayerRunFiles(run, dir);
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        return of<LayerOutcome>({
          ok: false, recoverable: true,
          error: `cannot write its program files to ${dir} (${(error as Error).message}): free space in the temp directory or point TMPDIR elsewhere, then rerun`,
        });
      }
      const args = ['--program', 'program.hex', '--dram', 'dram.hex',
        '--bus-bytes', String(this.options.busBytes), '--dram-latency', String(this.options.dramLatency),
        '--max-inflight', String(this.options.maxInflight), '--max-cycles', String(this.options.maxCycles ?? this.defaultCycleCap(run))];
      if (this.options.check && run.expect !== undefined) args.push('--expect', 'expect.hex');
      const where = { point: hashDesignPoint(point), index, layers: workload.layers.length, name: workload.layers[index].name };
      this.report({ type: 'layer', state: 'queued', ...where, at: performance.now() });
      let ok: boolean | undefined;
      const onStart = (pid: number) => this.report({ type: 'layer', state: 'running', ...where, pid, at: performance.now() });
      return this.pool.run({ binary: build.binary, args, cwd: dir, timeoutMs: this.options.timeoutSeconds * 1000, onStart }).pipe(
        map((outcome) => this.layerOutcome(outcome, point, run, build)),
        tap((outcome) => { ok = outcome.ok; }),
        finalize(() => {
          rmSync(dir, { recursive: true, force: true });
          this.report({ type: 'layer-end', point: where.point, index, ok, at: performance.now() });
        }),
      );
    });
  }

  /**
   * A cycle cap no correct run reaches: 64 × (a cycle per input vector, per preloaded weight row,
   * per DRAM bus beat and per instruction, plus a DRAM latency per request — a fully serial
   * machine) + 100 000.
   */
  private defaultCycleCap(run: LayerRun): number {
    const { busBytes, dramLatency } = this.options;
    const t = run.traffic;
    const dramBytes = t.dramReadBytes.W + t.dramReadBytes.I + t.dramReadBytes.O + t.dramWriteBytes;
    const ideal = t.computeVectors + t.spReadRows.W + dramBytes / busBytes + t.instructions + t.dramRequests * dramLatency;
    return Math.ceil(64 * ideal + 100_000);
  }

  private layerOutcome(outcome: SimulationOutcome, point: DesignPoint, run: LayerRun, build: SimulatorBuild): LayerOutcome {
    if (!outcome.ok) return { ok: false, error: outcome.error, recoverable: outcome.recoverable };
    const { report } = outcome;
    if (report.dim !== undefined && report.dim !== point.hardware.peDim) {
      return {
        ok: false, recoverable: true,
        error: `the simulator ${build.binary} reports DIM ${report.dim}, expected ${point.hardware.peDim}: it is not the build for this array size; `
          + `remove ${build.dir} so it is rebuilt, then rerun`,
      };
    }
    if (report.counters.macs !== run.macs) {
      return {
        ok: false, recoverable: false,
        error: `the simulator counted ${report.counters.macs} MACs, the layer has ${run.macs}: a bug in the RTL or the program generator, `
          + 'not in the design; report it with the layer and mapping',
      };
    }
    const energy = priceCounters(report.counters, {
      hardware: point.hardware, table: this.options.energy, busBytes: this.options.busBytes, split: run.traffic,
    });
    return {
      ok: true,
      layer: {
        cycles: cycles(report.cycles), energy: picoJoules(energy.total), macs: report.counters.macs, accesses: energy.accesses,
        events: scalarCounters(report.counters),
      },
    };
  }
}

/** A build event as evaluator activity. */
function buildActivity(event: BuildEvent): RtlActivity {
  const at = performance.now();
  return event.type === 'building' ? { type: 'build-start', dim: event.dim, dir: event.dir, at } : { type: 'notice', message: event.message, at };
}

/** The harness's scalar counters (per-bank arrays summed into their totals already) as evaluation events. */
function scalarCounters(counters: HarnessCounters): Record<string, number> {
  return Object.fromEntries(Object.entries(counters).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}
