/**
 * The `starlight` evaluator: scores design points with a trained {@link Starlight} model. Each
 * point is first evaluated by a features evaluator (the analytical model, whose per-level
 * accesses the featurizer reads), then every (point, layer) row is predicted in one batched call.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Observable, toArray } from 'rxjs';
import {
  type DesignPoint, type EvaluationResult, type Evaluator, type EvaluatorCapabilities, type LayerEvaluation, type Workload,
  cycles, hashDesignPoint, networkEvaluation, picoJoules,
} from '@polaris/core';
import { Starlight, STARLIGHT_FILE } from '../dkl/starlight.js';
import { ModelFileError } from '../model/tensor-file.js';
import { FEATURE_LENGTH, featurize } from '../features/index.js';
import { networkLogStd } from './network-uncertainty.js';

/** Id of the evaluator and of its plugin. */
export const STARLIGHT_EVALUATOR_ID = 'starlight';

/** A saved model directory that does not exist or holds no Starlight model; the message names the fix. */
export class StarlightModelNotFoundError extends ModelFileError {
  override readonly name: string = 'StarlightModelNotFoundError';
}

/**
 * Identity of a saved Starlight model: the first 16 hex digits of the SHA-256 of its
 * `starlight.json` (metadata and GP state; a retrained model differs).
 * @throws StarlightModelNotFoundError naming the option and `polaris train` when the file is missing.
 */
export function starlightModelHash(dir: string, option = 'model'): string {
  const path = join(dir, `${STARLIGHT_FILE}.json`);
  if (!existsSync(path)) {
    const what = existsSync(dir) ? `${dir} holds no saved Starlight model (no ${STARLIGHT_FILE}.json)` : `${dir} does not exist`;
    throw new StarlightModelNotFoundError(
      `starlight option "${option}": ${what}; train one with \`polaris train --out ${dir}\` (or point "${option}" at a directory \`polaris train\` wrote)`,
    );
  }
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
}

/** What {@link StarlightEvaluator} is built from. */
export interface StarlightEvaluatorInit {
  readonly model: Starlight;
  /** Identity of the model (e.g. {@link starlightModelHash}); part of the version. */
  readonly modelHash: string;
  /** Supplies the analytical evaluations (with per-level accesses) the featurizer needs. */
  readonly features: Evaluator;
}

/**
 * A surrogate evaluator. Per layer, cycles and energy are the medians exp(mean ln ·) of the
 * model's lognormal predictions, with `std` their σ in natural log; network totals are
 * Σ count·(layer value) and `Evaluation.std` is σ of ln network EDP (see {@link networkLogStd}).
 * Points the features evaluator cannot score fail with its message.
 */
export class StarlightEvaluator implements Evaluator {
  readonly id = STARLIGHT_EVALUATOR_ID;
  readonly fidelity = 'surrogate' as const;
  readonly version: string;
  readonly capabilities: EvaluatorCapabilities = { accessCounts: false, uncertainty: true, maxConcurrency: 1 };
  private readonly model: Starlight;
  private readonly features: Evaluator;

  constructor(init: StarlightEvaluatorInit) {
    this.model = init.model;
    this.features = init.features;
    this.version = `model-${init.modelHash}+${init.features.id}@${init.features.version}`;
  }

  /** Frees the model's tensors; the evaluator must not be used afterwards. */
  dispose(): void {
    this.model.dispose();
  }

  evaluate(points: readonly DesignPoint[], workload: Workload): Observable<EvaluationResult> {
    return new Observable<EvaluationResult>((subscriber) => {
      const started = performance.now();
      const fail = (error: unknown) => {
        // The features stream broke its contract (errored); still answer every point with a value.
        for (const point of points) {
          if (subscriber.closed) return;
          subscriber.next({ ok: false, pointHash: hashDesignPoint(point), recoverable: false, error: `${this.features.id} (features) failed: ${(error as Error).message}` });
        }
        subscriber.complete();
      };
      // Unsubscribing from this stream unsubscribes from the features evaluation (cancelling it).
      const features = this.features.evaluate(points, workload).pipe(toArray()).subscribe({
        next: (analytical) => {
          const results = points.length === 0 ? [] : this.score(points, workload, analytical, started);
          for (const result of results) {
            if (subscriber.closed) return;
            subscriber.next(result);
          }
          subscriber.complete();
        },
        error: fail,
      });
      return () => features.unsubscribe();
    });
  }

  /** Featurizes the analytically scored points, predicts all their layers at once and composes the results. */
  private score(points: readonly DesignPoint[], workload: Workload, analytical: readonly EvaluationResult[], started: number): EvaluationResult[] {
    const byHash = new Map(analytical.map((r) => [r.pointHash, r]));
    const nLayers = workload.layers.length;
    const results: (EvaluationResult | undefined)[] = new Array(points.length);
    const rowsOf: { index: number; pointHash: string; layers: readonly LayerEvaluation[] }[] = [];
    points.forEach((point, index) => {
      const pointHash = hashDesignPoint(point);
      const features = byHash.get(pointHash);
      if (!features) {
        results[index] = { ok: false, pointHash, recoverable: false, error: `${this.features.id} (features) gave no result for this point` };
      } else if (!features.ok) {
        results[index] = { ok: false, pointHash, recoverable: features.recoverable, error: `${this.features.id} (features): ${features.error}` };
      } else {
        rowsOf.push({ index, pointHash, layers: features.evaluation.layers });
      }
    });
    const matrix = new Float32Array(rowsOf.length * nLayers * FEATURE_LENGTH);
    const usable: typeof rowsOf = [];
    for (const entry of rowsOf) {
      const point = points[entry.index];
      const offset = usable.length * nLayers;
      try {
        workload.layers.forEach(({ layer }, l) => {
          featurize({ hardware: point.hardware, layer, mapping: point.mappings[l], analytical: entry.layers[l] },
            matrix.subarray((offset + l) * FEATURE_LENGTH, (offset + l + 1) * FEATURE_LENGTH));
        });
        usable.push(entry);
      } catch (error) {
        results[entry.index] = { ok: false, pointHash: entry.pointHash, recoverable: false, error: `starlight: cannot featurize: ${(error as Error).message}` };
      }
    }
    if (usable.length > 0) {
      const rows = usable.length * nLayers;
      try {
        const prediction = this.model.predict(matrix.subarray(0, rows * FEATURE_LENGTH), rows);
        const costMs = (performance.now() - started) / points.length;
        usable.forEach((entry, k) => {
          const layerLogs = workload.layers.map(({ count }, l) => {
            const r = k * nLayers + l;
            return {
              count,
              logCycles: { mean: prediction.logCycles.mean[r], std: prediction.logCycles.std[r] },
              logEnergy: { mean: prediction.logEnergy.mean[r], std: prediction.logEnergy.std[r] },
            };
          });
          const layers: LayerEvaluation[] = layerLogs.map((p, l) => ({
            cycles: cycles(Math.exp(p.logCycles.mean)),
            energy: picoJoules(Math.exp(p.logEnergy.mean)),
            macs: entry.layers[l].macs,
            std: { logCycles: p.logCycles.std, logEnergy: p.logEnergy.std },
          }));
          const evaluation = networkEvaluation(workload, layers, {
            fidelity: this.fidelity, evaluator: this.id, evaluatorVersion: this.version, costMs,
          });
          results[entry.index] = { ok: true, pointHash: entry.pointHash, evaluation: { ...evaluation, std: networkLogStd(layerLogs).logEdp } };
        });
      } catch (error) {
        for (const entry of usable) {
          results[entry.index] = { ok: false, pointHash: entry.pointHash, recoverable: false, error: `starlight: prediction failed: ${(error as Error).message}` };
        }
      }
    }
    return results.map((r, i) => r ?? { ok: false, pointHash: hashDesignPoint(points[i]), recoverable: false, error: 'starlight: not scored' });
  }
}
