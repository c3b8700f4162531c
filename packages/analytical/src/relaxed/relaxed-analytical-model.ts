import {
  ACCUMULATOR_WORD_BYTES, DIMS, type DifferentiableModel, type HardwareConfig, type Layer, type LoopOrders,
  RELAXED_FACTORS_PER_LAYER, type RelaxedEvaluation, type RelaxedObjective, SCRATCHPAD_WORD_BYTES, type Workload,
} from '@polaris/core';
import { analyticalModelVersion } from '../model/analyze-network.js';
import { DEFAULT_MAX_BAND, type HardwareNodes, type LayerCounts, type RelaxedAnalyticalOptions, RelaxedLayerPlan } from './relaxed-layer.js';
import { smoothMax } from './smooth.js';
import { type Node, Tape } from './tape.js';

/** Version of the relaxation (bump when its values change); combined with the exact model's. */
export const RELAXED_MODEL_VERSION = '1.0.0';

/**
 * The analytical model relaxed to continuous loop factors, as core's {@link DifferentiableModel}:
 * ln EDP of a workload and its gradient with respect to the ln factors of every layer, by
 * reverse-mode differentiation of relaxed-layer.ts (one backward sweep per evaluation).
 *
 * Hardware (the contract's "minimal hardware derived from the mappings", relaxed): no ceil, and
 * the maxima over layers are the same smooth maximum as the roofline's (smooth.ts) —
 * peDim = smax(2, spatial C and K of every layer); spKB = smax(L2 W+I words) / 1024;
 * accKB = peDim · smax(L1 O words) · 4 / 1024 (so accKB / peDim, what the accumulator's energy
 * depends on, does not depend on peDim). peDim is not rounded to a power of two.
 */
export class RelaxedAnalyticalModel implements DifferentiableModel {
  readonly id = 'analytical';
  readonly version: string;

  constructor(private readonly options: RelaxedAnalyticalOptions = {}) {
    const band = options.maxBand ?? DEFAULT_MAX_BAND;
    this.version = `relaxed-${RELAXED_MODEL_VERSION}+band${band}/${analyticalModelVersion(options)}`;
  }

  relax(workload: Workload, orders: readonly LoopOrders[]): RelaxedObjective {
    return new RelaxedAnalyticalObjective(workload, orders, this.options);
  }
}

class RelaxedAnalyticalObjective implements RelaxedObjective {
  readonly length: number;
  private readonly plans: RelaxedLayerPlan[];
  private readonly tape = new Tape();
  private readonly maxBand: number;

  constructor(readonly workload: Workload, readonly orders: readonly LoopOrders[], options: RelaxedAnalyticalOptions) {
    if (orders.length !== workload.layers.length) {
      throw new RangeError(`workload "${workload.name}" has ${workload.layers.length} layers but ${orders.length} loop orders were given`);
    }
    orders.forEach(checkOrders);
    this.plans = workload.layers.map(({ layer }, i) => new RelaxedLayerPlan(layer, orders[i], options));
    this.length = workload.layers.length * RELAXED_FACTORS_PER_LAYER;
    this.maxBand = options.maxBand ?? DEFAULT_MAX_BAND;
  }

  evaluate(x: Float64Array, gradient?: Float64Array): RelaxedEvaluation {
    if (x.length !== this.length) throw new RangeError(`x has ${x.length} entries; this objective takes ${this.length} (layers × ${RELAXED_FACTORS_PER_LAYER})`);
    if (gradient && gradient.length !== this.length) throw new RangeError(`gradient has ${gradient.length} entries; expected ${this.length}`);
    const tape = this.tape;
    tape.reset();
    for (let i = 0; i < x.length; i++) tape.leaf(x[i]);
    const counts = this.plans.map((plan, l) => plan.counts(tape, l * RELAXED_FACTORS_PER_LAYER));
    const hw = derivedHardware(tape, counts, this.maxBand);
    const cycles: Node[] = [];
    const energy: Node[] = [];
    this.plans.forEach((plan, l) => {
      const cost = plan.cost(tape, counts[l], hw);
      cycles.push(cost.cycles);
      energy.push(cost.energy);
    });
    const repeats = this.workload.layers.map((l) => l.count);
    const totalCycles = tape.weightedSum(cycles, repeats);
    const totalEnergy = tape.weightedSum(energy, repeats);
    const lnEdp = tape.add(tape.log(totalCycles), tape.log(totalEnergy));
    if (gradient) tape.gradient(lnEdp, this.length, gradient);
    return {
      lnEdp: tape.value(lnEdp),
      cycles: tape.value(totalCycles),
      energy: tape.value(totalEnergy),
      hardware: { peDim: tape.value(hw.peDim), spKB: tape.value(hw.spKB), accKB: tape.value(hw.accKB) },
    };
  }
}

/** The relaxed minimal hardware of the layers' counts (see {@link RelaxedAnalyticalModel}). */
function derivedHardware(tape: Tape, counts: readonly LayerCounts[], band: number): HardwareNodes {
  const peDim = smoothMax(tape, [tape.leaf(2), ...counts.flatMap((c) => [c.sC, c.sK])], band);
  const spWords = smoothMax(tape, counts.map((c) => c.scratchpadWords), band);
  const accWords = smoothMax(tape, counts.map((c) => c.accumulatorWords), band);
  return {
    peDim,
    spKB: tape.affine(spWords, SCRATCHPAD_WORD_BYTES / 1024),
    accKB: tape.affine(tape.mul(peDim, accWords), ACCUMULATOR_WORD_BYTES / 1024),
  };
}

function checkOrders(orders: LoopOrders, layer: number): void {
  if (orders.length !== 4) throw new RangeError(`loop orders of layer ${layer} have ${orders.length} levels; expected 4`);
  orders.forEach((order, level) => {
    if (order.length !== DIMS.length || DIMS.some((d) => !order.includes(d))) {
      throw new RangeError(`loop order of layer ${layer} at L${level} is [${order.join(' ')}]; expected a permutation of ${DIMS.join(' ')}`);
    }
  });
}

/**
 * One layer of the relaxed model on given (continuous) hardware, for comparisons with the exact
 * model: cycles and energy (pJ) of one execution at the ln factors `x` (30 entries, core's layout).
 */
export function evaluateRelaxedLayer(
  layer: Layer, orders: LoopOrders, x: ArrayLike<number>, hardware: HardwareConfig, options: RelaxedAnalyticalOptions = {},
): { cycles: number; energy: number } {
  checkOrders(orders, 0);
  const tape = new Tape();
  for (let i = 0; i < RELAXED_FACTORS_PER_LAYER; i++) tape.leaf(x[i]);
  const plan = new RelaxedLayerPlan(layer, orders, options);
  const hw = { peDim: tape.leaf(hardware.peDim), spKB: tape.leaf(hardware.spKB), accKB: tape.leaf(hardware.accKB) };
  const cost = plan.cost(tape, plan.counts(tape, 0), hw);
  return { cycles: tape.value(cost.cycles), energy: tape.value(cost.energy) };
}
