import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where to look for commands; defaults to the current process's environment. */
export interface WhichOptions {
  /** The PATH to search (default `process.env.PATH`). */
  readonly path?: string;
  /** Windows executable extensions (default `process.env.PATHEXT`, only used on win32). */
  readonly pathExt?: string;
  readonly platform?: NodeJS.Platform;
}

/**
 * Finds an executable on PATH, like the shell's `which`, with node:fs only.
 * @returns the absolute path of the first executable file named `command`, or undefined.
 */
export function which(command: string, options: WhichOptions = {}): string | undefined {
  const platform = options.platform ?? process.platform;
  const searchPath = options.path ?? process.env.PATH ?? '';
  const extensions = platform === 'win32'
    ? ['', ...(options.pathExt ?? process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
    : [''];
  const separator = platform === 'win32' ? ';' : delimiter;
  for (const dir of searchPath.split(separator)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = join(dir, command + ext);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
