import { dirname } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  type Evaluator, HardwareSpace, Mapper, type Mapper as MapperType, type RunConfig, Store,
  type SearchSummary, expandOutputPath, loadRunConfig, openStore, resolveWorkload, runSearch,
  resolveEnergySetting,
} from '@polaris/core';
import { createRegistry } from '../host/builtin-plugins.js';
import { createEvaluator } from '../host/create-evaluator.js';
import { mapperForEvaluators } from '../host/mapper-for-evaluators.js';
import { runIdFor } from '../host/run-id.js';
import { formatDesignReport } from '../render/format-design-report.js';
import { renderSearchEvents } from '../render/render-search-events.js';
import { buildResultDocument } from './result-document.js';

/** Flags of `polaris run` that override the config. */
export interface RunFlags {
  readonly trials?: number;
  readonly seed?: number;
  readonly quiet?: boolean;
  /** Allow `budget.trials` above core's MAX_TRIALS (1,000,000). */
  readonly force?: boolean;
}

/**
 * `polaris run <config.yaml>`: a seeded search as the config describes, stored as it goes
 * (rerunning the same config resumes it), ending with the best design printed and written
 * to the JSON result file. Ctrl-C stops cleanly; nothing computed is lost.
 * @returns the process exit code.
 */
export async function runCommand(configPath: string, flags: RunFlags): Promise<number> {
  // --trials and --seed override the file; trials above MAX_TRIALS are refused without --force.
  const config: RunConfig = loadRunConfig(configPath, { trials: flags.trials, seed: flags.seed, force: flags.force });
  const workload = resolveWorkload(config.workload, dirname(configPath));
  const energy = resolveEnergySetting(config.energy);
  const hardwareSpace = new HardwareSpace(config.space);
  const registry = createRegistry(config.plugins);
  const store = openStore(config.store);
  try {
    registry.container.bind(Store).toConstantValue(store);
    // The config's `energy` table prices the built-in fidelities; evaluator options may override it.
    const evaluator: Evaluator = await createEvaluator(registry, config.evaluator.id, energy, {
      options: config.evaluator.options, seed: config.seed, workload,
    });
    const { mapper } = await mapperForEvaluators(registry, [evaluator], energy, config.seed);
    registry.container.bind<MapperType>(Mapper).toConstantValue(mapper);
    const optimizer = await registry.optimizer(config.optimizer.id, {
      options: config.optimizer.options, seed: config.seed, workload, hardwareSpace,
    });
    const runId = runIdFor(config);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    log(`run ${runId}: ${workload.name} (${workload.layers.length} unique layers), evaluator ${evaluator.id} (${evaluator.fidelity} fidelity), ` +
      `optimizer ${config.optimizer.id}, ${config.budget.trials} trials, seed ${config.seed}; store ${config.store}`);

    const search = runSearch({
      optimizer, evaluator, store, workload, runId,
      budget: { trials: config.budget.trials, batch: config.budget.batch },
      concurrency: config.concurrency,
      run: { config: JSON.stringify(config), seed: config.seed },
    });
    const stopOnSignal = () => {
      log('\nstopping: finishing nothing new, keeping everything stored; rerun the same command to resume');
      search.stop();
    };
    process.once('SIGINT', stopOnSignal);
    process.once('SIGTERM', stopOnSignal);
    const timer = config.budget.minutes ? setTimeout(() => search.stop(), config.budget.minutes * 60_000) : undefined;
    renderSearchEvents(search.events$, { quiet: flags.quiet ?? false });
    let summary: SearchSummary;
    try {
      summary = await search.done;
    } finally {
      clearTimeout(timer);
      process.off('SIGINT', stopOnSignal);
      process.off('SIGTERM', stopOnSignal);
    }
    return report(config, runId, workload, summary);
  } finally {
    store.close();
  }
}

function report(config: RunConfig, runId: string, workload: ReturnType<typeof resolveWorkload>, summary: SearchSummary): number {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`${summary.trials} trials (${summary.resumed} resumed, ${summary.evaluated} evaluated, ${summary.cached} from the store, ` +
    `${summary.failed} failed) in ${(summary.elapsedMs / 1000).toFixed(1)} s; stopped by ${summary.stoppedBy}`);
  if (!summary.best) {
    log('no trial succeeded: nothing to report (see the errors above)');
    return 1;
  }
  process.stdout.write(`\nbest design (trial ${summary.best.index})\n`);
  process.stdout.write(`${formatDesignReport(workload, summary.best.point, summary.best.evaluation)}\n`);
  const outputPath = expandOutputPath(config, { workload: workload.name, optimizer: config.optimizer.id, evaluator: config.evaluator.id });
  mkdirSync(dirname(outputPath), { recursive: true });
  writeFileSync(outputPath, `${JSON.stringify(buildResultDocument(config, runId, workload, summary), null, 2)}\n`);
  log(`\nresult written to ${outputPath}; run stored in ${config.store} as ${runId}`);
  return summary.stoppedBy === 'aborted' ? 130 : 0;
}
