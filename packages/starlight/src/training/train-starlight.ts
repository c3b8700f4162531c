/**
 * The Starlight training workflow (what `polaris train` runs and what a Starlight performance
 * model's `fit` runs): pretrain Starlight-Low on many cheap analytical samples — or reuse a
 * pretrained one — then transfer it to the few high-fidelity samples (deep kernel learning, see
 * {@link Starlight.transfer}), optionally saving both: `<out>/low/` right after pretraining (so a
 * failed transfer keeps it) and `<out>/` (the model and its training rows) after the transfer.
 */
import { join } from 'node:path';
import { activeBackendName, ensureBackend } from '../backend/index.js';
import type { DatasetSample } from '../datasets/dataset-sample.js';
import { Starlight, type StarlightTransferOptions } from '../dkl/starlight.js';
import { StarlightLow, type StarlightLowOptions } from '../low/starlight-low.js';
import { type LayerTable, layerTableFromSamples } from '../model/layer-table.js';
import { saveLayerTable } from '../model/layer-table-file.js';
import { type PretrainingFailure, type PretrainingSource, type PretrainingTally, pretrainingSamples } from './pretraining-samples.js';

/** Progress of {@link trainStarlight}, in order. */
export type StarlightTrainingEvent =
  | { readonly kind: 'pretraining-data'; readonly tally: PretrainingTally }
  | { readonly kind: 'evaluation-failed'; readonly failure: PretrainingFailure }
  | { readonly kind: 'pretraining'; readonly rows: number }
  | { readonly kind: 'epoch'; readonly epoch: number; readonly loss: number }
  | { readonly kind: 'transfer'; readonly rows: number };

/** What {@link trainStarlight} trains on and how. */
export interface StarlightTrainingInput {
  /** The high-fidelity layer samples (or their table) to transfer to; at least 3 rows. */
  readonly high: readonly DatasetSample[] | LayerTable;
  /** A pretrained Starlight-Low to transfer (no pretraining). Give this or `pretrain`. */
  readonly low?: StarlightLow;
  /** How to make the pretraining samples when `low` is not given. */
  readonly pretrain?: PretrainingSource;
  /** Every random choice (pretraining points, initialisation, transfer) derives from it. */
  readonly seed: number;
  /** Starlight-Low's size and training (the seed is `seed`). */
  readonly lowOptions?: Omit<StarlightLowOptions, 'seed' | 'onEpoch'>;
  /** Transfer options (the seed is `seed`); `fineTuneSteps` chosen by validation when absent. */
  readonly transfer?: Omit<StarlightTransferOptions, 'seed'>;
  /** Save Starlight-Low (when pretrained here) to `<out>/low/` and Starlight with its rows to `<out>/`. */
  readonly out?: string;
  readonly onProgress?: (event: StarlightTrainingEvent) => void;
}

/** What was trained and how it went. */
export interface StarlightTraining {
  /** The encoder Starlight was transferred from (given or pretrained here); the caller disposes it. */
  readonly low: StarlightLow;
  /** The caller disposes it. */
  readonly model: Starlight;
  /** The high-fidelity rows Starlight was transferred to. */
  readonly rows: LayerTable;
  readonly report: StarlightTrainingReport;
}

export interface StarlightTrainingReport {
  /** The tfjs backend the training ran on. */
  readonly backend: string;
  /** Layer samples Starlight-Low was pretrained on here (0 when `low` was given). */
  readonly pretrainingRows: number;
  /** Per workload: how its pretraining points were obtained (empty when `low` was given). */
  readonly pretrainingData: readonly PretrainingTally[];
  /** Wall time of pretraining (null when `low` was given) and of the transfer, ms. */
  readonly pretrainMs: number | null;
  readonly transferMs: number;
  readonly wallMs: number;
  /** Where Starlight-Low and Starlight were saved, when `out` was given. */
  readonly lowDir?: string;
  readonly modelDir?: string;
}

/**
 * Runs the workflow (see the module comment).
 * @throws RangeError when neither or both of `low` and `pretrain` are given, or the
 *   high-fidelity rows number fewer than 3 (checked before any pretraining).
 */
export async function trainStarlight(input: StarlightTrainingInput): Promise<StarlightTraining> {
  const started = performance.now();
  if ((input.low === undefined) === (input.pretrain === undefined)) throw new RangeError('trainStarlight: give either a pretrained Starlight-Low (low) or how to pretrain one (pretrain)');
  const rows = isTable(input.high) ? input.high : layerTableFromSamples(input.high);
  if (rows.rows < 3) throw new RangeError(`trainStarlight: ${rows.rows} high-fidelity layer samples; Starlight needs at least 3`);
  const backend = await ensureBackend();
  const emit = input.onProgress ?? (() => undefined);

  let low = input.low;
  const pretrainingData: PretrainingTally[] = [];
  let pretrainingRows = 0;
  let pretrainMs: number | null = null;
  let lowDir: string | undefined;
  if (!low) {
    const samples = await pretrainingSamples(input.pretrain!, input.seed,
      (tally) => { pretrainingData.push(tally); emit({ kind: 'pretraining-data', tally }); },
      (failure) => emit({ kind: 'evaluation-failed', failure }));
    const table = layerTableFromSamples(samples);
    pretrainingRows = table.rows;
    emit({ kind: 'pretraining', rows: table.rows });
    const t0 = performance.now();
    low = await StarlightLow.pretrain(table, { ...input.lowOptions, seed: input.seed, onEpoch: (epoch, loss) => emit({ kind: 'epoch', epoch, loss }) });
    pretrainMs = performance.now() - t0;
    if (input.out !== undefined) {
      lowDir = join(input.out, 'low');
      await low.save(lowDir);
    }
  }
  emit({ kind: 'transfer', rows: rows.rows });
  const t1 = performance.now();
  const model = await Starlight.transfer(low, rows, { ...input.transfer, seed: input.seed });
  const transferMs = performance.now() - t1;
  if (input.out !== undefined) {
    await model.save(input.out);
    await saveLayerTable(input.out, rows);
  }
  return {
    low, model, rows,
    report: {
      backend: activeBackendName() ?? backend, pretrainingRows, pretrainingData, pretrainMs, transferMs, wallMs: performance.now() - started,
      ...(lowDir !== undefined ? { lowDir } : {}), ...(input.out !== undefined ? { modelDir: input.out } : {}),
    },
  };
}

function isTable(high: readonly DatasetSample[] | LayerTable): high is LayerTable {
  return !Array.isArray(high);
}
