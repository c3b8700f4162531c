import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginRegistry, isPathLike } from '@polaris/core';

/** Plugin packages shipped with Polaris; the registry imports each only when a config asks for it. */
export const BUILTIN_PLUGIN_PACKAGES = ['@polaris/analytical', '@polaris/rtl-sim', '@polaris/starlight', '@polaris/polaris'] as const;

/** Folder of the CLI package, from which the built-in plugin packages resolve. */
const CLI_DIR = dirname(fileURLToPath(new URL('../../package.json', import.meta.url)));

/**
 * A registry holding the built-in plugins plus `extra` plugin specs: paths (relative ones against
 * the current directory; the run config has already resolved its own against its folder) or
 * package names installed beside Polaris.
 */
export function createRegistry(extra: readonly string[] = []): PluginRegistry {
  const registry = new PluginRegistry({ baseDir: CLI_DIR });
  // A relative path given on the command line means relative to where the user stands.
  const specs = extra.map((spec) => (isPathLike(spec) ? resolve(process.cwd(), spec) : spec));
  for (const spec of [...BUILTIN_PLUGIN_PACKAGES, ...specs]) registry.add(spec);
  return registry;
}
