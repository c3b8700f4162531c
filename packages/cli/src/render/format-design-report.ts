import {
  type DesignPoint, type Evaluation, type Workload,
  describeLayer, formatHardware, printMapping,
} from '@polaris/core';
import { formatSpread } from './format-comparison.js';
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
  if (evaluation.std !== undefined) lines.push(`σ(ln EDP)   ${evaluation.std.toFixed(4)} (EDP ${formatSpread(evaluation.std)})`);
  const events = networkEvents(workload, evaluation);
  if (events) lines.push(`events      ${events}`);
  lines.push('');
  const rows: string[][] = [['#', 'layer', 'shape', 'count', 'cycles', 'energy µJ', 'mapping']];
  workload.layers.forEach((entry, i) => {
    const layerEval = evaluation.layers[i];
    rows.push([
      String(i + 1), entry.name, describeLayer(entry.layer), `×${entry.count}`,
      `${formatQuantity(layerEval.cycles)}${layerEval.std ? ` ${formatSpread(layerEval.std.logCycles)}` : ''}`,
      `${(layerEval.energy / 1e6).toPrecision(5)}${layerEval.std ? ` ${formatSpread(layerEval.std.logEnergy)}` : ''}`,
      printMapping(point.mappings[i]),
    ]);
  });
  lines.push(formatTable(rows));
  return lines.join('\n');
}

/**
 * For fidelities that report event counters (the RTL): stall cycles by cause over the whole
 * network (Σ count·layer counter), as a share of its cycles — why it is slower than the roofline.
 */
function networkEvents(workload: Workload, evaluation: Evaluation): string | undefined {
  if (!evaluation.layers.some((l) => l.events)) return undefined;
  const total = (name: string) => workload.layers.reduce((sum, entry, i) => sum + entry.count * (evaluation.layers[i].events?.[name] ?? 0), 0);
  // queue_full (the fetch unit waiting for a ROB slot) is back-pressure, not a cause; it is left out.
  const stalls = ['stall_dma_wait', 'stall_dependency', 'stall_bank_conflict', 'stall_pipeline'];
  const share = (name: string) => `${name.replace('stall_', '')} ${((100 * total(name)) / evaluation.cycles).toFixed(1)}%`;
  return `stall cycles / network cycles: ${stalls.map(share).join(', ')}; DRAM ${formatQuantity(total('dram_read_bytes'))} B in, ${formatQuantity(total('dram_write_bytes'))} B out`;
}
