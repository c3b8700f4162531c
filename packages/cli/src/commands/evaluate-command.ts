import { readFileSync } from 'node:fs';
import { firstValueFrom, toArray } from 'rxjs';
import {
  DEFAULT_GEMMINI, type DesignPoint, type Evaluation, type Evaluator, type HardwareConfig, type Mapping, type Workload,
  formatHardware, hardwareViolations, parseHardware, parseMapping, resolveWorkload,
  resolveEnergySetting,
} from '@polaris/core';
import { createRegistry } from '../host/builtin-plugins.js';
import { createEvaluator } from '../host/create-evaluator.js';
import { mapperForEvaluators } from '../host/mapper-for-evaluators.js';
import { formatComparison } from '../render/format-comparison.js';
import { formatDesignReport } from '../render/format-design-report.js';
import { UsageError } from './usage-error.js';

/** Flags of `polaris evaluate` for one design. */
export interface EvaluateFlags {
  readonly workload: string;
  readonly hw: string;
  readonly mapping?: string;
  readonly fidelity: string;
  readonly energy: string;
  readonly seed: number;
  readonly json?: boolean;
  /** Extra plugin paths or packages whose evaluators `fidelity` may name. */
  readonly plugin?: readonly string[];
  /** A trained Starlight model directory: the `model` option of the `starlight` evaluator. */
  readonly model?: string;
  /**
   * Print only the side-by-side table (with each surrogate's ×/÷ e^σ) instead of one full design
   * report per evaluator (`polaris predict`).
   */
  readonly sideBySide?: boolean;
}

/**
 * Reads a mapping file: one Timeloop/DOSA mapping string per unique layer of the workload, in
 * workload order (`polaris workloads <name>` lists the order); blank lines and lines
 * starting with # are ignored.
 */
export function readMappingFile(path: string, workload: Workload): Mapping[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== workload.layers.length) {
    throw new UsageError(`--mapping ${path} holds ${lines.length} mappings but workload ${workload.name} has ${workload.layers.length} unique layers; ` +
      'give one mapping per line, in the order `polaris workloads <workload>` prints (the name or path you gave --workload)');
  }
  return lines.map((line, i) => {
    try {
      return parseMapping(line);
    } catch (error) {
      throw new UsageError(`${path}, mapping ${i + 1} (layer "${workload.layers[i].name}"): ${(error as Error).message}`);
    }
  });
}

/**
 * Parses `--hw`: `peDim,spKB,accKB` (e.g. 16,128,32) or named, `peDim=16,spKB=128,accKB=32`.
 * @throws UsageError naming the problem.
 */
export function parseHardwareFlag(text: string): HardwareConfig {
  if (!text.includes('=')) {
    try {
      return parseHardware(text);
    } catch (error) {
      throw new UsageError(`--hw ${text}: ${(error as Error).message}`);
    }
  }
  const values: Partial<Record<keyof HardwareConfig, number>> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(peDim|spKB|accKB)=(.+)$/.exec(part);
    const value = Number(match?.[2]);
    if (!match || !Number.isFinite(value)) throw new UsageError(`--hw ${text}: "${part}" is not peDim=, spKB= or accKB= a number`);
    values[match[1] as keyof HardwareConfig] = value;
  }
  const missing = (['peDim', 'spKB', 'accKB'] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) throw new UsageError(`--hw ${text}: missing ${missing.join(', ')} (e.g. peDim=16,spKB=128,accKB=32)`);
  return { peDim: values.peDim!, spKB: values.spKB!, accKB: values.accKB! };
}

function checkedHardware(text: string): HardwareConfig {
  const hardware = parseHardwareFlag(text);
  const problems = hardwareViolations(hardware);
  if (problems.length > 0) throw new UsageError(`--hw ${text}: ${problems.join('; ')}`);
  return hardware;
}

/** `polaris evaluate`: scores one design (mappings from a file, or found by the mapper) at each asked fidelity. */
export async function evaluateCommand(flags: EvaluateFlags): Promise<number> {
  const workload = resolveWorkload(flags.workload);
  const hardware = flags.hw ? checkedHardware(flags.hw) : DEFAULT_GEMMINI;
  const energy = resolveEnergySetting(flags.energy);
  const registry = createRegistry(flags.plugin ?? []);
  const fidelities = flags.fidelity.split(',').map((f) => f.trim()).filter(Boolean);
  const evaluators: Evaluator[] = [];
  if (flags.model === undefined && fidelities.includes('starlight')) {
    throw new UsageError('--fidelity starlight needs --model <dir>: a model directory `polaris train` wrote (default polaris-runs/models/starlight)');
  }
  if (flags.model !== undefined && !fidelities.includes('starlight')) {
    throw new UsageError('--model is the trained model of the starlight evaluator; add starlight to --fidelity (e.g. --fidelity analytical,starlight)');
  }
  for (const id of fidelities) {
    const options = id === 'starlight' && flags.model !== undefined ? { model: flags.model } : {};
    evaluators.push(await createEvaluator(registry, id, energy, { options, seed: flags.seed, workload }));
  }
  let mappings: Mapping[];
  if (flags.mapping) {
    mappings = readMappingFile(flags.mapping, workload);
  } else {
    const { mapper, bufferLayout } = await mapperForEvaluators(registry, evaluators, energy, flags.seed);
    process.stderr.write(`mapping ${workload.layers.length} layers onto ${formatHardware(hardware)} with the analytical mapper ` +
      `(seed ${flags.seed}${bufferLayout === 'rows' ? ', row-organised buffers' : ''})…\n`);
    mappings = workload.layers.map(({ layer }) => mapper.map(layer, hardware, flags.seed).mapping);
  }
  const point: DesignPoint = { hardware, mappings };
  const reports: unknown[] = [];
  const evaluations: Evaluation[] = [];
  let failed = false;
  for (const evaluator of evaluators) {
    if (evaluators.length > 1) process.stderr.write(`evaluating at ${evaluator.id}…\n`);
    const [result] = await firstValueFrom(evaluator.evaluate([point], workload).pipe(toArray()));
    if (!result?.ok) {
      failed = true;
      process.stderr.write(`${evaluator.id}: the design could not be evaluated: ${result ? result.error : 'no result'}\n`);
      continue;
    }
    evaluations.push(result.evaluation);
    if (flags.json) reports.push({ fidelity: evaluator.fidelity, evaluator: evaluator.id, hardware, evaluation: result.evaluation });
    else if (!flags.sideBySide) process.stdout.write(`${formatDesignReport(workload, point, result.evaluation)}\n\n`);
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  } else if (flags.sideBySide && evaluations.length > 0) {
    process.stdout.write(`workload    ${workload.name} (${workload.layers.length} unique layers)\nhardware    ${formatHardware(hardware)}\n\n` +
      `${formatComparison(workload, evaluations)}\n`);
  } else if (evaluations.length > 1) {
    process.stdout.write(`side by side (ratios to ${evaluations[0].evaluator}):\n${formatComparison(workload, evaluations)}\n`);
  }
  return failed ? 1 : 0;
}
