import { ContainerModule } from 'inversify';
import { OptimizerFactory, PerformanceModelFactory } from '@polaris/core';
import { gaussianProcessModelFactory } from './bayesian/gaussian-process-plugin.js';
import { OPTIMIZER_FACTORIES } from './optimizer-factories.js';

/** Plugin entry of @polaris/polaris: binds every optimizer this package provides, and the `gp` performance model. */
export default new ContainerModule(({ bind }) => {
  for (const factory of OPTIMIZER_FACTORIES) bind<OptimizerFactory>(OptimizerFactory).toConstantValue(factory);
  bind<PerformanceModelFactory>(PerformanceModelFactory).toConstantValue(gaussianProcessModelFactory);
});
