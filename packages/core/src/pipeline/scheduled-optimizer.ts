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
 * trial told; an ask never crosses the end of a stage's `trials` (it returns fewer points
 * instead), so the next stage's first ask is told every trial before it.
 *
 * A stage that runs out early — it proposes fewer points than asked, as `gradient` with
 * `starts:` or `bayesian` in a used-up space do — hands over to the next stage at once: the
 * rest of that ask comes from the next stage (told every trial told so far; the exhausted
 * stage's points of the same ask reach it with the next `tell`). The next stage keeps its own
 * end (the `trials` of every stage up to it, counted from trial 0), so it also gets the trials
 * the exhausted one left; an ask still stops at the exhausted stage's end.
 * Only the last stage's running out ends the schedule (an ask returns nothing).
 *
 * So where an ask ends depends on the trial count alone ({@link askLimit}), never on which
 * stages ran out: a resume cuts the stored trials into the asks that made them, re-asks a
 * partly stored last one from the same history, and follows the uninterrupted run.
 *
 * Like its stages it keeps no hidden history: a fresh schedule told the same trials asks the
 * same next points, so runs resume exactly. A fresh schedule finds an exhausted stage again by
 * asking it; this assumes exhaustion lasts (a stage that proposed fewer than asked proposes
 * nothing once told more trials), which holds for a fixed number of starts and a used-up space.
 */
export class ScheduledOptimizer implements Optimizer {
  readonly id: string;
  /** Every trial told so far, in order. */
  private readonly history: Trial[] = [];
  /** Trials asked and not yet told. */
  private pending = 0;
  /** The stage that has been told the history so far (−1: none yet). */
  private active = -1;
  /** Stages below this one have run out of proposals (found by asking them). */
  private firstOpen = 0;

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

  /**
   * Index of the stage that proposes trial number `asked` (0-based) by the stages' `trials`
   * alone, and how many it has left; stages found exhausted are skipped by {@link ask}.
   */
  stageAt(asked: number): { stage: number; left: number } {
    for (let k = 0; k < this.stages.length - 1; k++) {
      if (asked < this.end(k)) return { stage: k, left: this.end(k) - asked };
    }
    return { stage: this.stages.length - 1, left: Number.POSITIVE_INFINITY };
  }

  /**
   * The most points an ask after `asked` trials returns: those left before the next stage's end
   * (∞ in the last stage), whichever stages ran out.
   */
  askLimit(asked: number): number {
    return this.stageAt(asked).left;
  }

  async ask(n: number, context?: AskContext): Promise<Proposal[]> {
    const proposals: Proposal[] = [];
    while (proposals.length < n) {
      const asked = this.history.length + this.pending + proposals.length;
      const stage = Math.max(this.stageAt(asked).stage, this.firstOpen);
      const want = Math.min(n - proposals.length, this.askLimit(asked));
      this.activate(stage);
      const points = (await this.stages[stage].optimizer.ask(want, context)).slice(0, want);
      proposals.push(...points);
      if (points.length === want) break; // full, or a stage's end: a shorter batch
      if (stage === this.stages.length - 1) break; // the last stage ran out: so does the schedule
      this.firstOpen = stage + 1;
    }
    this.pending += proposals.length;
    return proposals;
  }

  tell(trials: readonly Trial[]): void {
    this.history.push(...trials);
    this.pending = Math.max(0, this.pending - trials.length);
    if (this.active >= 0) this.stages[this.active].optimizer.tell(trials);
  }

  /** Trial index at which stage `k`'s `trials` end (∞ for the last stage). */
  private end(k: number): number {
    if (k >= this.stages.length - 1) return Number.POSITIVE_INFINITY;
    return this.stages.slice(0, k + 1).reduce((sum, s) => sum + s.trials!, 0);
  }

  /** Makes `stage` the active one, telling it every trial so far if it is new. */
  private activate(stage: number): void {
    if (stage === this.active) return;
    this.active = stage;
    if (this.history.length > 0) this.stages[stage].optimizer.tell(this.history);
  }
}
