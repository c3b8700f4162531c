import { z } from 'zod';
import { ENERGY_TABLES, type EnergyTableName } from '../domain/energy-table.js';
import { FIDELITIES } from '../domain/evaluation.js';
import { HARDWARE_RANGES, type HardwareConfig } from '../domain/hardware.js';
import { hinted } from './config-hints.js';

/**
 * The YAML run config of `polaris run`, validated with zod. Every field but `workload` has a
 * default, so the smallest config is one line (`workload: resnet50`). Relative paths are
 * resolved against the config file's folder by {@link parseRunConfig}, not here.
 *
 * ```yaml
 * name: resnet50-quickstart
 * seed: 1
 * workload: resnet50            # built-in name, or a Timeloop problem YAML file / folder
 * evaluator: analytical         # evaluator plugin that scores points, or {id, options}
 * evaluators: [rtl]             # evaluators of other fidelities a multi-fidelity optimizer may ask for
 * optimizer: {id: random, options: {}}   # or `optimizer: random`, or a schedule: [{id: random, trials: 16}, {id: bayesian}]
 * model: {id: dosa, options: {}}        # optional: the PerformanceModel of optimizers that use one (bayesian)
 * budget: {trials: 200, batch: 8}        # optional `minutes` (over all sessions) and `evaluations: {rtl: 100}`
 * space: {peDim: [2, 128], spKB: [1, 2048], accKB: [1, 2048]}  # narrows the template
 * energy: timeloop              # timeloop | dosa | path to a YAML energy table
 * plugins: []                   # extra plugin modules: paths (./x.js) or package names
 * store: polaris-runs/runs.sqlite        # or :memory:
 * output: polaris-runs/{name}-{seed}.json
 * concurrency: {analytical: 2, rtl: 2}   # per fidelity; unset → evaluator's maxConcurrency
 * retries: 2                    # re-evaluations on resume of a trial that failed recoverably
 * lock: {heartbeatSeconds: 5, expirySeconds: 30}   # the run's write lock (one process per run)
 * ```
 */

const PLUGIN_ID = /^[a-z0-9][a-z0-9._-]*$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Placeholders {@link expandOutputPath} fills in the `output` template. */
export const OUTPUT_PLACEHOLDERS = ['name', 'seed', 'workload', 'optimizer', 'evaluator'] as const;

/**
 * Most trials a run may ask for without `polaris run --force`: 1,000,000. A million analytical
 * trials of ResNet-50 already take days; a larger budget is almost always a typo (`1e12`).
 */
export const MAX_TRIALS = 1_000_000;

const positiveInt = (allowed = 'integer ≥ 1') =>
  hinted(z.int().min(1), { expected: 'a positive integer', allowed });
const nonEmpty = (expected: string, allowed: string) => hinted(z.string().min(1), { expected, allowed });

/** Energy tables built in; anything else is a path to a user table. */
export const BUILTIN_ENERGY_TABLES = Object.keys(ENERGY_TABLES) as readonly EnergyTableName[];

/** One hardware parameter's range in `space`: `[min, max]`, or a single number to fix it. */
function rangeSchema(key: keyof HardwareConfig) {
  const t = HARDWARE_RANGES[key];
  const allowed = `[min, max] (or one number) within ${t.min}..${t.max}${t.powerOfTwo ? ', powers of two' : ''}`;
  const bound = hinted(z.number().positive(), { expected: 'a positive number', allowed });
  const tuple = hinted(z.tuple([bound, bound]), { expected: 'a [min, max] pair or a single number', allowed });
  return z.preprocess((v) => (typeof v === 'number' ? [v, v] : v), tuple).superRefine(([min, max], ctx) => {
    const problems: string[] = [];
    if (min > max) problems.push(`min ${min} is greater than max ${max}`);
    if (min < t.min || max > t.max) problems.push(`[${min}, ${max}] leaves the template's range ${t.min}..${t.max}`);
    if (t.powerOfTwo && min <= max && 2 ** Math.floor(Math.log2(max)) < min) {
      problems.push(`[${min}, ${max}] contains no power of two`);
    }
    if (problems.length > 0) ctx.addIssue({ code: 'custom', message: `${problems.join(', ')}; allowed: ${allowed}` });
  });
}

/** A component chosen by plugin id, with options passed to its factory: `random` or `{id: random, options: {…}}`. */
function componentSchema(kind: string, examples: string) {
  const an = /^[aeiou]/.test(kind) ? 'an' : 'a';
  const object = hinted(
    z.strictObject({
      id: hinted(z.string().regex(PLUGIN_ID), { expected: `${an} ${kind} plugin id`, allowed: examples }),
      options: hinted(z.record(z.string(), z.unknown()), { expected: 'a mapping of options', allowed: `any mapping; validated by the ${kind}` }).default({}),
    }),
    { expected: `${an} ${kind} id or {id, options}`, allowed: 'a plugin id, or a mapping with id and options' },
  );
  return z.preprocess((v) => (typeof v === 'string' ? { id: v } : v), object);
}

const OPTIMIZER_EXAMPLES = 'e.g. random, genetic, bayesian, gradient, polaris';

/** One stage of an optimizer schedule: `random`, `{id, options}`, or with `trials:` before the last stage. */
const optimizerStageSchema = z.preprocess((v) => (typeof v === 'string' ? { id: v } : v), hinted(
  z.strictObject({
    id: hinted(z.string().regex(PLUGIN_ID), { expected: 'an optimizer plugin id', allowed: OPTIMIZER_EXAMPLES }),
    options: hinted(z.record(z.string(), z.unknown()), { expected: 'a mapping of options', allowed: 'any mapping; validated by the optimizer' }).default({}),
    trials: positiveInt('integer ≥ 1: trials this stage proposes before the next takes over').optional(),
  }),
  { expected: 'an optimizer id or {id, options, trials}', allowed: 'a plugin id, or a mapping with id, options and (before the last stage) trials' },
));

/**
 * `optimizer:` — one optimizer (`random`, `{id, options}`) or a schedule, a list of stages each
 * told every earlier trial (`[{id: random, trials: 16}, {id: bayesian}]`); normalised to a list.
 * Every stage but the last needs `trials`.
 */
const optimizerScheduleSchema = hinted(
  z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(optimizerStageSchema).min(1)).superRefine((stages, ctx) => {
    stages.slice(0, -1).forEach((stage, k) => {
      if (stage.trials === undefined) {
        ctx.addIssue({ code: 'custom', path: [k, 'trials'], message: `stage ${k + 1} (${stage.id}) of the schedule needs trials: (how many it proposes before stage ${k + 2} takes over); only the last stage may be open` });
      }
    });
  }),
  { expected: 'an optimizer or a schedule of optimizers', allowed: `${OPTIMIZER_EXAMPLES}; or a list [{id: random, trials: 16}, {id: bayesian}]` },
);

const outputTemplate = hinted(
  z.string().min(1).superRefine((text, ctx) => {
    for (const match of text.matchAll(/\{([^}]*)\}/g)) {
      if (!(OUTPUT_PLACEHOLDERS as readonly string[]).includes(match[1])) {
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {${match[1]}} in "${text}"; allowed: ${OUTPUT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` });
      }
    }
  }),
  { expected: 'a file path template', allowed: `a path; may use ${OUTPUT_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` },
);

/** Zod schema of the run config (input: the parsed YAML; output: {@link RunConfig} before path resolution). */
export const runConfigSchema = hinted(
  z.strictObject({
    name: hinted(z.string().regex(NAME), { expected: 'a run name', allowed: 'letters, digits, . _ - (no spaces or slashes)' }).default('run'),
    seed: hinted(z.int().min(0).max(Number.MAX_SAFE_INTEGER), { expected: 'a non-negative integer', allowed: 'integer ≥ 0' }).default(1),
    workload: nonEmpty('a workload', 'a built-in name (resnet50, bert, unet, retinanet) or a path to a Timeloop problem YAML file or folder'),
    evaluator: componentSchema('evaluator', 'e.g. analytical, starlight, rtl, or a plugin of yours').default({ id: 'analytical', options: {} }),
    optimizer: optimizerScheduleSchema.default([{ id: 'random', options: {} }]),
    budget: hinted(
      z.strictObject({
        trials: positiveInt(`integer 1..${MAX_TRIALS} (more with polaris run --force)`).default(200),
        batch: positiveInt().default(8),
        minutes: hinted(z.number().positive(), {
          expected: 'a positive number of minutes', allowed: 'number > 0 (wall-clock limit, summed over the sessions of the run)',
        }).optional(),
        evaluations: hinted(z.partialRecord(z.enum(FIDELITIES), positiveInt('integer ≥ 1 (trials evaluated at that fidelity)')), {
          expected: 'a mapping fidelity → most trials evaluated', allowed: `keys ${FIDELITIES.join(', ')}; e.g. {rtl: 100}`,
        }).optional(),
      }),
      { expected: 'a mapping', allowed: 'keys trials, batch, minutes, evaluations' },
    ).default({ trials: 200, batch: 8 }),
    space: hinted(
      z.strictObject({ peDim: rangeSchema('peDim').optional(), spKB: rangeSchema('spKB').optional(), accKB: rangeSchema('accKB').optional() }),
      { expected: 'a mapping of ranges', allowed: 'keys peDim, spKB, accKB, each [min, max]' },
    ).default({}),
    energy: nonEmpty('an energy table', `${BUILTIN_ENERGY_TABLES.join(' | ')} | path to a YAML energy table`).default('timeloop'),
    plugins: hinted(z.array(nonEmpty('a plugin module', 'a path (./my-plugin.js) or a package name')), {
      expected: 'a list of plugin modules', allowed: 'a list of paths or package names',
    }).default([]),
    store: nonEmpty('a store path', 'a path to a SQLite file, or :memory:').default('polaris-runs/runs.sqlite'),
    output: outputTemplate.default('polaris-runs/{name}-{seed}.json'),
    concurrency: hinted(z.partialRecord(z.enum(FIDELITIES), positiveInt('integer ≥ 1 (parallel evaluations)')), {
      expected: 'a mapping fidelity → parallel evaluations', allowed: `keys ${FIDELITIES.join(', ')}; e.g. {analytical: 4, rtl: 2}`,
    }).default({}),
    evaluators: hinted(z.array(componentSchema('evaluator', 'e.g. analytical, rtl, or a plugin of yours')), {
      expected: 'a list of evaluators', allowed: 'evaluators of other fidelities an optimizer may ask for, e.g. [rtl] beside evaluator: analytical',
    }).default([]),
    /** Absent: nothing is bound, and an optimizer that takes a model uses its own default (bayesian: the plain GP). */
    model: componentSchema('model', 'a model plugin id, e.g. gp, starlight, dosa').optional(),
    retries: hinted(z.int().min(0).max(100), {
      expected: 'a number of retries', allowed: 'integer 0..100: extra evaluations, on resume, of a trial that failed recoverably (a hung or crashed simulator)',
    }).default(2),
    lock: hinted(
      z.strictObject({
        heartbeatSeconds: hinted(z.number().positive().max(3600), { expected: 'seconds', allowed: 'number in (0, 3600]' }).default(5),
        expirySeconds: hinted(z.number().positive().max(86_400), { expected: 'seconds', allowed: 'number in (0, 86400], at least twice heartbeatSeconds' }).default(30),
      }).refine((l) => l.expirySeconds >= 2 * l.heartbeatSeconds, { message: 'lock.expirySeconds must be at least twice lock.heartbeatSeconds' }),
      { expected: 'a mapping', allowed: 'keys heartbeatSeconds (default 5), expirySeconds (default 30)' },
    ).default({ heartbeatSeconds: 5, expirySeconds: 30 }),
  }),
  { expected: 'a mapping of settings', allowed: 'a YAML mapping with at least `workload:`' },
);

/**
 * A validated run config. After {@link parseRunConfig}: `workload` is an absolute path when it
 * named a file or folder (anything else is a built-in name); `energy`, `store`, `output` and
 * path-like `plugins` entries are absolute; `space` ranges are `[min, max]` pairs.
 */
export type RunConfig = z.output<typeof runConfigSchema>;
/** What a user may write: the input side of the schema (defaults make most keys optional). */
export type RunConfigInput = z.input<typeof runConfigSchema>;
