import type { DesignPoint } from '../domain/design-point.js';
import type { EvaluationResult, Fidelity } from '../domain/evaluation.js';

/** A told result: the point that was asked, the fidelity that evaluated it and what came back. */
export interface Trial {
  readonly point: DesignPoint;
  readonly result: EvaluationResult;
  /** Absent: the run's primary fidelity (its `evaluator`). */
  readonly fidelity?: Fidelity;
}

/** A point an optimizer wants evaluated at a given fidelity (the run must have an evaluator for it). */
export interface FidelityRequest {
  readonly point: DesignPoint;
  readonly fidelity: Fidelity;
}

/** What `ask` returns per trial: a point (for the run's primary fidelity) or a {@link FidelityRequest}. */
export type Proposal = DesignPoint | FidelityRequest;

/** The point of a proposal. */
export const proposalPoint = (proposal: Proposal): DesignPoint => ('point' in proposal ? proposal.point : proposal);

/** The fidelity a proposal asks for (undefined: the run's primary fidelity). */
export const proposalFidelity = (proposal: Proposal): Fidelity | undefined => ('point' in proposal ? proposal.fidelity : undefined);

/** What {@link Optimizer.ask} may use while it proposes. */
export interface AskContext {
  /**
   * Aborted when the run is stopped (Ctrl-C): an ask that takes long (mapping many layers)
   * should check it between steps and reject with `signal.reason`.
   */
  readonly signal?: AbortSignal;
  /** Reports how many of the `n` points are proposed so far, for progress display. */
  readonly onProposed?: (proposed: number, requested: number) => void;
}

/**
 * Ask/tell optimizer. It keeps no hidden history beyond what it was told, so a run can be
 * resumed by telling it the stored trials again, and optimizers can be swapped mid-study.
 * All randomness comes from the seed it was constructed with.
 */
export interface Optimizer {
  readonly id: string;
  /**
   * Proposes up to `n` new points (fewer when the space is exhausted), each for the run's
   * primary fidelity or, as a {@link FidelityRequest}, for another one. An ask that computes for
   * more than a few milliseconds must be asynchronous and yield to the event loop between steps,
   * so that signals (Ctrl-C), heartbeats and progress keep running.
   */
  ask(n: number, context?: AskContext): Promise<Proposal[]> | Proposal[];
  /** Reports results of earlier asks (or stored trials, on resume). */
  tell(trials: readonly Trial[]): void;
  /**
   * For an optimizer that ends asks at fixed trial counts (a schedule, at each stage's end): the
   * most points an ask made after `asked` trials (told or pending) returns, at least 1. It must
   * depend on `asked` alone — not on what was told or asked so far — so that a fresh optimizer
   * answers as the one that made the asks: a resume uses it to find where the stored trials'
   * asks began (each ask `min(batch, askLimit(start))` points, but perhaps the last). Absent: an
   * ask returns fewer points than asked only when the space is used up.
   */
  askLimit?(asked: number): number;
}
/** DI token for {@link Optimizer}. */
export const Optimizer = Symbol.for('polaris.Optimizer');
