import { EvaluatorFactory, defineEvaluator } from '@polaris/core';
import { ContainerModule } from 'inversify';
import { RTL_ID, RtlEvaluator } from './rtl-evaluator.js';
import { rtlOptionsSchema } from './rtl-options.js';

/**
 * Recipe for the `rtl` evaluator. The registry validates the config's options with
 * `optionsSchema` (defaults filled, unknown keys rejected) before `create`. Creating it does
 * not build anything: the simulator for a peDim is built (or found in the cache) the first time
 * a point with that peDim is evaluated. `create` throws when verilator is not on PATH (the
 * registry reports the plugin `unavailable` before that, from the manifest's `requires`).
 */
export const rtlEvaluatorFactory = defineEvaluator({
  id: RTL_ID,
  description: 'cycle-accurate Verilator simulation of the rtl-sim accelerator; energy from its event counters, area from Yosys',
  optionsSchema: rtlOptionsSchema,
  needs: { energyTableOption: 'energy', timeoutOption: 'timeoutSeconds' },
  create: ({ options }) => new RtlEvaluator(options),
});

/** The plugin's module: binds the factory under core's multi-bound `EvaluatorFactory` token. */
export const rtlPlugin = new ContainerModule(({ bind }) => {
  bind<EvaluatorFactory>(EvaluatorFactory).toConstantValue(rtlEvaluatorFactory);
});

export default rtlPlugin;
