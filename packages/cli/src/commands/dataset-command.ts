import { lastValueFrom, tap } from 'rxjs';
import {
  type DesignPoint, type Evaluator, type HardwareRanges, HardwareSpace, type QueryableStore, type Workload,
  evaluateThroughStore, hashDesignPoint, openStore, resolveEnergySetting, resolveWorkload,
} from '@polaris/core';
import { createRegistry } from '../host/builtin-plugins.js';
import { createEvaluator } from '../host/create-evaluator.js';
import { mapperForEvaluators } from '../host/mapper-for-evaluators.js';
import { UsageError } from './usage-error.js';

/** Fidelities `polaris dataset` can label samples with (the evaluator of the same id scores them). */
export const DATASET_FIDELITIES = ['analytical', 'rtl'] as const;

/** Flags of `polaris dataset`. */
export interface DatasetFlags {
  readonly fidelity: string;
  readonly workload: string;
  readonly n: number;
  readonly seed: number;
  readonly store: string;
  readonly energy: string;
  /** Hardware ranges, `peDim=4:32,spKB=64:512` (absent keys keep the template's range). */
  readonly space?: string;
  /** Extra plugin paths or packages. */
  readonly plugin?: readonly string[];
}

/** What one evaluator did for a dataset. */
export interface DatasetTally {
  fresh: number;
  reused: number;
  failed: number;
}

/**
 * Scores `points` with `evaluator` through the store ({@link evaluateThroughStore}: stored
 * evaluations reused, new ones stored as they arrive, `maxConcurrency` at a time). Failures are
 * counted and printed, never thrown.
 */
export async function evaluateIntoStore(
  evaluator: Evaluator, points: readonly DesignPoint[], workload: Workload, store: QueryableStore,
): Promise<DatasetTally> {
  const tally: DatasetTally = { fresh: 0, reused: points.length - new Set(points.map(hashDesignPoint)).size, failed: 0 };
  await lastValueFrom(evaluateThroughStore(points, { evaluator, store, workload }).pipe(tap(({ pointHash, result, cached }) => {
    if (cached) tally.reused++;
    else if (result.ok) tally.fresh++;
    else {
      tally.failed++;
      process.stderr.write(`${evaluator.id}: point ${pointHash} failed: ${result.error}\n`);
    }
  })), { defaultValue: undefined });
  return tally;
}

/**
 * Parses `--space peDim=4:32,spKB=64:512,accKB=16:256` into hardware ranges.
 * @throws UsageError naming the malformed part.
 */
export function parseSpaceFlag(text: string): HardwareRanges {
  const ranges: Record<string, readonly [number, number]> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(peDim|spKB|accKB)=([^:]+):(.+)$/.exec(part);
    const min = Number(match?.[2]);
    const max = Number(match?.[3]);
    if (!match || !Number.isFinite(min) || !Number.isFinite(max)) {
      throw new UsageError(`--space ${text}: "${part}" is not key=min:max with key peDim, spKB or accKB (e.g. peDim=4:32,spKB=64:512)`);
    }
    ranges[match[1]] = [min, max];
  }
  return ranges as HardwareRanges;
}

const describeTally = (t: DatasetTally): string => `${t.fresh} new, ${t.reused} reused from the store, ${t.failed} failed`;

/**
 * `polaris dataset`: samples `n` seeded valid design points of a workload (half with the
 * analytical mapper's mappings, half random valid ones; hardware from the Gemmini space, narrowed
 * by `--space`)
 * and evaluates them at the asked fidelity into the store, together with their analytical
 * evaluations (the models' features). Evaluations already stored are reused, so rerunning a
 * dataset, or growing it with a larger `n` (same seed: the first points are the same), only
 * pays for what is new. Prints a summary; exit code 1 when some evaluation failed.
 */
export async function datasetCommand(flags: DatasetFlags): Promise<number> {
  if (!(DATASET_FIDELITIES as readonly string[]).includes(flags.fidelity)) {
    throw new UsageError(`--fidelity ${flags.fidelity}: expected one of ${DATASET_FIDELITIES.join(', ')}`);
  }
  if (flags.n < 1) throw new UsageError('--n must be at least 1');
  const started = performance.now();
  let hardwareSpace: HardwareSpace;
  try {
    hardwareSpace = new HardwareSpace(flags.space ? parseSpaceFlag(flags.space) : {});
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--space ${flags.space}: ${(error as Error).message}`);
  }
  const { sampleDesignPoints, samplesFromStore } = await import('@polaris/starlight');
  const workload = resolveWorkload(flags.workload);
  const energy = resolveEnergySetting(flags.energy);
  const registry = createRegistry(flags.plugin ?? []);
  const create = (id: string) => createEvaluator(registry, id, energy, { seed: flags.seed, workload });
  const target = await create(flags.fidelity);
  const features = flags.fidelity === 'analytical' ? target : await create('analytical');
  const { mapper, bufferLayout } = await mapperForEvaluators(registry, [target, features], energy, flags.seed);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`sampling ${flags.n} design points of ${workload.name} (${workload.layers.length} unique layers, seed ${flags.seed}` +
    `${bufferLayout === 'rows' ? ', row-organised buffers' : ''})…`);
  const points = sampleDesignPoints(workload, flags.n, flags.seed, { hardwareSpace, mapper, bufferLayout });
  const store = openStore(flags.store);
  try {
    const tallies: [Evaluator, DatasetTally][] = [];
    for (const evaluator of features === target ? [target] : [features, target]) {
      log(`evaluating at ${evaluator.id} (${evaluator.fidelity} fidelity)…`);
      tallies.push([evaluator, await evaluateIntoStore(evaluator, points, workload, store)]);
    }
    const seconds = (performance.now() - started) / 1000;
    const held = samplesFromStore(store, { workload, fidelity: target.fidelity, evaluator: target.id }).length;
    const lines = [`dataset ${workload.name} at ${flags.fidelity}: ${points.length} design points in ${seconds.toFixed(1)} s`];
    for (const [evaluator, tally] of tallies) lines.push(`  ${evaluator.id}: ${describeTally(tally)}`);
    lines.push(`  the store ${flags.store} now holds ${held} ${flags.fidelity} layer samples of ${workload.name}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return tallies.some(([, t]) => t.failed > 0) ? 1 : 0;
  } finally {
    store.close();
  }
}
