import { dirname } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  DifferentiableModel, type Evaluator, HardwareSpace, Mapper, type Mapper as MapperType, type Optimizer, type RunConfig, ScheduledOptimizer, Store,
  StoreCachedMapper, type Fidelity, type Workload,
  type SearchRun, type SearchSummary, expandOutputPath, loadRunConfig, openStore, resolveWorkload, runSearch,
  resolveEnergySetting,
} from '@polaris/core';
import { bindPerformanceModel } from '../host/bind-performance-model.js';
import { createRegistry } from '../host/builtin-plugins.js';
import { createEvaluator, withEnergyTable } from '../host/create-evaluator.js';
import { mapperForEvaluators } from '../host/mapper-for-evaluators.js';
import { runIdFor } from '../host/run-id.js';
import { stopOnSignals } from '../host/stop-on-signals.js';
import { formatDesignReport } from '../render/format-design-report.js';
import { renderSearchEvents } from '../render/render-search-events.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './usage-error.js';
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
 * to the JSON result file. Ctrl-C (or SIGTERM) stops within about a second — no new trials,
 * evaluations in flight cancelled, everything finished kept — and exits 130 (143); a second
 * signal exits at once. Another process on the same run is refused (the run's write lock).
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
    const { evaluator, evaluators } = await createRunEvaluators(registry, config, energy, workload);
    const { mapper } = await mapperForEvaluators(registry, [evaluator, ...Object.values(evaluators)], energy, config.seed);
    // Mapping is the costly part of a trial: answers are kept in the store, so a killed run loses none.
    const cachedMapper = new StoreCachedMapper(mapper, store);
    registry.container.bind<MapperType>(Mapper).toConstantValue(cachedMapper);
    await bindDifferentiableModel(registry, config, evaluator, energy);
    const model = await bindPerformanceModel(registry, config, { energy, workload, hardwareSpace });
    const optimizer = await createOptimizer(registry, config, workload, hardwareSpace);
    const runId = runIdFor(config);
    const others = Object.values(evaluators).map((e) => `, ${e.id} (${e.fidelity})`).join('');
    log(`run ${runId}: ${workload.name} (${workload.layers.length} unique layers), evaluator ${evaluator.id} (${evaluator.fidelity} fidelity)${others}, ` +
      `optimizer ${optimizer.id}${model ? ` (model ${model.id})` : ''}, ${config.budget.trials} trials, seed ${config.seed}; store ${config.store}`);
    const search = runSearch({
      optimizer, evaluator, evaluators, store, workload, runId,
      budget: config.budget,
      concurrency: config.concurrency,
      retries: config.retries,
      lock: { heartbeatMs: config.lock.heartbeatSeconds * 1000, expiryMs: config.lock.expirySeconds * 1000 },
      run: { config: JSON.stringify(config), seed: config.seed },
    });
    // The mapper's worker threads start with the search's first batch; stopping them here lets the command exit by itself.
    const summary = await watch(search, config, flags, () => store.close()).finally(() => cachedMapper.close());
    const code = report(config, runId, workload, summary);
    const { hits, misses } = cachedMapper.stats;
    if (hits + misses > 0) log(`mapper: ${misses} layer mappings searched, ${hits} read from the store`);
    if (summary.stoppedBy === 'aborted' || summary.stoppedBy === 'minutes') {
      log(`${summary.trials} of ${config.budget.trials} trials are stored in ${config.store}; rerun \`polaris run ${configPath}\` to resume`);
    }
    return code;
  } finally {
    store.close();
  }
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The run's primary evaluator (`evaluator:`) and those of other fidelities (`evaluators:`), each
 * priced with the config's `energy` table (evaluator options may override it).
 * @throws UsageError when two evaluators have the same fidelity.
 */
async function createRunEvaluators(
  registry: ReturnType<typeof createRegistry>, config: RunConfig, energy: ReturnType<typeof resolveEnergySetting>, workload: Workload,
): Promise<{ evaluator: Evaluator; evaluators: Partial<Record<Fidelity, Evaluator>> }> {
  const create = (component: RunConfig['evaluator']) => createEvaluator(registry, component.id, energy, { options: component.options, seed: config.seed, workload });
  const evaluator = await create(config.evaluator);
  const evaluators: Partial<Record<Fidelity, Evaluator>> = {};
  for (const component of config.evaluators) {
    const other = await create(component);
    const clash = other.fidelity === evaluator.fidelity ? evaluator : evaluators[other.fidelity];
    if (clash) {
      throw new UsageError(`evaluators: ${other.id} evaluates at the ${other.fidelity} fidelity, as ${clash.id} does; `
        + 'a run has one evaluator per fidelity — remove one of them');
    }
    evaluators[other.fidelity] = other;
  }
  return { evaluator, evaluators };
}

/**
 * Binds `DifferentiableModel` when an optimizer stage declares it needs one (gradient search):
 * the differentiable model with the evaluator's id (the analytical plugin's relaxed model for
 * `evaluator: analytical`), priced with the run's energy table.
 * @throws UsageError when the evaluator has no differentiable model.
 */
async function bindDifferentiableModel(
  registry: ReturnType<typeof createRegistry>, config: RunConfig, evaluator: Evaluator, energy: ReturnType<typeof resolveEnergySetting>,
): Promise<void> {
  const needing: string[] = [];
  for (const stage of config.optimizer) if ((await registry.needs('optimizer', stage.id)).differentiableModel) needing.push(stage.id);
  if (needing.length === 0) return;
  if (!registry.ids('differentiable').includes(evaluator.id)) {
    const known = registry.ids('differentiable');
    throw new UsageError(`optimizer ${needing[0]} differentiates a model of the run's evaluator, and evaluator ${evaluator.id} has none `
      + `(differentiable models: ${known.join(', ') || 'none'}); use evaluator: ${known[0] ?? 'analytical'} for the search, or another optimizer`);
  }
  const options = await withEnergyTable(registry, 'differentiable', evaluator.id, energy);
  registry.container.bind(DifferentiableModel).toConstantValue(await registry.create('differentiable', evaluator.id, { options, seed: config.seed }));
}

/** The config's optimizer: one plugin optimizer, or a {@link ScheduledOptimizer} of its stages. */
async function createOptimizer(
  registry: ReturnType<typeof createRegistry>, config: RunConfig, workload: Workload, hardwareSpace: HardwareSpace,
): Promise<Optimizer> {
  const stages = await Promise.all(config.optimizer.map(async (stage) => ({
    optimizer: await registry.optimizer(stage.id, { options: stage.options, seed: config.seed, workload, hardwareSpace }),
    ...(stage.trials !== undefined ? { trials: stage.trials } : {}),
  })));
  return stages.length === 1 ? stages[0].optimizer : new ScheduledOptimizer(stages);
}

/** A search's summary, with the signal that stopped it, if any. */
type WatchedSummary = SearchSummary & { readonly signal?: string };

/**
 * Renders a running search and stops it on Ctrl-C / SIGTERM (a second signal exits at once,
 * after `closeStore`); core stops it when a budget runs out.
 */
async function watch(search: SearchRun, config: RunConfig, flags: RunFlags, closeStore: () => void): Promise<WatchedSummary> {
  const signals = stopOnSignals({ stop: () => search.stop('aborted'), beforeExit: closeStore, log });
  renderSearchEvents(search.events$, { quiet: flags.quiet ?? false, retries: config.retries });
  try {
    const summary = await search.done;
    return { ...summary, ...(signals.received() ? { signal: signals.received() } : {}) };
  } finally {
    signals.dispose();
  }
}

function report(config: RunConfig, runId: string, workload: ReturnType<typeof resolveWorkload>, summary: WatchedSummary): number {
  log(`${summary.trials} trials (${summary.resumed} resumed, ${summary.evaluated} evaluated, ${summary.cached} from the store, ` +
    `${summary.failed} failed) in ${(summary.elapsedMs / 1000).toFixed(1)} s; ${STOPPED_BY[summary.stoppedBy]}${summary.signal ? ` (${summary.signal})` : ''}`);
  if (!summary.best) {
    log(summary.trials === 0 ? 'no trial finished: nothing to report' : 'no trial succeeded: nothing to report (the failures are listed above)');
    return summary.signal ? signalExitCode(summary.signal) : EXIT.failure;
  }
  process.stdout.write(`\nbest design (trial ${summary.best.index})\n`);
  process.stdout.write(`${formatDesignReport(workload, summary.best.point, summary.best.evaluation)}\n`);
  const outputPath = expandOutputPath(config, { workload: workload.name, evaluator: config.evaluator.id });
  mkdirSync(dirname(outputPath), { recursive: true });
  writeFileSync(outputPath, `${JSON.stringify(buildResultDocument(config, runId, workload, summary), null, 2)}\n`);
  log(`\nresult written to ${outputPath}; run stored in ${config.store} as ${runId}`);
  return summary.signal ? signalExitCode(summary.signal) : EXIT.ok;
}

/** Why a run ended, in words. */
const STOPPED_BY: Readonly<Record<SearchSummary['stoppedBy'], string>> = {
  budget: 'the trial budget is spent',
  evaluations: 'the evaluation budget (budget.evaluations) is spent',
  exhausted: 'the optimizer has nothing left to propose',
  minutes: 'stopped by the time budget (budget.minutes, counted over every session of the run: raise it to go on)',
  aborted: 'stopped',
};

const signalExitCode = (signal: string): number => (signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint);
