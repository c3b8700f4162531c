/** Base class of the plugin registry's errors; every message says what to do about it. */
export class PluginError extends Error {
  override readonly name: string = 'PluginError';
}

/** No package or file where a plugin was expected. */
export class PluginNotFoundError extends PluginError {
  override readonly name = 'PluginNotFoundError';
}

/** A config asked for a component id that no added plugin provides. */
export class UnknownPluginError extends PluginError {
  override readonly name = 'UnknownPluginError';
  constructor(
    message: string,
    /** The ids that would have been accepted. */
    readonly knownIds: readonly string[],
  ) {
    super(message);
  }
}

/** The plugin exists but cannot run here (e.g. a required command is not on PATH). */
export class PluginUnavailableError extends PluginError {
  override readonly name = 'PluginUnavailableError';
  constructor(
    message: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** The plugin's module failed to import, has no ContainerModule default export, or binds the wrong factories. */
export class PluginLoadError extends PluginError {
  override readonly name = 'PluginLoadError';
}

/** The config options given to a component do not pass its factory's schema. */
export class PluginOptionsError extends PluginError {
  override readonly name = 'PluginOptionsError';
}
