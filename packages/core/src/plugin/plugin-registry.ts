import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Container, type ContainerModule } from 'inversify';
import type { Workload } from '../domain/workload.js';
import type { HardwareSpace } from '../space/hardware-space.js';
import {
  PluginError, PluginLoadError, PluginOptionsError, PluginUnavailableError, UnknownPluginError,
} from './plugin-errors.js';
import {
  type ComponentFactory, type ComponentNeeds, type ComponentOfKind, FACTORY_TOKENS, type PluginContext,
} from './plugin-factories.js';
import type { PluginKind } from './plugin-manifest.js';
import { type PluginSource, resolvePluginSource } from './plugin-source.js';
import { which as defaultWhich } from './which.js';

/** Whether a plugin can run here; `unavailable` says why and how to fix it. */
export type PluginStatus =
  | { readonly state: 'ready' }
  | { readonly state: 'unavailable'; readonly reason: string; readonly fix: string };

/** One row of `polaris plugins`. */
export interface PluginInfo {
  readonly id: string;
  readonly kinds: readonly PluginKind[];
  readonly provides: readonly string[];
  readonly description?: string;
  /** Package name or path as given to {@link PluginRegistry.add}. */
  readonly spec: string;
  readonly packageJsonPath: string;
  readonly entryPath: string;
  readonly status: PluginStatus;
  /** Whether its module has been imported and loaded into the container. */
  readonly loaded: boolean;
}

export interface PluginRegistryOptions {
  /** Directory that relative plugin paths and `node_modules` lookups start from (default cwd). */
  readonly baseDir?: string;
  /** Container to load plugin modules into (default a new one); the host binds Store/Mapper there. */
  readonly container?: Container;
  /** Command lookup used for `requires.commands` (default {@link which} on PATH); tests inject one. */
  readonly which?: (command: string) => string | undefined;
}

/** What the host passes when creating a component; becomes the factory's {@link PluginContext}. */
export interface CreateOptions {
  readonly options?: Readonly<Record<string, unknown>>;
  /** Default 0. */
  readonly seed?: number;
  readonly workload?: Workload;
  readonly hardwareSpace?: HardwareSpace;
}

interface Entry {
  readonly source: PluginSource;
  loading?: Promise<void>;
  loaded: boolean;
  /** Why importing or loading its module failed; the plugin is unavailable from then on. */
  loadError?: string;
}

/**
 * Knows the plugins a host may use, reports whether each can run, and loads only those asked for.
 *
 * Lifecycle: {@link add} reads a plugin's package.json manifest (no import, no side effects);
 * {@link list} reports status for `polaris plugins`; {@link create} (or the `evaluator` /
 * `optimizer` / `mapper` / `model` shorthands) imports the providing plugin's module on first
 * use, loads its default-exported `ContainerModule` into {@link container}, finds the factory
 * bound under the kind's token with the asked id, validates options and calls `create`.
 * A module that fails to import or load makes its plugin `unavailable` with the error;
 * {@link probe} loads every plugin to find such failures before any is used (`polaris plugins`).
 *
 * ```ts
 * const registry = new PluginRegistry({ baseDir: configDir });
 * for (const spec of config.plugins) registry.add(spec);   // '@polaris/analytical', './my-plugin'
 * registry.container.bind(Store).toConstantValue(store);
 * const evaluator = await registry.evaluator('analytical', { options, seed });
 * ```
 */
export class PluginRegistry {
  /** Holds every loaded plugin module plus what the host binds (Store, Mapper, …). */
  readonly container: Container;
  private readonly baseDir: string;
  private readonly whichCommand: (command: string) => string | undefined;
  private readonly entries = new Map<string, Entry>();

  constructor(options: PluginRegistryOptions = {}) {
    this.baseDir = options.baseDir ?? process.cwd();
    this.container = options.container ?? new Container();
    this.whichCommand = options.which ?? ((command) => defaultWhich(command));
  }

  /**
   * Registers a plugin by package name or path (resolved against `baseDir`) from its manifest.
   * Adding the same package twice is a no-op.
   * @throws PluginNotFoundError, PluginManifestError, or PluginError when the id or one of its
   *   provided ids clashes with an already added plugin of the same kind.
   */
  add(spec: string): PluginInfo {
    const source = resolvePluginSource(spec, this.baseDir);
    const { manifest } = source;
    const existing = this.entries.get(manifest.id);
    if (existing) {
      if (existing.source.manifest.packageJsonPath === manifest.packageJsonPath) return this.info(existing);
      throw new PluginError(
        `two plugins have the id "${manifest.id}": ${existing.source.manifest.packageJsonPath} and ${manifest.packageJsonPath}`,
      );
    }
    for (const other of this.entries.values()) {
      for (const kind of manifest.kinds) {
        const theirs = other.source.manifest.providesByKind[kind] ?? [];
        const clash = (manifest.providesByKind[kind] ?? []).find((id) => theirs.includes(id));
        if (clash) {
          throw new PluginError(
            `${kind} "${clash}" is provided by both plugin "${other.source.manifest.id}" and plugin "${manifest.id}" ` +
              `(${manifest.packageJsonPath}); remove one of them from the config's plugins`,
          );
        }
      }
    }
    const entry: Entry = { source, loaded: false };
    this.entries.set(manifest.id, entry);
    return this.info(entry);
  }

  /** Every added plugin with its current status, in the order added. */
  list(): PluginInfo[] {
    return [...this.entries.values()].map((entry) => this.info(entry));
  }

  /** Status of a plugin by plugin id; @throws UnknownPluginError listing the known plugin ids. */
  status(pluginId: string): PluginStatus {
    return this.statusOf(this.entryOrThrow(pluginId));
  }

  /**
   * Imports and loads every plugin that is not yet loaded and not already unavailable, so that
   * one whose module throws (or exports no ContainerModule) is listed as unavailable with its
   * error instead of failing only when a config uses it. For `polaris plugins`; a run should
   * not call it (it loads only what its config names).
   * @returns every plugin with its status afterwards, as {@link list}.
   */
  async probe(): Promise<PluginInfo[]> {
    for (const [id, entry] of this.entries) {
      if (entry.loaded || this.statusOf(entry).state === 'unavailable') continue;
      await this.load(id).catch(() => undefined); // recorded as entry.loadError
    }
    return this.list();
  }

  /** The component ids of one kind that added plugins provide (whether ready or not). */
  ids(kind: PluginKind): string[] {
    return [...this.entries.values()].flatMap((e) => e.source.manifest.providesByKind[kind] ?? []);
  }

  /**
   * Imports a plugin's module (once) and loads its ContainerModule into the container.
   * @throws UnknownPluginError, PluginUnavailableError (with the reason and fix), PluginLoadError.
   */
  async load(pluginId: string): Promise<void> {
    const entry = this.entryOrThrow(pluginId);
    const status = this.statusOf(entry);
    if (status.state === 'unavailable') {
      throw new PluginUnavailableError(
        `plugin "${pluginId}" is unavailable: ${status.reason}. Fix: ${status.fix}`, status.reason, status.fix,
      );
    }
    entry.loading ??= this.importAndLoad(entry).then(
      () => { entry.loaded = true; },
      (error: unknown) => {
        entry.loading = undefined;
        entry.loadError = (error as Error).message;
        throw error;
      },
    );
    await entry.loading;
  }

  /**
   * The factory of component `id` of `kind`, loading the plugin that provides it if needed.
   * @throws as {@link create} does, but for the options.
   */
  async factory<K extends PluginKind>(kind: K, id: string): Promise<ComponentFactory<ComponentOfKind[K], unknown>> {
    const entry = [...this.entries.values()].find(
      (e) => (e.source.manifest.providesByKind[kind as PluginKind] ?? []).includes(id),
    );
    if (!entry) {
      const known = this.ids(kind);
      const list = known.length > 0 ? known.map((k) => `"${k}"`).join(', ') : '(none: add a plugin of this kind to the config)';
      throw new UnknownPluginError(`unknown ${kind} "${id}"; known ${kind}s: ${list}`, known);
    }
    const pluginId = entry.source.manifest.id;
    const status = this.statusOf(entry);
    if (status.state === 'unavailable') {
      throw new PluginUnavailableError(
        `${kind} "${id}" (plugin "${pluginId}") is unavailable: ${status.reason}. Fix: ${status.fix}`,
        status.reason, status.fix,
      );
    }
    await this.load(pluginId);
    const factories = this.container.getAll<ComponentFactory<ComponentOfKind[K], unknown>>(FACTORY_TOKENS[kind], { optional: true });
    const factory = factories.find((f) => f.id === id);
    if (!factory) {
      const bound = factories.map((f) => `"${f.id}"`).join(', ') || 'none';
      throw new PluginLoadError(
        `plugin "${pluginId}" declares it provides ${kind} "${id}" but its module (${entry.source.entryPath}) ` +
          `bound no ${kind} factory with that id (bound ${kind} ids: ${bound})`,
      );
    }
    return factory;
  }

  /** What component `id` of `kind` needs from the host (its factory's {@link ComponentNeeds}; empty when none). */
  async needs(kind: PluginKind, id: string): Promise<ComponentNeeds> {
    return (await this.factory(kind, id)).needs ?? {};
  }

  /**
   * Creates the component `id` of `kind`, loading the plugin that provides it if needed.
   * @throws UnknownPluginError listing the known ids of that kind; PluginUnavailableError with
   *   the reason; PluginLoadError when the module binds no such factory; PluginOptionsError.
   */
  async create<K extends PluginKind>(kind: K, id: string, init: CreateOptions = {}): Promise<ComponentOfKind[K]> {
    const factory = await this.factory(kind, id);
    const options = parseOptions(kind, factory, init.options ?? {});
    const context: PluginContext<unknown> = {
      id, options, seed: init.seed ?? 0, container: this.container, workload: init.workload, hardwareSpace: init.hardwareSpace,
    };
    return factory.create(context);
  }

  /** Shorthand for `create('evaluator', id, init)`. */
  evaluator(id: string, init?: CreateOptions): Promise<ComponentOfKind['evaluator']> {
    return this.create('evaluator', id, init);
  }

  /** Shorthand for `create('optimizer', id, init)`. */
  optimizer(id: string, init?: CreateOptions): Promise<ComponentOfKind['optimizer']> {
    return this.create('optimizer', id, init);
  }

  /** Shorthand for `create('mapper', id, init)`. */
  mapper(id: string, init?: CreateOptions): Promise<ComponentOfKind['mapper']> {
    return this.create('mapper', id, init);
  }

  /** Shorthand for `create('model', id, init)`. */
  model(id: string, init?: CreateOptions): Promise<ComponentOfKind['model']> {
    return this.create('model', id, init);
  }

  private entryOrThrow(pluginId: string): Entry {
    const entry = this.entries.get(pluginId);
    if (!entry) {
      const known = [...this.entries.keys()];
      throw new UnknownPluginError(
        `unknown plugin "${pluginId}"; known plugins: ${known.map((k) => `"${k}"`).join(', ') || '(none added)'}`, known,
      );
    }
    return entry;
  }

  private statusOf(entry: Entry): PluginStatus {
    const { manifest, entryPath } = entry.source;
    if (entry.loadError !== undefined) {
      return {
        state: 'unavailable',
        reason: entry.loadError,
        fix: `fix the error in ${entryPath}, or remove the plugin from the config's plugins / --plugin`,
      };
    }
    const missing = manifest.commands.filter((command) => this.whichCommand(command) === undefined);
    if (missing.length === 0) return { state: 'ready' };
    const names = missing.join(', ');
    const reason = `${names} not on PATH`;
    const fix = manifest.hint
      ? `${manifest.hint} (then make sure ${names} ${missing.length > 1 ? 'are' : 'is'} on PATH)`
      : `install ${names} and add ${missing.length > 1 ? 'their folders' : 'its folder'} to PATH`;
    return { state: 'unavailable', reason, fix };
  }

  private info(entry: Entry): PluginInfo {
    const { manifest, spec, entryPath } = entry.source;
    return {
      id: manifest.id,
      kinds: manifest.kinds,
      provides: manifest.provides,
      description: manifest.description,
      spec,
      packageJsonPath: manifest.packageJsonPath,
      entryPath,
      status: this.statusOf(entry),
      loaded: entry.loaded,
    };
  }

  private async importAndLoad(entry: Entry): Promise<void> {
    const { manifest, entryPath } = entry.source;
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(realpathSync(entryPath)).href)) as { default?: unknown };
    } catch (error) {
      throw new PluginLoadError(`plugin "${manifest.id}": importing ${entryPath} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!isContainerModule(module.default)) {
      throw new PluginLoadError(
        `plugin "${manifest.id}": ${entryPath} must default-export an inversify ContainerModule, e.g. ` +
          `export default new ContainerModule(({ bind }) => { bind(EvaluatorFactory).toConstantValue(myFactory); })`,
      );
    }
    try {
      await this.container.loadAsync(module.default);
    } catch (error) {
      throw new PluginLoadError(`plugin "${manifest.id}": loading the ContainerModule of ${entryPath} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

/** Duck-typed so a plugin built against another copy of inversify 8 still loads. */
function isContainerModule(value: unknown): value is ContainerModule {
  return typeof value === 'object' && value !== null
    && typeof (value as { load?: unknown }).load === 'function'
    && typeof (value as { id?: unknown }).id === 'number';
}

function parseOptions(kind: PluginKind, factory: ComponentFactory<unknown, unknown>, options: unknown): unknown {
  if (!factory.optionsSchema) return options;
  const parsed = factory.optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const known = optionKeys(factory.optionsSchema);
  const problems = parsed.error.issues.map((issue) => {
    const where = `options${issue.path.map((p) => `.${String(p)}`).join('')}`;
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0 && known) {
      return `${where}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; `
        + `${factory.id} takes ${known.length > 0 ? known.join(', ') : 'no options'}`;
    }
    return `${where}: ${issue.message}`;
  });
  throw new PluginOptionsError(`${kind} "${factory.id}" has invalid options:\n  ${problems.join('\n  ')}`);
}

/** The top-level keys of an options schema that is a (possibly wrapped) object, else undefined. */
function optionKeys(schema: ComponentFactory<unknown, unknown>['optionsSchema']): string[] | undefined {
  let def = (schema as unknown as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown } } })?._zod?.def;
  for (let guard = 0; guard < 8 && def && def.type !== 'object'; guard++) {
    const inner = (def.innerType ?? def.in) as { _zod?: { def?: typeof def } } | undefined;
    def = inner?._zod?.def;
  }
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}
