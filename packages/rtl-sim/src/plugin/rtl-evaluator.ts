import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DesignPoint, type EvaluationResult, type Evaluator, type EvaluatorCapabilities, type LayerEvaluation, type Workload,
  cycles, designPointViolations, hashDesignPoint, networkEvaluation, picoJoules, squareMillimetres,
} from '@polaris/core';
import { type Observable, defer, forkJoin, from, map, mergeMap, of, catchError, finalize } from 'rxjs';
import { AREA_MODEL_VERSION, sramArea } from '../runner/area-model.js';
import type { SimulationOutcome } from '../runner/harness-report.js';
import { type SimulationPool, sharedSimulationPool } from '../runner/simulation-pool.js';
import { RTL_SIM_PACKAGE_DIR, fingerprintDigest, toolchainFingerprint } from '../runner/toolchain.js';
import { SUPPORTED_DIMS } from '../program/isa.js';
import { type SimulatorBuild, buildSimulator } from '../runner/verilator-build.js';
import { type LayerRun, prepareLayerRun } from './layer-program.js';
import { RTL_ENERGY_TABLES, priceCounters } from './rtl-energy.js';
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
 * the cache) the simulator for its peDim, writes each layer's program/DRAM image to a temp dir
 * and runs the layers in parallel through the {@link SimulationPool}; it emits one result per
 * point as soon as that point is done (not in input order) and completes after the last.
 * Unsubscribing kills the running simulators and removes their temp dirs. Invalid points and
 * peDim > 64 become `{ok: false, recoverable: false}`; a timed-out, crashed or cycle-capped
 * simulation `{ok: false, recoverable: true}`; a program the machine rejects, a failed output
 * check or a failed build `{ok: false, recoverable: false}`.
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

  /**
   * @throws ToolMissingError (naming scripts/install-system-tools.sh) when verilator is not on
   *   PATH, since no result could be produced.
   */
  constructor(options: RtlOptions = DEFAULT_RTL_OPTIONS, deps: RtlEvaluatorDeps = {}) {
    this.options = { ...options };
    this.pool = deps.pool ?? sharedSimulationPool();
    this.packageDir = deps.packageDir ?? RTL_SIM_PACKAGE_DIR;
    const toolchain = toolchainFingerprint(this.packageDir);
    const { energy, busBytes, dramLatency, maxInflight, sramMm2PerKiB } = this.options;
    const table = RTL_ENERGY_TABLES[energy];
    this.version = `${RTL_EVALUATOR_VERSION}+${fingerprintDigest(toolchain, AREA_MODEL_VERSION,
      JSON.stringify({ table, busBytes, dramLatency, maxInflight, sramMm2PerKiB }))}`;
    this.capabilities = { accessCounts: true, uncertainty: false, maxConcurrency: this.pool.concurrency };
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
      if (!SUPPORTED_DIMS.includes(point.hardware.peDim) && problems.length === 0) {
        problems.push(`hardware: peDim = ${point.hardware.peDim} is not supported by the RTL (supported: ${SUPPORTED_DIMS.join(', ')})`);
      }
      if (problems.length > 0) {
        return of(fail(`invalid design point (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`, false));
      }
      return from(buildSimulator({ dim: point.hardware.peDim, cacheDir: this.options.cacheDir, packageDir: this.packageDir })).pipe(
        mergeMap((build) => forkJoin(workload.layers.map((entry, i) => this.runLayer(build, point, i, workload))).pipe(
          map((outcomes): EvaluationResult => {
            const failures = outcomes.flatMap((o, i) => (o.ok ? [] : [{ ...o, layer: i }]));
            if (failures.length > 0) {
              const error = failures.map((f) => `layer ${f.layer + 1} "${workload.layers[f.layer].name}": ${f.error}`).join('; ');
              return fail(`rtl simulation failed: ${error}`, failures.every((f) => f.recoverable));
            }
            const layers = outcomes.map((o) => (o as { layer: LayerEvaluation }).layer);
            const evaluation = networkEvaluation(workload, layers, {
              fidelity: this.fidelity, evaluator: this.id, evaluatorVersion: this.version, costMs: performance.now() - began,
            });
            const area = build.area === undefined ? undefined
              : squareMillimetres(build.area.mm2 + sramArea(point.hardware, this.options.sramMm2PerKiB));
            return { ok: true, pointHash, evaluation: area === undefined ? evaluation : { ...evaluation, area } };
          }),
        )),
        catchError((error: unknown) => of(fail(`rtl evaluation failed: ${(error as Error).message}`, false))),
      );
    });
  }

  /** Generates, writes and simulates one layer; the temp dir lives exactly as long as the run. */
  private runLayer(build: SimulatorBuild, point: DesignPoint, index: number, workload: Workload): Observable<LayerOutcome> {
    return defer(() => {
      const { layer } = workload.layers[index];
      let run: LayerRun;
      try {
        run = prepareLayerRun(layer, point.mappings[index], point.hardware, { check: this.options.check });
      } catch (error) {
        return of<LayerOutcome>({ ok: false, recoverable: false, error: `cannot generate its program: ${(error as Error).message}` });
      }
      const dir = mkdtempSync(join(tmpdir(), 'polaris-rtl-'));
      writeFileSync(join(dir, 'program.hex'), run.program);
      writeFileSync(join(dir, 'dram.hex'), run.dram);
      const args = ['--program', 'program.hex', '--dram', 'dram.hex',
        '--bus-bytes', String(this.options.busBytes), '--dram-latency', String(this.options.dramLatency),
        '--max-inflight', String(this.options.maxInflight), '--max-cycles', String(this.options.maxCycles ?? this.defaultCycleCap(run))];
      if (this.options.check && run.expect !== undefined) {
        writeFileSync(join(dir, 'expect.hex'), run.expect);
        args.push('--expect', 'expect.hex');
      }
      return this.pool.run({ binary: build.binary, args, cwd: dir, timeoutMs: this.options.timeoutSeconds * 1000 }).pipe(
        map((outcome) => this.layerOutcome(outcome, point, run)),
        finalize(() => rmSync(dir, { recursive: true, force: true })),
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

  private layerOutcome(outcome: SimulationOutcome, point: DesignPoint, run: LayerRun): LayerOutcome {
    if (!outcome.ok) return { ok: false, error: outcome.error, recoverable: outcome.recoverable };
    const { report } = outcome;
    if (report.dim !== undefined && report.dim !== point.hardware.peDim) {
      return { ok: false, recoverable: false, error: `the simulator reports DIM ${report.dim}, expected ${point.hardware.peDim}` };
    }
    if (report.counters.macs !== run.macs) {
      return { ok: false, recoverable: false, error: `the simulator counted ${report.counters.macs} MACs, the layer has ${run.macs}` };
    }
    const energy = priceCounters(report.counters, {
      hardware: point.hardware, table: RTL_ENERGY_TABLES[this.options.energy], busBytes: this.options.busBytes, split: run.traffic,
    });
    return {
      ok: true,
      layer: { cycles: cycles(report.cycles), energy: picoJoules(energy.total), macs: report.counters.macs, accesses: energy.accesses },
    };
  }
}
