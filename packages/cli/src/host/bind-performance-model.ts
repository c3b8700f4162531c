import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type EnergyTable, type EnergyTableName, type HardwareSpace, PerformanceModel, type PluginRegistry, type RunConfig, type Workload,
} from '@polaris/core';
import { UsageError } from '../commands/usage-error.js';
import { createComponent } from './create-evaluator.js';

/** What the run's model is made for. */
export interface ModelContext {
  readonly energy: EnergyTable | EnergyTableName;
  readonly workload: Workload;
  readonly hardwareSpace: HardwareSpace;
}

/**
 * Binds the config's `model:` as the container's `PerformanceModel`, for the optimizers that
 * declare they use one (`needs.performanceModel`: bayesian). The model comes from the plugin
 * that provides it, made as its factory's `needs` ask (analytical features priced with the
 * run's energy table; a trained directory in its `modelOption`, checked here). Call it after
 * the Store and Mapper are bound (a model may pretrain with them) and before the optimizers
 * are created. Without `model:` nothing is bound.
 * @returns the bound model, or undefined when the config names none.
 * @throws UnknownPluginError listing the known models; UsageError when no optimizer stage uses
 *   a model, or a model that needs a trained directory is not given an existing one.
 */
export async function bindPerformanceModel(
  registry: PluginRegistry, config: RunConfig, context: ModelContext,
): Promise<PerformanceModel | undefined> {
  if (!config.model) return undefined;
  const { id } = config.model;
  const { modelOption } = await registry.needs('model', id);
  await checkSomeStageUsesIt(registry, config);
  const options: Record<string, unknown> = { ...config.model.options };
  if (modelOption !== undefined) options[modelOption] = trainedDirectory(id, modelOption, options[modelOption]);
  const model = await createComponent(registry, 'model', id, context.energy, {
    options, seed: config.seed, workload: context.workload, hardwareSpace: context.hardwareSpace,
  });
  registry.container.bind<PerformanceModel>(PerformanceModel).toConstantValue(model);
  return model;
}

/** @throws UsageError naming the optimizers that take a model when no stage of the config does. */
async function checkSomeStageUsesIt(registry: PluginRegistry, config: RunConfig): Promise<void> {
  const takes = async (optimizer: string) => (await registry.needs('optimizer', optimizer)).performanceModel === true;
  for (const stage of config.optimizer) if (await takes(stage.id)) return;
  const takers: string[] = [];
  for (const optimizer of registry.ids('optimizer')) {
    if (await takes(optimizer).catch(() => false)) takers.push(optimizer); // an unavailable plugin's are not offered
  }
  const stages = config.optimizer.map((stage) => stage.id).join(', ');
  throw new UsageError(`model: ${config.model!.id} is used by no optimizer of this run (${stages}); `
    + `remove model:, or use an optimizer that takes one (${takers.join(', ') || 'none is loaded'})`);
}

/**
 * The trained model directory given in option `option`, absolute (relative to the current
 * directory, as every path inside component options).
 * @throws UsageError naming `polaris train` when it is missing or does not exist.
 */
function trainedDirectory(id: string, option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new UsageError(`model ${id} needs a trained model directory: set model: {id: ${id}, options: {${option}: <dir>}} `
      + `to a folder written by \`polaris train --out <dir>\``);
  }
  const dir = resolve(process.cwd(), value);
  if (!existsSync(dir)) throw new UsageError(`model.options.${option}: ${dir} does not exist; train one with \`polaris train --out ${dir}\``);
  return dir;
}
