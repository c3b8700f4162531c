import { createHash } from 'node:crypto';
import type { RunConfig } from '@polaris/core';

/**
 * The store's run id for a config: its name, seed and a hash of everything that decides the
 * sequence of trials. Budget, output, store, concurrency, retries and lock timing are left out,
 * so rerunning the same config — after a kill, with a larger `trials`, or with more retries
 * once a simulator is fixed — resumes the same run.
 */
export function runIdFor(config: RunConfig): string {
  const {
    budget: _budget, output: _output, store: _store, concurrency: _concurrency, retries: _retries, lock: _lock, evaluators, ...rest
  } = config;
  // Keys added after runs were first stored hash only when set, so those stores still resume.
  const identity = evaluators.length > 0 ? { ...rest, evaluators } : rest;
  // A single optimizer hashes as the one component it was before schedules existed, so stores
  // written then still resume.
  const [only] = config.optimizer;
  const optimizer = config.optimizer.length === 1 && only.trials === undefined ? { id: only.id, options: only.options } : config.optimizer;
  const hash = createHash('sha256').update(JSON.stringify({ ...identity, optimizer, batch: config.budget.batch })).digest('hex').slice(0, 8);
  return `${config.name}-seed${config.seed}-${hash}`;
}
