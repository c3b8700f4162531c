import { existsSync } from 'node:fs';
import { analyzeLayer, dosaRowOptions } from '@polaris/analytical';
import { join, resolve } from 'node:path';
import {
  type EnergyTable, type EnergyTableName, type Evaluator, HardwareSpace, type QueryableStore, type Workload,
  evaluationKey, hashDesignPoint, openStore, resolveEnergySetting, resolveWorkload, workloadHash,
} from '@polaris/core';
import { createRegistry } from '../host/builtin-plugins.js';
import { createEvaluator } from '../host/create-evaluator.js';
import { mapperForEvaluators } from '../host/mapper-for-evaluators.js';
import { evaluateIntoStore } from './dataset-command.js';
import { UsageError } from './usage-error.js';

/** High-fidelity sources `polaris train --fidelity` reads from the store. */
export const TRAIN_FIDELITIES = ['rtl', 'analytical'] as const;

/** Flags of `polaris train`. */
export interface TrainFlags {
  /** Workload names (a list; entries may also be comma-separated). */
  readonly workload: readonly string[];
  readonly store: string;
  readonly fidelity: string;
  /** A FireSim CSV in DOSA's format: measured high-fidelity data instead of the store's. */
  readonly csv?: string;
  readonly lowSamples: number;
  readonly epochs?: number;
  readonly seed: number;
  /** A saved Starlight-Low to reuse (no pretraining). */
  readonly low?: string;
  readonly out: string;
  readonly energy: string;
  readonly fineTuneSteps?: number;
  readonly latentDim?: number;
  /** Encoder hidden widths, `128,64`. */
  readonly hidden?: string;
  readonly plugin?: readonly string[];
}

type StarlightModule = typeof import('@polaris/starlight');
type DatasetSample = import('@polaris/starlight').DatasetSample;
type StarlightLowModel = import('@polaris/starlight').StarlightLow;

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function parseHidden(text: string): number[] {
  const widths = text.split(',').map((w) => Number(w.trim()));
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new UsageError(`--hidden ${text}: expected comma-separated positive integers, e.g. 128,64`);
  }
  return widths;
}

/** The store's high-fidelity samples of every workload; a UsageError saying which dataset command makes them when there are none. */
function storeSamples(sl: StarlightModule, store: QueryableStore, storePath: string, workloads: readonly Workload[], fidelity: 'rtl' | 'analytical') {
  const perWorkload = workloads.map((workload) => ({ workload, samples: sl.samplesFromStore(store, { workload, fidelity }) }));
  if (perWorkload.every((w) => w.samples.length === 0)) {
    const first = workloads[0]?.name ?? 'resnet50';
    throw new UsageError(`the store ${storePath} holds no ${fidelity} samples of ${workloads.map((w) => w.name).join(', ')}; ` +
      `make them with \`polaris dataset --fidelity ${fidelity} --workload ${first} --n 50 --store ${storePath}\` ` +
      '(once per workload), or train on measured data with --csv <firesim.csv>');
  }
  return perWorkload;
}

/**
 * Analytical samples of `n` seeded design points per workload for pretraining: points drawn as
 * `polaris dataset` draws them, evaluations reused from the store or made and stored.
 */
async function lowSamples(
  sl: StarlightModule, analytical: Evaluator, workloads: readonly Workload[], n: number, seed: number, store: QueryableStore,
  energy: EnergyTable | EnergyTableName, registry: ReturnType<typeof createRegistry>,
): Promise<DatasetSample[]> {
  const { mapper, bufferLayout } = await mapperForEvaluators(registry, [analytical], energy, seed);
  const samples: DatasetSample[] = [];
  for (const workload of workloads) {
    const started = performance.now();
    const points = sl.sampleDesignPoints(workload, n, seed, { hardwareSpace: new HardwareSpace({}), mapper, bufferLayout });
    const tally = await evaluateIntoStore(analytical, points, workload, store);
    const wHash = workloadHash(workload);
    let used = 0;
    for (const point of points) {
      const evaluation = store.getEvaluation(evaluationKey(analytical, hashDesignPoint(point), wHash));
      if (!evaluation) continue; // failed; already reported
      samples.push(...sl.samplesFromEvaluations(workload, point, evaluation, evaluation, 'analytical'));
      used++;
    }
    log(`  ${workload.name}: ${used} design points (${tally.fresh} evaluated now, ${tally.reused} reused from the store, ${tally.failed} failed) in ${seconds(started)}`);
  }
  return samples;
}

/**
 * `polaris train`: pretrains Starlight-Low on analytical samples (or loads one with `--low`),
 * transfers it to the high-fidelity samples of the store (or of a FireSim CSV) and saves both:
 * `<out>/low/` and `<out>/`. Prints counts, timings, the tfjs backend and the training metadata.
 */
export async function trainCommand(flags: TrainFlags): Promise<number> {
  const highSource = flags.csv !== undefined ? 'csv' : flags.fidelity;
  if (highSource !== 'csv' && !(TRAIN_FIDELITIES as readonly string[]).includes(highSource)) {
    throw new UsageError(`--fidelity ${flags.fidelity}: expected one of ${TRAIN_FIDELITIES.join(', ')} (or --csv <firesim.csv> for measured data)`);
  }
  if (flags.lowSamples < 1) throw new UsageError('--low-samples must be at least 1');
  if (flags.epochs !== undefined && flags.epochs < 1) throw new UsageError('--epochs must be at least 1');
  if (flags.csv !== undefined && !existsSync(flags.csv)) throw new UsageError(`--csv ${flags.csv}: no such file`);
  if (flags.low !== undefined && !existsSync(resolve(flags.low))) throw new UsageError(`--low ${flags.low}: no such directory (a Starlight-Low saved by polaris train, <out>/low)`);
  const hidden = flags.hidden !== undefined ? parseHidden(flags.hidden) : undefined;
  const names = flags.workload.flatMap((w) => w.split(',')).map((w) => w.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--workload: give at least one workload');
  const workloads = names.map((name) => resolveWorkload(name));
  const energy = resolveEnergySetting(flags.energy);
  const started = performance.now();

  const sl = await import('@polaris/starlight');
  const backend = await sl.ensureBackend();
  log(`tfjs backend: ${backend}`);
  const needStore = highSource !== 'csv' || flags.low === undefined;
  if (highSource !== 'csv' && !existsSync(flags.store)) {
    throw new UsageError(`the store ${flags.store} does not exist; make high-fidelity samples with ` +
      `\`polaris dataset --fidelity ${highSource} --workload ${workloads[0].name} --n 50 --store ${flags.store}\`, or use --csv <firesim.csv>`);
  }
  const store = needStore ? openStore(flags.store) : undefined;
  try {
    // High-fidelity samples first: fail before spending minutes pretraining.
    let high: DatasetSample[];
    const highLines: string[] = [];
    if (highSource === 'csv') {
      const imported = sl.importFiresimCsv(flags.csv!, { analytical: (row, mapping) => analyzeLayer(row.layer, row.hardware, mapping, dosaRowOptions(row, energy)) });
      high = imported.samples;
      highLines.push(`  ${flags.csv}: ${high.length} layer samples, ${imported.skipped.length} rows skipped` +
        (imported.skipped.length > 0 ? ` (e.g. line ${imported.skipped[0].line}: ${imported.skipped[0].reason})` : ''));
      if (high.length < 3) throw new UsageError(`--csv ${flags.csv}: ${high.length} usable rows; Starlight needs at least 3`);
    } else {
      const perWorkload = storeSamples(sl, store!, flags.store, workloads, highSource as 'rtl' | 'analytical');
      high = perWorkload.flatMap((w) => w.samples);
      for (const { workload, samples } of perWorkload) highLines.push(`  ${workload.name}: ${samples.length} ${highSource} layer samples`);
      if (high.length < 3) throw new UsageError(`the store ${flags.store} holds ${high.length} ${highSource} layer samples; Starlight needs at least 3 (grow them with polaris dataset)`);
    }
    log(`high-fidelity data (${highSource === 'csv' ? 'measured, FireSim CSV' : `${highSource} from ${flags.store}`}):\n${highLines.join('\n')}`);

    const outDir = resolve(flags.out);
    const lowDir = join(outDir, 'low');
    let low: StarlightLowModel;
    let lowRows = 0;
    let pretrainTime = 'reused';
    if (flags.low !== undefined) {
      low = await sl.StarlightLow.load(resolve(flags.low));
      log(`Starlight-Low loaded from ${flags.low} (pretrained on ${low.metadata.training?.samples ?? '?'} samples)`);
    } else {
      log(`analytical pretraining data: ${flags.lowSamples} design points per workload (seed ${flags.seed})…`);
      const registry = createRegistry(flags.plugin ?? []);
      const analytical = await createEvaluator(registry, 'analytical', energy, { seed: flags.seed });
      const samples = await lowSamples(sl, analytical, workloads, flags.lowSamples, flags.seed, store!, energy, registry);
      const table = sl.layerTableFromSamples(samples);
      lowRows = table.rows;
      log(`pretraining Starlight-Low on ${table.rows} layer samples…`);
      const t0 = performance.now();
      low = await sl.StarlightLow.pretrain(table, {
        seed: flags.seed, epochs: flags.epochs, latentDim: flags.latentDim, hidden,
        onEpoch: (epoch, loss) => log(`  epoch ${epoch + 1}: loss ${loss.toFixed(4)}`),
      });
      pretrainTime = seconds(t0);
      await low.save(lowDir);
    }
    log(`transferring to ${high.length} high-fidelity layer samples…`);
    const t1 = performance.now();
    const model = await sl.Starlight.transfer(low, sl.layerTableFromSamples(high), { seed: flags.seed, fineTuneSteps: flags.fineTuneSteps });
    const transferTime = seconds(t1);
    await model.save(outDir);

    const lowTraining = low.metadata.training;
    const mae = lowTraining?.validationMae;
    const lines = [
      `trained Starlight in ${seconds(started)} on the ${sl.activeBackendName() ?? backend} backend`,
      `  Starlight-Low: ${flags.low !== undefined ? `reused ${flags.low}` : `${lowRows} analytical layer samples of ${names.join(', ')}, pretrained in ${pretrainTime}; saved to ${lowDir}`}`,
      `  pretraining validation error (MAE of ln): ` + (mae ? `cycles ${mae[0].toFixed(4)} (×${Math.exp(mae[0]).toFixed(3)}), energy ${mae[1].toFixed(4)} (×${Math.exp(mae[1]).toFixed(3)})` : 'none (no held-out rows)'),
      `  Starlight: ${high.length} high-fidelity layer samples (${highSource === 'csv' ? `FireSim CSV ${flags.csv}` : highSource}), transferred in ${transferTime}; saved to ${outDir}`,
      `  Starlight-Low training: ${JSON.stringify(lowTraining)}`,
      `  Starlight training: ${JSON.stringify(model.metadata.training)}`,
      `use it: polaris predict --model ${flags.out} --workload ${names[0]}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    model.dispose();
    low.dispose();
    return 0;
  } finally {
    store?.close();
  }
}
