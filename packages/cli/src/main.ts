import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { datasetCommand } from './commands/dataset-command.js';
import { evaluateCommand } from './commands/evaluate-command.js';
import { evaluateCsvCommand } from './commands/evaluate-csv-command.js';
import { pluginsCommand } from './commands/plugins-command.js';
import { runCommand } from './commands/run-command.js';
import { UsageError } from './commands/usage-error.js';
import { workloadsCommand } from './commands/workloads-command.js';

const integer = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
  return n;
};

/** Builds the `polaris` program; each action stores its exit code in `exit.code`. */
function buildProgram(exit: { code: number }): Command {
  const program = new Command('polaris')
    .description('Multi-fidelity design-space exploration of DNN accelerators: hardware and per-layer mappings, minimising EDP.')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program.command('run')
    .description('run the search a YAML config describes; rerunning the same config resumes it from its store')
    .argument('<config>', 'run config YAML (see examples/quickstart.yaml)')
    .option('--trials <n>', 'override budget.trials', integer('--trials'))
    .option('--seed <n>', 'override seed', integer('--seed'))
    .option('--quiet', 'no progress bar or per-failure lines')
    .action(async (config: string, opts) => { exit.code = await runCommand(config, opts); });

  program.command('evaluate')
    .description('score one design (hardware + mappings) on a workload, or every row of a DOSA-format CSV')
    .option('--workload <name|path>', 'built-in workload or Timeloop problem YAML file/folder', 'resnet50')
    .option('--hw <peDim,spKB,accKB>', 'hardware, e.g. 16,128,32 (DOSA\'s default Gemmini)', '16,128,32')
    .option('--mapping <file>', 'one mapping string per unique layer, in `polaris workloads <name>` order (default: the mapper finds them)')
    .option('--fidelity <ids>', 'comma-separated evaluator ids; several print side by side', 'analytical')
    .option('--plugin <path...>', 'load extra plugins (paths or packages) whose evaluators --fidelity may name')
    .addOption(new Option('--energy <table>', 'energy table: timeloop, dosa, or a YAML table file').default('timeloop'))
    .option('--seed <n>', 'mapper seed', integer('--seed'), 1)
    .option('--json', 'print the evaluations as JSON')
    .option('--csv <file>', 'score every row of a CSV in DOSA\'s format and write our cycles/energy beside its targets')
    .option('--out <file>', 'with --csv: where to write the scored CSV (default <file>.polaris.csv)')
    .action(async (opts) => {
      exit.code = opts.csv ? evaluateCsvCommand(opts.csv, { out: opts.out, energy: opts.energy }) : await evaluateCommand(opts);
    });

  program.command('dataset')
    .description('sample seeded valid design points of a workload and evaluate them into the store (training data for Starlight); stored evaluations are reused')
    .requiredOption('--fidelity <analytical|rtl>', 'fidelity of the targets (their analytical evaluations are stored too, as features)')
    .option('--workload <name|path>', 'built-in workload or Timeloop problem YAML file/folder', 'resnet50')
    .requiredOption('--n <n>', 'design points to sample (half mapped by the analytical mapper, half random valid mappings)', integer('--n'))
    .option('--seed <n>', 'sampling and mapper seed', integer('--seed'), 1)
    .option('--store <path>', 'SQLite store to read and write', 'polaris-runs/datasets.sqlite')
    .option('--space <ranges>', 'narrow the hardware space, e.g. peDim=4:32,spKB=64:512,accKB=16:256 (default: the whole Gemmini template)')
    .addOption(new Option('--energy <table>', 'energy table: timeloop, dosa, or a YAML table file').default('timeloop'))
    .option('--plugin <path...>', 'load extra plugins (paths or packages)')
    .action(async (opts) => { exit.code = await datasetCommand(opts); });

  program.command('plugins')
    .description('list plugins, what they provide and whether each can run here')
    .option('--plugin <path...>', 'also list these plugin paths or packages')
    .action((opts) => { exit.code = pluginsCommand(opts.plugin ?? []); });

  program.command('workloads')
    .description('list the built-in workloads, or the unique layers of one (name or Timeloop YAML path)')
    .argument('[workload]', 'a workload to describe')
    .action((workload?: string) => { exit.code = workloadsCommand(workload); });

  return program;
}

/**
 * Runs the CLI with `argv` (without node and script). Errors print one clear message and give
 * a non-zero exit code; the stack trace only with --verbose.
 * @returns the process exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const verbose = argv.includes('--verbose');
    const message = error instanceof Error ? (verbose ? error.stack ?? error.message : error.message) : String(error);
    process.stderr.write(`polaris: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
