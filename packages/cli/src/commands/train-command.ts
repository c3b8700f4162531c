import { existsSync } from 'node:fs';
import { analyzeLayer, dosaRowOptions } from '@polaris/analytical';
import { resolve } from 'node:path';
import {
  type EnergyTable, type EnergyTableName, HardwareSpace, type Mapper, type QueryableStore, type Workload,
  openStore, resolveEnergySetting, resolveWorkload,
} from '@polaris/core';
import { createRegistry } from '../host/builtin-plugins.js';
import { createEvaluator } from '../host/create-evaluator.js';
import { mapperForEvaluators } from '../host/mapper-for-evaluators.js';
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
type StarlightTrainingEvent = import('@polaris/starlight').StarlightTrainingEvent;

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

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

/** The high-fidelity samples the flags name (FireSim CSV or the store), with a line per source. */
function highFidelitySamples(sl: StarlightModule, flags: TrainFlags, source: string, workloads: readonly Workload[], store: QueryableStore | undefined, energy: EnergyTable | EnergyTableName) {
  const lines: string[] = [];
  let samples: DatasetSample[];
  if (source === 'csv') {
    const imported = sl.importFiresimCsv(flags.csv!, { analytical: (row, mapping) => analyzeLayer(row.layer, row.hardware, mapping, dosaRowOptions(row, energy)) });
    samples = imported.samples;
    lines.push(`  ${flags.csv}: ${samples.length} layer samples, ${imported.skipped.length} rows skipped` +
      (imported.skipped.length > 0 ? ` (e.g. line ${imported.skipped[0].line}: ${imported.skipped[0].reason})` : ''));
    if (samples.length < 3) throw new UsageError(`--csv ${flags.csv}: ${samples.length} usable rows; Starlight needs at least 3`);
  } else {
    const perWorkload = storeSamples(sl, store!, flags.store, workloads, source as 'rtl' | 'analytical');
    samples = perWorkload.flatMap((w) => w.samples);
    for (const { workload, samples: s } of perWorkload) lines.push(`  ${workload.name}: ${s.length} ${source} layer samples`);
    if (samples.length < 3) throw new UsageError(`the store ${flags.store} holds ${samples.length} ${source} layer samples; Starlight needs at least 3 (grow them with polaris dataset)`);
  }
  return { samples, lines };
}

/** The progress of the training workflow as stderr lines. */
function logProgress(event: StarlightTrainingEvent): void {
  switch (event.kind) {
    case 'pretraining-data': {
      const t = event.tally;
      log(`  ${t.workload}: ${t.used} design points (${t.fresh} evaluated now, ${t.reused} reused from the store, ${t.failed} failed) in ${seconds(t.ms)}`);
      break;
    }
    case 'evaluation-failed':
      log(`${event.failure.evaluator}: point ${event.failure.pointHash} failed: ${event.failure.error}`);
      break;
    case 'pretraining':
      log(`pretraining Starlight-Low on ${event.rows} layer samples…`);
      break;
    case 'epoch':
      log(`  epoch ${event.epoch + 1}: loss ${event.loss.toFixed(4)}`);
      break;
    case 'transfer':
      log(`transferring to ${event.rows} high-fidelity layer samples…`);
      break;
  }
}

/**
 * `polaris train`: the Starlight training workflow (`trainStarlight` in @polaris/starlight) on
 * the flags' data — pretraining Starlight-Low on analytical samples (or loading one with
 * `--low`), transferring it to the high-fidelity samples of the store (or of a FireSim CSV),
 * saving `<out>/low/` and `<out>/` — and its report: counts, timings, the tfjs backend and the
 * training metadata.
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
  log(`tfjs backend: ${await sl.ensureBackend()}`);
  const needStore = highSource !== 'csv' || flags.low === undefined;
  if (highSource !== 'csv' && !existsSync(flags.store)) {
    throw new UsageError(`the store ${flags.store} does not exist; make high-fidelity samples with ` +
      `\`polaris dataset --fidelity ${highSource} --workload ${workloads[0].name} --n 50 --store ${flags.store}\`, or use --csv <firesim.csv>`);
  }
  const store = needStore ? openStore(flags.store) : undefined;
  let mapper: Mapper | undefined;
  try {
    // High-fidelity samples first: fail before spending minutes pretraining.
    const high = highFidelitySamples(sl, flags, highSource, workloads, store, energy);
    log(`high-fidelity data (${highSource === 'csv' ? 'measured, FireSim CSV' : `${highSource} from ${flags.store}`}):\n${high.lines.join('\n')}`);

    const outDir = resolve(flags.out);
    let low: import('@polaris/starlight').StarlightLow | undefined;
    let pretrain: import('@polaris/starlight').PretrainingSource | undefined;
    if (flags.low !== undefined) {
      low = await sl.StarlightLow.load(resolve(flags.low));
      log(`Starlight-Low loaded from ${flags.low} (pretrained on ${low.metadata.training?.samples ?? '?'} samples)`);
    } else {
      log(`analytical pretraining data: ${flags.lowSamples} design points per workload (seed ${flags.seed})…`);
      const registry = createRegistry(flags.plugin ?? []);
      const analytical = await createEvaluator(registry, 'analytical', energy, { seed: flags.seed });
      const mapped = await mapperForEvaluators(registry, [analytical], energy, flags.seed);
      mapper = mapped.mapper;
      pretrain = { workloads, pointsPerWorkload: flags.lowSamples, analytical, mapper, bufferLayout: mapped.bufferLayout, hardwareSpace: new HardwareSpace({}), store };
    }
    const training = await sl.trainStarlight({
      high: high.samples, ...(low ? { low } : { pretrain: pretrain! }), seed: flags.seed, out: outDir, onProgress: logProgress,
      lowOptions: { epochs: flags.epochs, latentDim: flags.latentDim, hidden }, transfer: { fineTuneSteps: flags.fineTuneSteps },
    });
    const { report } = training;
    const lowTraining = training.low.metadata.training;
    const mae = lowTraining?.validationMae;
    const lines = [
      `trained Starlight in ${seconds(performance.now() - started)} on the ${report.backend} backend`,
      `  Starlight-Low: ${flags.low !== undefined ? `reused ${flags.low}` : `${report.pretrainingRows} analytical layer samples of ${names.join(', ')}, pretrained in ${seconds(report.pretrainMs ?? 0)}; saved to ${report.lowDir}`}`,
      `  pretraining validation error (MAE of ln): ` + (mae ? `cycles ${mae[0].toFixed(4)} (×${Math.exp(mae[0]).toFixed(3)}), energy ${mae[1].toFixed(4)} (×${Math.exp(mae[1]).toFixed(3)})` : 'none (no held-out rows)'),
      `  Starlight: ${high.samples.length} high-fidelity layer samples (${highSource === 'csv' ? `FireSim CSV ${flags.csv}` : highSource}), transferred in ${seconds(report.transferMs)}; saved to ${outDir}`,
      `  Starlight-Low training: ${JSON.stringify(lowTraining)}`,
      `  Starlight training: ${JSON.stringify(training.model.metadata.training)}`,
      `  calibration on held-out layers: ${calibrationLine(training.model.metadata.calibration)}`,
      `use it: polaris predict --model ${flags.out} --workload ${names[0]}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    training.model.dispose();
    training.low.dispose();
    return 0;
  } finally {
    await mapper?.close?.();
    store?.close();
  }
}

/** One line on a Starlight model's calibration (see @polaris/starlight's calibration.ts). */
function calibrationLine(c: import('@polaris/starlight').StarlightMetadata['calibration']): string {
  if (!c) return 'none (too few layers to hold some out; σ is the GP\'s own)';
  // σ_GP is the GP's σ; the floor (natural-log units) is printed only when there is one.
  const sigma = (t: { sigmaScale: number; sigmaFloor?: number }) => (t.sigmaFloor
    ? `σ = √((${t.sigmaScale.toFixed(2)} σ_GP)² + ${t.sigmaFloor.toFixed(2)}²)`
    : `σ × ${t.sigmaScale.toFixed(2)}`);
  const target = (t: { meanShrinkage: number; sigmaScale: number; sigmaFloor?: number }) =>
    `mean ${t.meanShrinkage === 0 ? 'the analytical prior' : `prior + ${t.meanShrinkage} × residual`}, ${sigma(t)}`;
  return `${c.heldOutRows} rows of ${c.heldOutGroups} layers; cycles: ${target(c.cycles)}; energy: ${target(c.energy)}; `
    + `ln EDP coverage ±1σ ${c.edpCoverage[0].toFixed(2)}, ±2σ ${c.edpCoverage[1].toFixed(2)} (a calibrated Gaussian: 0.68, 0.95)`;
}
