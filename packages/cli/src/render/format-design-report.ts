import {
  type DesignPoint, type Evaluation, type Workload,
  describeLayer, formatHardware, printMapping,
} from '@polaris/core';
import { formatMicroJoules, formatQuantity, formatTable } from './format-number.js';

/**
 * The human report of one evaluated design: hardware, network totals and, per unique layer,
 * its repeat count, cycles, energy and mapping in Timeloop/DOSA text form.
 */
export function formatDesignReport(workload: Workload, point: DesignPoint, evaluation: Evaluation): string {
  const lines: string[] = [];
  lines.push(`workload    ${workload.name} (${workload.layers.length} unique layers)`);
  lines.push(`hardware    ${formatHardware(point.hardware)}  [--hw ${point.hardware.peDim},${point.hardware.spKB},${point.hardware.accKB}]`);
  lines.push(`fidelity    ${evaluation.fidelity} (${evaluation.evaluator} ${evaluation.evaluatorVersion})`);
  lines.push(`cycles      ${formatQuantity(evaluation.cycles)}`);
  lines.push(`energy      ${formatMicroJoules(evaluation.energy)}`);
  lines.push(`EDP         ${formatQuantity(evaluation.edp / 1e6, 4)} µJ·cycles`);
  if (evaluation.area !== undefined) lines.push(`area        ${evaluation.area.toFixed(3)} mm²`);
  if (evaluation.std !== undefined) lines.push(`σ(log EDP)  ${evaluation.std.toFixed(4)}`);
  lines.push('');
  const rows: string[][] = [['#', 'layer', 'shape', 'count', 'cycles', 'energy µJ', 'mapping']];
  workload.layers.forEach((entry, i) => {
    const layerEval = evaluation.layers[i];
    rows.push([
      String(i + 1), entry.name, describeLayer(entry.layer), `×${entry.count}`,
      formatQuantity(layerEval.cycles), (layerEval.energy / 1e6).toPrecision(5), printMapping(point.mappings[i]),
    ]);
  });
  lines.push(formatTable(rows));
  return lines.join('\n');
}
