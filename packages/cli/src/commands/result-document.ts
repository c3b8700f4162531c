import {
  type RunConfig, type SearchSummary, type Workload, describeLayer, layerKey, printMapping,
} from '@polaris/core';

/**
 * The JSON result file of a run: the config, the run's bookkeeping and the best design with
 * every layer's mapping in Timeloop/DOSA text form. Energies in pJ, EDP in pJ·cycles.
 */
export function buildResultDocument(config: RunConfig, runId: string, workload: Workload, summary: SearchSummary) {
  const best = summary.best;
  return {
    runId,
    config,
    summary: {
      trials: summary.trials, resumed: summary.resumed, evaluated: summary.evaluated, cached: summary.cached,
      failed: summary.failed, stoppedBy: summary.stoppedBy, elapsedMs: summary.elapsedMs,
    },
    best: best && {
      trial: best.index,
      pointHash: best.pointHash,
      hardware: best.point.hardware,
      fidelity: best.evaluation.fidelity,
      evaluator: `${best.evaluation.evaluator}@${best.evaluation.evaluatorVersion}`,
      cycles: best.evaluation.cycles,
      energyPJ: best.evaluation.energy,
      edp: best.evaluation.edp,
      layers: workload.layers.map((entry, i) => ({
        name: entry.name,
        key: layerKey(entry.layer),
        shape: describeLayer(entry.layer),
        count: entry.count,
        mapping: printMapping(best.point.mappings[i]),
        cycles: best.evaluation.layers[i].cycles,
        energyPJ: best.evaluation.layers[i].energy,
      })),
    },
  };
}
