import type { Container } from 'inversify';
import type { z } from 'zod';
import type { DifferentiableModel } from '../contracts/differentiable-model.js';
import type { Evaluator } from '../contracts/evaluator.js';
import type { Mapper } from '../contracts/mapper.js';
import type { Optimizer } from '../contracts/optimizer.js';
import type { PerformanceModel } from '../contracts/performance-model.js';
import type { Workload } from '../domain/workload.js';
import type { HardwareSpace } from '../space/hardware-space.js';
import type { PluginKind } from './plugin-manifest.js';

/** Options type of a factory that declares no `optionsSchema`. */
export type DefaultOptions = Readonly<Record<string, unknown>>;

/**
 * What a factory gets when the CLI (through the {@link PluginRegistry}) creates a component.
 *
 * The container is the registry's: it holds every loaded plugin module plus whatever the
 * host bound before creating components — by convention the {@link Store} (token `Store`)
 * and, for optimizers, the chosen {@link Mapper} (token `Mapper`). Resolve them lazily with
 * `context.container.get<Mapper>(Mapper)`; check `container.isBound(...)` first when optional.
 */
export interface PluginContext<Options = Readonly<Record<string, unknown>>> {
  /** The factory id that was asked for (one of the manifest's `provides`). */
  readonly id: string;
  /** The config section's options, already parsed by the factory's `optionsSchema` if it has one. */
  readonly options: Options;
  /** Seed for all randomness of the component (deterministic runs). */
  readonly seed: number;
  readonly container: Container;
  /** The workload of the run, when the host knows it (optimizers need its layers). */
  readonly workload?: Workload;
  /** The run's hardware space (the template narrowed by the config's `space:`), for optimizers. */
  readonly hardwareSpace?: HardwareSpace;
}

/**
 * What a component needs from the host, declared by its factory — so the host (the CLI) fills
 * it in without keeping tables of plugin names. Option names refer to the factory's options.
 */
export interface ComponentNeeds {
  /** The option that takes the run's energy table (config `energy:`, `--energy`). */
  readonly energyTableOption?: string;
  /**
   * An evaluator whose results this one builds on (a surrogate reading analytical features),
   * by id; the component's `features` option may name another. The host loads that plugin
   * first and passes it the run's energy table through the component's `featuresOptions`.
   */
  readonly featuresEvaluator?: string;
  /** The option naming a trained model directory (`polaris evaluate --model` fills it; required). */
  readonly modelOption?: string;
  /** The option of a time limit per evaluation in seconds (`polaris evaluate --timeout` fills it). */
  readonly timeoutOption?: string;
  /**
   * The component (a gradient optimizer) differentiates the run's model: the host binds, as
   * `DifferentiableModel`, the differentiable model that has the id of the run's evaluator.
   */
  readonly differentiableModel?: boolean;
  /**
   * The component (an optimizer such as bayesian) uses the container's `PerformanceModel` when
   * the host binds one — the model the run config's `model:` names — and its own default else.
   */
  readonly performanceModel?: boolean;
}

/**
 * A named recipe for one component. Plugin modules bind these — never the components
 * themselves — so nothing is constructed until a config asks for it.
 */
export interface ComponentFactory<T, Options = Readonly<Record<string, unknown>>> {
  /** Id the config uses (`evaluator: analytical`); must be listed in the manifest's `provides`. */
  readonly id: string;
  readonly description?: string;
  /**
   * Validates and defaults the config options before `create`; errors are reported with the
   * factory id. Without it, options are passed through as given.
   */
  readonly optionsSchema?: z.ZodType<Options>;
  /** What the host must provide; see {@link ComponentNeeds}. */
  readonly needs?: ComponentNeeds;
  /** Builds a fresh component. May be async (e.g. loading model weights). */
  create(context: PluginContext<Options>): T | Promise<T>;
}

/** Creates {@link Evaluator}s. Bound by plugins of kind `evaluator`. */
export type EvaluatorFactory<Options = DefaultOptions> = ComponentFactory<Evaluator, Options>;
/** DI token under which plugin modules bind their {@link EvaluatorFactory} values (multi-binding). */
export const EvaluatorFactory = Symbol.for('polaris.EvaluatorFactory');

/** Creates {@link Optimizer}s. Bound by plugins of kind `optimizer`. */
export type OptimizerFactory<Options = DefaultOptions> = ComponentFactory<Optimizer, Options>;
/** DI token under which plugin modules bind their {@link OptimizerFactory} values. */
export const OptimizerFactory = Symbol.for('polaris.OptimizerFactory');

/** Creates {@link Mapper}s. Bound by plugins of kind `mapper`. */
export type MapperFactory<Options = DefaultOptions> = ComponentFactory<Mapper, Options>;
/** DI token under which plugin modules bind their {@link MapperFactory} values. */
export const MapperFactory = Symbol.for('polaris.MapperFactory');

/** Creates {@link PerformanceModel}s. Bound by plugins of kind `model`. */
export type PerformanceModelFactory<Options = DefaultOptions> = ComponentFactory<PerformanceModel, Options>;
/** DI token under which plugin modules bind their {@link PerformanceModelFactory} values. */
export const PerformanceModelFactory = Symbol.for('polaris.PerformanceModelFactory');

/** Creates {@link DifferentiableModel}s. Bound by plugins of kind `differentiable`. */
export type DifferentiableModelFactory<Options = DefaultOptions> = ComponentFactory<DifferentiableModel, Options>;
/** DI token under which plugin modules bind their {@link DifferentiableModelFactory} values. */
export const DifferentiableModelFactory = Symbol.for('polaris.DifferentiableModelFactory');

/** The component type each plugin kind produces. */
export interface ComponentOfKind {
  evaluator: Evaluator;
  optimizer: Optimizer;
  mapper: Mapper;
  model: PerformanceModel;
  differentiable: DifferentiableModel;
}

/** The factory token of each plugin kind. */
export const FACTORY_TOKENS: Readonly<Record<PluginKind, symbol>> = {
  evaluator: EvaluatorFactory,
  optimizer: OptimizerFactory,
  mapper: MapperFactory,
  model: PerformanceModelFactory,
  differentiable: DifferentiableModelFactory,
};

/**
 * Identity helpers that let TypeScript infer `Options` from `optionsSchema`, e.g.
 * `bind(EvaluatorFactory).toConstantValue(defineEvaluator({ id, optionsSchema, create }))`.
 */
export const defineEvaluator = <O = DefaultOptions>(factory: EvaluatorFactory<O>): EvaluatorFactory<O> => factory;
export const defineOptimizer = <O = DefaultOptions>(factory: OptimizerFactory<O>): OptimizerFactory<O> => factory;
export const defineMapper = <O = DefaultOptions>(factory: MapperFactory<O>): MapperFactory<O> => factory;
export const definePerformanceModel = <O = DefaultOptions>(factory: PerformanceModelFactory<O>): PerformanceModelFactory<O> => factory;
export const defineDifferentiableModel = <O = DefaultOptions>(factory: DifferentiableModelFactory<O>): DifferentiableModelFactory<O> => factory;
