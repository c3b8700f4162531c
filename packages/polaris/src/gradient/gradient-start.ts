import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type DesignPoint, type DifferentiableModel, type HardwareSpace, type LoopOrders, type Mapping, type Workload,
  encodeRelaxedFactors, loopOrdersOf,
} from '@polaris/core';
import { Adam } from './adam.js';
import { chooseDramOrders } from './dram-orders.js';
import { FactorParameters } from './factor-parameters.js';
import { type TileLimits, designOf, hardwareFor, roundDesign, tileLimits } from './round-design.js';

/** How one start descends (the optimizer's options; see gradient-plugin.ts). */
export interface DescentOptions {
  /** Adam steps per start (DOSA: 1,490). */
  readonly steps: number;
  /** Round to a valid design every this many steps, and after the last (DOSA: 500). */
  readonly roundEvery: number;
  /** Adam's learning rate, in ln-factor units per step. */
  readonly learningRate: number;
  /** Weight of the penalty on factors below 1 (and spatial factors above the largest PE array). */
  readonly penalty: number;
}

/** Steps between yields to the event loop (a ResNet-50 step is ~2 ms). */
const STEPS_PER_YIELD = 4;

/** What a start needs besides its first mappings. */
export interface StartContext {
  readonly workload: Workload;
  readonly model: DifferentiableModel;
  readonly space: HardwareSpace;
  readonly options: DescentOptions;
}

/** Designs one start yields: its first one, then one per rounding. */
export const designsPerStart = (options: DescentOptions): number => 1 + Math.ceil(options.steps / options.roundEvery);

/**
 * One start of DOSA's mapping-first gradient search, as a sequence of design points: the start
 * itself (the mapper's mappings on their minimal hardware), then, after every `roundEvery` Adam
 * steps on the differentiable model (and after the last), the rounded design — factors rounded
 * to valid divisors, each layer's DRAM order chosen among weight-, input- and output-stationary,
 * on its minimal hardware. The descent continues from the rounded design with Adam's moments
 * kept (as DOSA reloads its optimizer's state).
 *
 * Loss = ln EDP(x) + penalty · (Σ max(0, −ln f)² + Σ max(0, ln s − ln maxSpatial)²) over the
 * factors f and spatial factors s of x, x from θ by {@link FactorParameters} (DRAM takes the
 * remainder). A pure function of its inputs: the same start gives the same designs.
 * @throws (rejects) with `signal.reason` when aborted (checked at every yield).
 */
export async function* descendFromStart(context: StartContext, start: readonly Mapping[], signal?: AbortSignal): AsyncGenerator<DesignPoint> {
  const { workload, model, space, options } = context;
  const limits = tileLimits(space);
  const parameters = new FactorParameters(workload);
  let orders: LoopOrders[] = start.map(loopOrdersOf);
  yield { hardware: hardwareFor(workload, start, space), mappings: [...start] };
  const theta = parameters.restrict(encodeRelaxedFactors(start));
  const adam = new Adam(parameters.size, options.learningRate);
  const x = new Float64Array(parameters.length);
  const gx = new Float64Array(parameters.length);
  const gTheta = new Float64Array(parameters.size);
  let objective = model.relax(workload, orders);
  for (let step = 1; step <= options.steps; step++) {
    parameters.expand(theta, x);
    objective.evaluate(x, gx);
    parameters.penalty(x, gx, options.penalty, limits.maxSpatial);
    parameters.chain(gx, gTheta);
    if (gTheta.every(Number.isFinite)) adam.step(theta, gTheta);
    if (step % STEPS_PER_YIELD === 0) {
      await yieldToEventLoop();
      signal?.throwIfAborted();
    }
    if (step % options.roundEvery !== 0 && step !== options.steps) continue;
    parameters.expand(theta, x);
    const rounded = roundAndOrder(context, limits, x, orders);
    orders = rounded.orders;
    yield rounded.point;
    theta.set(parameters.restrict(encodeRelaxedFactors(rounded.point.mappings)));
    objective = model.relax(workload, orders);
  }
}

/** The rounded design of x with each layer's DRAM order chosen by the model (see dram-orders.ts). */
function roundAndOrder(context: StartContext, limits: TileLimits, x: Float64Array, orders: readonly LoopOrders[]) {
  const { workload, model, space } = context;
  const factors = roundDesign(workload, x, limits);
  const integer = encodeRelaxedFactors(designOf(workload, factors, orders, space).mappings);
  const chosen = chooseDramOrders(model, workload, integer, orders).orders;
  return { orders: chosen, point: designOf(workload, factors, chosen, space) };
}
