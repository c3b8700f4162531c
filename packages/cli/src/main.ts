import 'reflect-metadata';
import { Command, CommanderError, Option } from 'commander';
import { datasetCommand } from './commands/dataset-command.js';
import { evaluateCommand } from './commands/evaluate-command.js';
import { evaluateCsvCommand } from './commands/evaluate-csv-command.js';
import { EXIT_CODES_HELP, exitCodeOf } from './commands/exit-codes.js';
import { energyTable, existingFile, nonNegativeInteger, positiveInteger } from './commands/option-parsers.js';
import { pluginsCommand } from './commands/plugins-command.js';
import { predictCommand } from './commands/predict-command.js';
import { runCommand } from './commands/run-command.js';
import { trainCommand } from './commands/train-command.js';
import { workloadsCommand } from './commands/workloads-command.js';

/** `--energy <table>` of a command: timeloop, dosa or an existing YAML table file. */
const energyOption = (description = 'energy table: timeloop, dosa, or a YAML table file') =>
  new Option('--energy <table>', description).default('timeloop').argParser(energyTable);

const MAPPING_FILE = 'a text file with one mapping string per unique layer, in `polaris workloads <name>` order';

/** Builds the `polaris` program; each action stores its exit code in `exit.code`. */
function buildProgram(exit: { code: number }): Command {
  const program = new Command('polaris')
    .description('Multi-fidelity design-space exploration of DNN accelerators: hardware and per-layer mappings, minimising EDP.')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride();

  program.command('run')
    .description('run the search a YAML config describes; rerunning the same config resumes it from its store')
    .argument('<config>', 'run config YAML (see examples/quickstart.yaml)')
    .option('--trials <n>', 'override budget.trials (at most 1000000 without --force)', positiveInteger('--trials'))
    .option('--force', 'allow a budget above 1,000,000 trials (stop such a run with Ctrl-C; rerun to resume)')
    .option('--seed <n>', 'override seed', nonNegativeInteger('--seed'))
    .option('--quiet', 'no progress bar or per-failure lines')
    .action(async (config: string, opts) => { exit.code = await runCommand(config, opts); });

  program.command('evaluate')
    .description('score one design (hardware + mappings) on a workload, or every row of a DOSA-format CSV')
    .option('--workload <name|path>', 'built-in workload or Timeloop problem YAML file/folder', 'resnet50')
    .option('--hw <peDim,spKB,accKB>', 'hardware, e.g. 16,128,32 (DOSA\'s default Gemmini)', '16,128,32')
    .option('--mapping <file>', 'one mapping string per unique layer, in `polaris workloads <name>` order (default: the mapper finds them)',
      existingFile('--mapping', MAPPING_FILE))
    .option('--fidelity <ids>', 'comma-separated evaluator ids; several print side by side', 'analytical')
    .option('--plugin <path...>', 'load extra plugins (paths or packages) whose evaluators --fidelity may name')
    .option('--model <dir>', 'trained model of the starlight evaluator (polaris train --out), when --fidelity names starlight')
    .option('--timeout <seconds>', 'with --fidelity rtl: seconds each layer simulation may run before it is killed (the rtl option timeoutSeconds; default 600)')
    .addOption(energyOption())
    .option('--seed <n>', 'mapper seed', nonNegativeInteger('--seed'), 1)
    .option('--json', 'print the evaluations as JSON')
    .option('--csv <file>', 'score every row of a CSV in DOSA\'s format and write our cycles/energy beside its targets',
      existingFile('--csv', 'a CSV in DOSA\'s format (mapping.mapping, prob.*, arch.*, target.* columns)'))
    .option('--out <file>', 'with --csv: where to write the scored CSV (default <file>.polaris.csv)')
    .action(async (opts) => {
      exit.code = opts.csv ? evaluateCsvCommand(opts.csv, { out: opts.out, energy: opts.energy }) : await evaluateCommand(opts);
    });

  program.command('dataset')
    .description('sample seeded valid design points of a workload and evaluate them into the store (training data for Starlight); stored evaluations are reused')
    .requiredOption('--fidelity <analytical|rtl>', 'fidelity of the targets (their analytical evaluations are stored too, as features)')
    .option('--workload <name|path>', 'built-in workload or Timeloop problem YAML file/folder', 'resnet50')
    .requiredOption('--n <n>', 'design points to sample (half mapped by the analytical mapper, half random valid mappings)', positiveInteger('--n'))
    .option('--seed <n>', 'sampling and mapper seed', nonNegativeInteger('--seed'), 1)
    .option('--store <path>', 'SQLite store to read and write', 'polaris-runs/datasets.sqlite')
    .option('--space <ranges>', 'narrow the hardware space, e.g. peDim=4:32,spKB=64:512,accKB=16:256 (default: the whole Gemmini template)')
    .addOption(energyOption())
    .option('--plugin <path...>', 'load extra plugins (paths or packages)')
    .action(async (opts) => { exit.code = await datasetCommand(opts); });

  program.command('train')
    .description('train Starlight: pretrain Starlight-Low on analytical samples, transfer it to high-fidelity samples (the store\'s, or a FireSim CSV), save both')
    .option('--workload <names...>', 'workloads whose samples to train on (space- or comma-separated)', ['resnet50', 'bert', 'retinanet'])
    .option('--store <path>', 'SQLite store with the datasets (polaris dataset); pretraining samples are added to it', 'polaris-runs/datasets.sqlite')
    .option('--fidelity <rtl|analytical>', 'fidelity of the high-fidelity samples read from the store', 'rtl')
    .option('--csv <firesim.csv>', 'measured high-fidelity data instead: a FireSim CSV in DOSA\'s format (bring your own RTL measurements)',
      existingFile('--csv', 'a FireSim CSV in DOSA\'s format (with target.gemmini_cycle)'))
    .option('--low-samples <n>', 'design points per workload for pretraining (stored analytical evaluations are reused)', positiveInteger('--low-samples'), 200)
    .option('--low <dir>', 'reuse a saved Starlight-Low (e.g. <out>/low of an earlier run) instead of pretraining')
    .option('--epochs <n>', 'pretraining epochs (default 40)', positiveInteger('--epochs'))
    .option('--fine-tune-steps <n>', 'joint fine-tuning steps of the transfer (default: chosen among 0, 10, 25, 50, 100 by the error on held-out layers; tables too small to hold layers out get 0)', nonNegativeInteger('--fine-tune-steps'))
    .option('--latent-dim <n>', 'latent width of the encoder (default 16)', positiveInteger('--latent-dim'))
    .option('--hidden <widths>', 'encoder hidden widths, e.g. 128,64 (the default)')
    .option('--seed <n>', 'seed of sampling, mapper, pretraining and transfer', nonNegativeInteger('--seed'), 1)
    .option('--out <dir>', 'where to save Starlight (Starlight-Low goes to <dir>/low)', 'polaris-runs/models/starlight')
    .addOption(energyOption('energy table of the analytical features: timeloop, dosa, or a YAML table file'))
    .option('--plugin <path...>', 'load extra plugins (paths or packages)')
    .action(async (opts) => { exit.code = await trainCommand(opts); });

  program.command('predict')
    .description('predict one design with a trained Starlight model: per layer cycles and energy ×/÷ e^σ beside the analytical answer, and the network EDP with its σ')
    .requiredOption('--model <dir>', 'model directory written by polaris train (--out)')
    .option('--workload <name|path>', 'built-in workload or Timeloop problem YAML file/folder', 'resnet50')
    .option('--hw <hardware>', 'hardware: peDim,spKB,accKB or peDim=16,spKB=128,accKB=32', '16,128,32')
    .option('--mapping <file>', 'one mapping string per unique layer, in `polaris workloads <name>` order (default: the mapper finds them)',
      existingFile('--mapping', MAPPING_FILE))
    .addOption(energyOption('energy table of the analytical features: timeloop, dosa, or a YAML table file'))
    .option('--seed <n>', 'mapper seed', nonNegativeInteger('--seed'), 1)
    .option('--json', 'print the evaluations as JSON')
    .option('--plugin <path...>', 'load extra plugins (paths or packages)')
    .action(async (opts) => { exit.code = await predictCommand(opts); });

  program.command('plugins')
    .description('list plugins, what they provide and whether each can run here')
    .option('--plugin <path...>', 'also list these plugin paths or packages')
    .action(async (opts) => { exit.code = await pluginsCommand(opts.plugin ?? []); });

  program.command('workloads')
    .description('list the built-in workloads, or the unique layers of one (name or Timeloop YAML path)')
    .argument('[workload]', 'a workload to describe')
    .action((workload?: string) => { exit.code = workloadsCommand(workload); });

  return program;
}

/**
 * Runs the CLI with `argv` (without node and script). Errors print one clear message and give
 * a non-zero exit code by the convention of {@link exitCodeOf} (2 usage, 1 runtime failure);
 * the stack trace only with --verbose.
 * @returns the process exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOf(error); // commander printed its message
    const verbose = argv.includes('--verbose');
    const message = error instanceof Error ? (verbose ? error.stack ?? error.message : error.message) : String(error);
    process.stderr.write(`polaris: ${message}\n`);
    return exitCodeOf(error);
  }
}
