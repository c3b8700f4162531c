import { ContainerModule } from 'inversify';
import { OptimizerFactory } from '@polaris/core';
import { OPTIMIZER_FACTORIES } from './optimizer-factories.js';

/** Plugin entry of @polaris/polaris: binds every optimizer this package provides. */
export default new ContainerModule(({ bind }) => {
  for (const factory of OPTIMIZER_FACTORIES) bind<OptimizerFactory>(OptimizerFactory).toConstantValue(factory);
});
