import type { AskContext, Optimizer, Proposal, Trial } from '../contracts/optimizer.js';

/** One stage of a schedule: an optimizer and how many trials it proposes (the last stage: no limit). */
export interface OptimizerStage {
  readonly optimizer: Optimizer;
  /** Trials this stage proposes before the next one takes over; absent for the last stage. */
  readonly trials?: number;
}

/**
 * A schedule of optimizers as data (Ax's generation strategy: `random for 16 trials, then
 * bayesian`): stage k proposes trials while fewer than the first k stages' `trials` have been
 * asked. A stage that takes over is first told every earlier trial, and from then on every
 * trial told; an ask never crosses a stage boundary (it returns fewer points instead). Like
 * its stages it keeps no hidden history: a fresh schedule told the same trials asks the same
 * next points, so runs resume exactly.
 */
export class ScheduledOptimizer implements Optimizer {
  readonly id: string;
  /** Every trial told so far, in order. */
  private readonly history: Trial[] = [];
  /** Trials asked and not yet told. */
  private pending = 0;
  /** The stage that has been told the history so far (−1: none yet). */
  private active = -1;

  /** @throws RangeError when a stage but the last has no positive `trials`, or there are no stages. */
  constructor(private readonly stages: readonly OptimizerStage[]) {
    if (stages.length === 0) throw new RangeError('a schedule needs at least one stage');
    stages.slice(0, -1).forEach((stage, k) => {
      if (!(stage.trials !== undefined && Number.isInteger(stage.trials) && stage.trials >= 1)) {
        throw new RangeError(`schedule stage ${k + 1} (${stage.optimizer.id}) needs trials: a positive integer; only the last stage may be open`);
      }
    });
    this.id = stages.map((s) => (s.trials !== undefined && s !== stages.at(-1) ? `${s.optimizer.id}×${s.trials}` : s.optimizer.id)).join('→');
  }

  /** Index of the stage that proposes trial number `asked` (0-based), and how many it has left. */
  stageAt(asked: number): { stage: number; left: number } {
    let end = 0;
    for (let k = 0; k < this.stages.length - 1; k++) {
      end += this.stages[k].trials!;
      if (asked < end) return { stage: k, left: end - asked };
    }
    return { stage: this.stages.length - 1, left: Number.POSITIVE_INFINITY };
  }

  async ask(n: number, context?: AskContext): Promise<Proposal[]> {
    if (n <= 0) return [];
    const { stage, left } = this.stageAt(this.history.length + this.pending);
    this.activate(stage);
    const points = (await this.stages[stage].optimizer.ask(Math.min(n, left), context)).slice(0, Math.min(n, left));
    this.pending += points.length;
    return points;
  }

  tell(trials: readonly Trial[]): void {
    this.history.push(...trials);
    this.pending = Math.max(0, this.pending - trials.length);
    if (this.active >= 0) this.stages[this.active].optimizer.tell(trials);
  }

  /** Makes `stage` the active one, telling it every trial so far if it is new. */
  private activate(stage: number): void {
    if (stage === this.active) return;
    this.active = stage;
    if (this.history.length > 0) this.stages[stage].optimizer.tell(this.history);
  }
}
