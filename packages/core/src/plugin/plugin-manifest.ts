import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** What a plugin contributes; one factory token per kind (see plugin-factories.ts). */
export const PLUGIN_KINDS = ['evaluator', 'optimizer', 'mapper', 'model', 'differentiable'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

const pluginId = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case kebab-case (letters, digits, "-"), starting with a letter');

/**
 * Schema of the `"polaris"` field of a plugin package's package.json:
 *
 * ```json
 * "polaris": {
 *   "id": "rtl",
 *   "kind": "evaluator",
 *   "provides": ["rtl"],
 *   "requires": { "commands": ["verilator"], "hint": "apt-get install verilator" },
 *   "entry": "./src/plugin.ts"
 * }
 * ```
 *
 * - `kind` is one kind or a list (a fidelity package may offer an evaluator and a mapper).
 * - `provides` lists the factory ids the plugin's module binds (defaults to `[id]`); the CLI
 *   asks for an evaluator/optimizer/mapper/model by one of these ids. A list applies to every
 *   kind; a mapping kind → ids (`{"evaluator": ["starlight"], "model": ["starlight", "dosa"]}`)
 *   says which ids each kind offers.
 * - `requires.commands` must all be on PATH for the plugin to be `ready`; `hint` tells the
 *   user how to install them.
 * - `entry` is the module (relative to the package directory) that default-exports the
 *   plugin's `ContainerModule`; without it the package's `exports["."]`/`main` is used.
 */
export const PluginManifestSchema = z.strictObject({
  id: pluginId,
  kind: z.union([z.enum(PLUGIN_KINDS), z.array(z.enum(PLUGIN_KINDS)).min(1)]),
  provides: z.union([
    z.array(z.string().min(1)),
    z.partialRecord(z.enum(PLUGIN_KINDS), z.array(z.string().min(1)).min(1)),
  ]).optional(),
  description: z.string().optional(),
  requires: z
    .strictObject({
      commands: z.array(z.string().regex(/^[^/\\\s]+$/, 'must be a bare command name (no path, no spaces)')).optional(),
      hint: z.string().optional(),
    })
    .optional(),
  entry: z.string().min(1).optional(),
});

/** The manifest as written in package.json. */
export type PluginManifestInput = z.input<typeof PluginManifestSchema>;

/** A validated, normalised plugin manifest. */
export interface PluginManifest {
  readonly id: string;
  /** Always a non-empty list, even when package.json gives a single kind. */
  readonly kinds: readonly PluginKind[];
  /** Factory ids the module binds, over all kinds; `[id]` when package.json omits `provides`. */
  readonly provides: readonly string[];
  /** Factory ids per kind (every kind gets the whole list when `provides` is a list). */
  readonly providesByKind: Readonly<Partial<Record<PluginKind, readonly string[]>>>;
  readonly description?: string;
  /** Commands that must be on PATH. */
  readonly commands: readonly string[];
  /** How to install the required commands, shown when one is missing. */
  readonly hint?: string;
  /** Module path relative to the package directory, when given. */
  readonly entry?: string;
  /** Name and version of the package that declared the manifest. */
  readonly packageName: string;
  readonly packageVersion?: string;
  /** Absolute path of the package.json the manifest came from. */
  readonly packageJsonPath: string;
}

/** A package.json that is missing, not JSON, or whose `"polaris"` field is invalid. */
export class PluginManifestError extends Error {
  override readonly name = 'PluginManifestError';
  constructor(
    /** The package.json at fault. */
    readonly packageJsonPath: string,
    message: string,
  ) {
    super(`${packageJsonPath}: ${message}`);
  }
}

/**
 * Validates the parsed contents of a package.json and returns its normalised manifest.
 * @throws PluginManifestError naming `packageJsonPath` and each invalid field.
 */
export function parsePluginManifest(packageJson: unknown, packageJsonPath: string): PluginManifest {
  if (typeof packageJson !== 'object' || packageJson === null || Array.isArray(packageJson)) {
    throw new PluginManifestError(packageJsonPath, 'package.json must be a JSON object');
  }
  const pkg = packageJson as Record<string, unknown>;
  if (pkg.polaris === undefined) {
    throw new PluginManifestError(
      packageJsonPath,
      'no "polaris" field; a plugin declares e.g. "polaris": { "id": "analytical", "kind": "evaluator" }',
    );
  }
  const parsed = PluginManifestSchema.safeParse(pkg.polaris);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = ['polaris', ...issue.path.map(String)].join('.');
      return `${where}: ${issue.message}`;
    });
    throw new PluginManifestError(packageJsonPath, `invalid plugin manifest:\n  ${problems.join('\n  ')}`);
  }
  const m = parsed.data;
  const kinds = Array.isArray(m.kind) ? [...new Set(m.kind)] : [m.kind];
  const providesByKind = providedIds(m.id, kinds, m.provides);
  const undeclared = Object.keys(providesByKind).filter((k) => !kinds.includes(k as PluginKind));
  if (undeclared.length > 0) {
    throw new PluginManifestError(packageJsonPath, `invalid plugin manifest:\n  polaris.provides: names kind ${undeclared.join(', ')}, `
      + `which polaris.kind (${kinds.join(', ')}) does not list; add it to kind or remove it from provides`);
  }
  return {
    id: m.id,
    kinds,
    provides: [...new Set(Object.values(providesByKind).flat())],
    providesByKind,
    description: m.description ?? (typeof pkg.description === 'string' ? pkg.description : undefined),
    commands: m.requires?.commands ?? [],
    hint: m.requires?.hint,
    entry: m.entry,
    packageName: typeof pkg.name === 'string' ? pkg.name : m.id,
    packageVersion: typeof pkg.version === 'string' ? pkg.version : undefined,
    packageJsonPath,
  };
}

/** The ids each kind provides: the list for every kind, the mapping as given, or `[id]`. */
function providedIds(
  id: string, kinds: readonly PluginKind[], provides: readonly string[] | Partial<Record<PluginKind, string[]>> | undefined,
): Partial<Record<PluginKind, readonly string[]>> {
  if (provides !== undefined && !Array.isArray(provides)) return provides as Partial<Record<PluginKind, readonly string[]>>;
  const ids = provides && provides.length > 0 ? provides : [id];
  return Object.fromEntries(kinds.map((kind) => [kind, ids]));
}

/**
 * Reads and validates the plugin manifest of the package.json at `packageJsonPath`.
 * @throws PluginManifestError naming the file when it is unreadable, not JSON or invalid.
 */
export function readPluginManifest(packageJsonPath: string): PluginManifest {
  let text: string;
  try {
    text = readFileSync(packageJsonPath, 'utf8');
  } catch (error) {
    throw new PluginManifestError(packageJsonPath, `cannot read package.json (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PluginManifestError(packageJsonPath, `package.json is not valid JSON (${(error as Error).message})`);
  }
  return parsePluginManifest(json, packageJsonPath);
}
