import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Workload } from '../domain/workload.js';
import { BUILTIN_WORKLOAD_NAMES, UnknownWorkloadError, builtinWorkload } from './builtin-workloads.js';
import { loadTimeloopWorkload } from './timeloop-problem.js';

/**
 * A workload by built-in name or by path (file or folder of Timeloop problem YAML),
 * a relative path being resolved against `baseDir`.
 */
export function resolveWorkload(nameOrPath: string, baseDir = process.cwd()): Workload {
  if (BUILTIN_WORKLOAD_NAMES.includes(nameOrPath)) return builtinWorkload(nameOrPath);
  const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(baseDir, nameOrPath);
  if (existsSync(path)) return loadTimeloopWorkload(path);
  throw new UnknownWorkloadError(
    `unknown workload "${nameOrPath}" (not built in, and no file at ${path}); allowed: ${BUILTIN_WORKLOAD_NAMES.join(', ')}, or a path to a Timeloop problem YAML file or folder`,
  );
}
