import { readFileSync } from 'node:fs';
import { type Observable, firstValueFrom, isObservable, toArray } from 'rxjs';
import {
  type ComponentNeeds, DEFAULT_GEMMINI, type DesignPoint, type Evaluation, type Evaluator, type HardwareConfig, type Mapping, type Workload,
  formatHardware, hardwareViolations, parseHardware, parseMapping, resolveWorkload,
  type PluginRegistry, resolveEnergySetting,
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
  /**
   * `--timeout <seconds>`: wall-clock limit of each rtl layer simulation (the rtl evaluator's
   * `timeoutSeconds` option; default 600); a simulator past it is killed and the design fails.
   */
  readonly timeout?: string;
}

/**
 * `--timeout`: seconds > 0, only with the rtl fidelity.
 * @throws UsageError naming the allowed values or the missing fidelity.
 */
export function parseTimeoutFlag(text: string | undefined, takers: readonly string[]): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout ${text}: give the seconds each evaluation (an rtl layer simulation) may run before it is killed, a number > 0 (default 600)`);
  }
  if (takers.length === 0) {
    throw new UsageError('--timeout limits an evaluator that takes a time limit (the rtl simulator); none of --fidelity does (e.g. --fidelity analytical,rtl)');
  }
  return seconds;
}

/**
 * The options `polaris evaluate`'s flags fill for each evaluator, as its factory's `needs`
 * declare: `--model` into its `modelOption`, `--timeout` into its `timeoutOption`.
 * @throws UsageError when an evaluator needs a model and no --model is given, or a flag has no taker.
 */
async function flagOptions(registry: PluginRegistry, ids: readonly string[], flags: EvaluateFlags): Promise<Record<string, unknown>[]> {
  const needs: ComponentNeeds[] = [];
  for (const id of ids) needs.push(await registry.needs('evaluator', id));
  const modelTakers = ids.filter((_, i) => needs[i].modelOption !== undefined);
  const needsModel = modelTakers[0];
  if (flags.model === undefined && needsModel !== undefined) {
    throw new UsageError(`--fidelity ${needsModel} needs --model <dir>: a model directory \`polaris train\` wrote (default polaris-runs/models/starlight)`);
  }
  if (flags.model !== undefined && needsModel === undefined) {
    throw new UsageError('--model is the trained model of an evaluator that takes one; add it to --fidelity (e.g. --fidelity analytical,starlight)');
  }
  const timeoutSeconds = parseTimeoutFlag(flags.timeout, ids.filter((_, i) => needs[i].timeoutOption !== undefined));
  return needs.map(({ modelOption, timeoutOption }) => ({
    ...(modelOption !== undefined ? { [modelOption]: flags.model } : {}),
    ...(timeoutOption !== undefined && timeoutSeconds !== undefined ? { [timeoutOption]: timeoutSeconds } : {}),
  }));
}

/** An evaluator that says what it is doing (the rtl evaluator: builds, layer simulations, notices). */
interface ReportsActivity {
  readonly activity: Observable<{ readonly type: string; readonly message?: string }>;
  describeActivity(now?: number): string | undefined;
}

function reportsActivity(evaluator: Evaluator): evaluator is Evaluator & ReportsActivity {
  const candidate = evaluator as Partial<ReportsActivity>;
  return isObservable(candidate.activity) && typeof candidate.describeActivity === 'function';
}

/** Seconds between repeated status lines when stderr is not a terminal. */
const HEARTBEAT_S = 15;

/**
 * Shows on stderr what `evaluator` is doing until the returned function is called (a no-op for
 * evaluators that report no activity): on a terminal one status line redrawn every second; in a
 * log a line whenever what it waits on changes, repeated every {@link HEARTBEAT_S} s while it
 * does not. Notices (e.g. a cached simulator rebuilt) get a line of their own.
 * Example: `rtl: simulating layer 3 of 20 "res2a" for 12 s (limit 600 s per layer, --timeout); 2 of 20 layers done — 41 s elapsed`.
 */
function showActivity(evaluator: Evaluator, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!reportsActivity(evaluator)) return () => {};
  const began = performance.now();
  const tty = stream.isTTY === true;
  let shown = '';
  let shownKey = '';
  let shownAt = 0;
  const clear = () => { if (tty && shown !== '') stream.write('\r\x1b[K'); };
  const render = () => {
    const status = evaluator.describeActivity();
    if (status === undefined) return;
    const line = `${evaluator.id}: ${status} — ${Math.floor((performance.now() - began) / 1000)} s elapsed`;
    const key = status.replace(/for \d+ (min \d+ )?s/g, '');
    if (tty) {
      clear();
      stream.write(line.slice(0, Math.max(20, (stream.columns || 120) - 1)));
    } else if (key !== shownKey || performance.now() - shownAt >= HEARTBEAT_S * 1000) {
      stream.write(`${line}\n`);
    } else {
      return;
    }
    [shown, shownKey, shownAt] = [line, key, performance.now()];
  };
  // Events come in bursts (a layer queued and started at once, a cached build found at once): draw once after a burst.
  let pending: NodeJS.Immediate | undefined;
  const subscription = evaluator.activity.subscribe((event) => {
    if (event.type === 'notice' && event.message !== undefined) {
      clear();
      stream.write(`${evaluator.id}: ${event.message}\n`);
      shown = '';
    }
    pending ??= setImmediate(() => { pending = undefined; render(); });
  });
  const timer = setInterval(() => render(), 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (pending !== undefined) clearImmediate(pending);
    subscription.unsubscribe();
    clear();
  };
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
  const options = await flagOptions(registry, fidelities, flags);
  for (const [k, id] of fidelities.entries()) {
    evaluators.push(await createEvaluator(registry, id, energy, { options: options[k], seed: flags.seed, workload }));
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
    const stopShowing = showActivity(evaluator);
    const [result] = await firstValueFrom(evaluator.evaluate([point], workload).pipe(toArray())).finally(stopShowing);
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
