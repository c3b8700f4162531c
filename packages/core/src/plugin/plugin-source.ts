import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, parse, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginNotFoundError } from './plugin-errors.js';
import { type PluginManifest, readPluginManifest } from './plugin-manifest.js';

/** Where a plugin came from and which module to import for it (nothing imported yet). */
export interface PluginSource {
  /** The spec as the user wrote it: a package name or a path. */
  readonly spec: string;
  readonly manifest: PluginManifest;
  /** Directory of the plugin's package.json. */
  readonly packageDir: string;
  /** Absolute path of the module whose default export is the plugin's ContainerModule. */
  readonly entryPath: string;
}

/**
 * True when `spec` names a file or directory rather than a package: it starts with `.`, is
 * absolute, is a `file:` URL, or starts with a Windows drive letter.
 */
export function isPathSpec(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('file:') || isAbsolute(spec) || /^[A-Za-z]:[\\/]/.test(spec);
}

/**
 * Finds a plugin's package.json and entry module without importing it.
 *
 * - A package name (`@polaris/analytical`) is looked up in `node_modules` folders from
 *   `baseDir` upwards, as Node would.
 * - A path is resolved against `baseDir`. It may be the package directory, its package.json,
 *   or a module file; for a module file the nearest package.json above it with a `"polaris"`
 *   field is the manifest and the file itself is the entry.
 *
 * @throws PluginNotFoundError when nothing is there; PluginManifestError when the manifest is bad.
 */
export function resolvePluginSource(spec: string, baseDir: string): PluginSource {
  if (isPathSpec(spec)) {
    const target = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(baseDir, spec);
    if (!existsSync(target)) {
      const resolved = target === spec ? '' : ` (resolved to ${target} from ${baseDir})`;
      throw new PluginNotFoundError(`plugin path "${spec}" does not exist${resolved}; allowed: a plugin package folder, its package.json or ` +
        'its module file (check the config\'s plugins: or --plugin)');
    }
    if (statSync(target).isDirectory()) return fromPackageDir(spec, target);
    if (basename(target) === 'package.json') return fromPackageDir(spec, dirname(target));
    const packageJsonPath = findManifestAbove(dirname(target));
    if (!packageJsonPath) {
      throw new PluginNotFoundError(
        `plugin module "${spec}" (${target}) has no package.json with a "polaris" manifest in its folder or above`,
      );
    }
    const manifest = readPluginManifest(packageJsonPath);
    return { spec, manifest, packageDir: dirname(packageJsonPath), entryPath: target };
  }
  const packageDir = findPackageDir(spec, baseDir);
  if (!packageDir) {
    throw new PluginNotFoundError(
      `plugin package "${spec}" not found in any node_modules from ${baseDir} upwards; ` +
        `install it (npm install ${spec}) or give its path (e.g. ./plugins/${spec.replace(/^@[^/]+\//, '')})`,
    );
  }
  return fromPackageDir(spec, packageDir);
}

function fromPackageDir(spec: string, packageDir: string): PluginSource {
  const packageJsonPath = join(packageDir, 'package.json');
  if (!existsSync(packageJsonPath)) {
    throw new PluginNotFoundError(`plugin "${spec}": no package.json in ${packageDir}`);
  }
  const manifest = readPluginManifest(packageJsonPath);
  const entry = manifest.entry ?? packageEntry(packageJsonPath);
  const entryPath = resolve(packageDir, entry);
  if (!existsSync(entryPath)) {
    throw new PluginNotFoundError(
      `plugin "${manifest.id}": entry module ${entryPath} does not exist (set "polaris.entry" in ${packageJsonPath})`,
    );
  }
  return { spec, manifest, packageDir, entryPath };
}

/** The package's main module per `exports["."]` (import/default condition), then `main`, then index.js. */
function packageEntry(packageJsonPath: string): string {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { exports?: unknown; main?: unknown };
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const key of ['.', 'import', 'node', 'default']) {
        const found = key in record ? pick(record[key]) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };
  return pick(pkg.exports) ?? (typeof pkg.main === 'string' ? pkg.main : 'index.js');
}

function findPackageDir(name: string, baseDir: string): string | undefined {
  let dir = resolve(baseDir);
  const { root } = parse(dir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root) return undefined;
    dir = dirname(dir);
  }
}

function findManifestAbove(startDir: string): string | undefined {
  let dir = startDir;
  const { root } = parse(dir);
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as Record<string, unknown>;
        if (pkg.polaris !== undefined) return candidate;
      } catch {
        // not JSON: keep looking upwards
      }
    }
    if (dir === root) return undefined;
    dir = dirname(dir);
  }
}
