import type { Tensor } from './layer.js';
import type { Cycles, Milliseconds, PicoJouleCycles, PicoJoules, SquareMillimetres } from './units.js';

/** The three fidelities of evaluation, cheapest first. */
export const FIDELITIES = ['analytical', 'surrogate', 'rtl'] as const;
export type Fidelity = (typeof FIDELITIES)[number];

/** Word accesses of one tensor at one level, summed over all instances of the level. */
export interface TensorAccesses {
  readonly reads: number;
  readonly fills: number;
  readonly updates: number;
}

/** Accesses at one storage level (0 registers … 3 DRAM). */
export interface LevelAccesses {
  readonly level: number;
  /** Instances of the level in use by this mapping. */
  readonly instances: number;
  readonly tensors: Partial<Record<Tensor, TensorAccesses>>;
  /** Energy spent at this level, pJ. */
  readonly energy: PicoJoules;
  /** Cycles this level alone would need at its bandwidth (≥ compute cycles when it is the bottleneck). */
  readonly cycles: Cycles;
}

/** Result of one layer (one execution; multiply by the workload count for the network). */
export interface LayerEvaluation {
  readonly cycles: Cycles;
  readonly energy: PicoJoules;
  readonly macs: number;
  /** Present for fidelities that count accesses (analytical; RTL event counters). */
  readonly accesses?: readonly LevelAccesses[];
  /**
   * Raw event counters of fidelities that measure them (the RTL: MACs, buffer accesses, DRAM
   * bytes, stall cycles by cause, busy cycles per queue), by counter name.
   */
  readonly events?: Readonly<Record<string, number>>;
  /** Standard deviation of log-cycles / log-energy, for surrogate predictions. */
  readonly std?: { readonly logCycles: number; readonly logEnergy: number };
}

/** Result of a whole design point on a workload. */
export interface Evaluation {
  readonly fidelity: Fidelity;
  /** Id of the evaluator plugin and its version: a changed model must not reuse old results. */
  readonly evaluator: string;
  readonly evaluatorVersion: string;
  /** Per unique layer, in workload order. */
  readonly layers: readonly LayerEvaluation[];
  /** Σ count·cycles over layers. */
  readonly cycles: Cycles;
  /** Σ count·energy over layers. */
  readonly energy: PicoJoules;
  /** Σenergy · Σcycles. */
  readonly edp: PicoJouleCycles;
  readonly area?: SquareMillimetres;
  /** Wall time spent evaluating. */
  readonly cost: Milliseconds;
  /** For surrogates: σ of log-EDP. */
  readonly std?: number;
}

/** What an evaluator emits per point: a value, never a thrown error (that would end the stream). */
export type EvaluationResult =
  | { readonly ok: true; readonly pointHash: string; readonly evaluation: Evaluation }
  | { readonly ok: false; readonly pointHash: string; readonly error: string; readonly recoverable: boolean };
