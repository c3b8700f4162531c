import { z } from 'zod';

/**
 * What a config field expects, in the user's words: `expected` completes "expected …, got X",
 * `allowed` is the value domain shown after "allowed:". Registered on schemas with
 * {@link hinted} and looked up by key path when an error is reported.
 */
export interface ConfigHint {
  readonly expected: string;
  readonly allowed: string;
}

/** Registry of the hints of the run-config schema (kept out of zod's global registry). */
export const configHints = z.registry<ConfigHint>();

/** Registers `hint` on `schema` and returns it, for inline use in a schema definition. */
export function hinted<S extends z.ZodType>(schema: S, hint: ConfigHint): S {
  configHints.add(schema, hint);
  return schema;
}

/** The zod internals we read to walk a schema; typed loosely on purpose (internal API). */
interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly items?: readonly z.ZodType[];
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Wrappers (optional, default, pipes, …) around `schema`, outermost first, ending with the core. */
function unwrapChain(schema: z.ZodType): z.ZodType[] {
  const chain: z.ZodType[] = [schema];
  let current = schema;
  for (let guard = 0; guard < 16; guard++) {
    const def = defOf(current);
    let next: z.ZodType | undefined;
    if (def.innerType) next = def.innerType;
    else if (def.type === 'pipe') next = defOf(def.in as z.ZodType).type === 'transform' ? def.out : def.in;
    if (!next) break;
    chain.push(next);
    current = next;
  }
  return chain;
}

/** The core (unwrapped) schema of a field. */
export function coreSchema(schema: z.ZodType): z.ZodType {
  const chain = unwrapChain(schema);
  return chain[chain.length - 1];
}

function childSchema(schema: z.ZodType, key: PropertyKey): z.ZodType | undefined {
  const def = defOf(coreSchema(schema));
  if (def.type === 'object') return def.shape?.[String(key)];
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  if (def.type === 'tuple') return def.items?.[Number(key)];
  return undefined;
}

/** The schema at a key path, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const key of path) {
    if (!current) return undefined;
    current = childSchema(current, key);
  }
  return current;
}

/** The hint of the field at `path`, or of its nearest hinted ancestor. */
export function hintAt(root: z.ZodType, path: readonly PropertyKey[]): ConfigHint | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const schema = schemaAt(root, path.slice(0, depth));
    if (!schema) continue;
    for (const s of unwrapChain(schema)) {
      const hint = configHints.get(s);
      if (hint) return hint;
    }
  }
  return undefined;
}

/** Keys an object schema at `path` knows, in declaration order ([] when not an object). */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(root, path);
  if (!schema) return [];
  const def = defOf(coreSchema(schema));
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
