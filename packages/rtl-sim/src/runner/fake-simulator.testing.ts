import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY_NAME, RECORD_NAME, type SimulatorBuild, digestFile } from './build-record.js';
import { RTL_SIM_PACKAGE_DIR, toolchainFingerprint } from './toolchain.js';
import { buildKey } from './verilator-build.js';

/**
 * Test helpers that put deliberately broken simulators where the evaluator looks for one, so
 * fault tests run real processes without building the real RTL. No vitest here: CLI specs use
 * them too (through `@polaris/rtl-sim/testing`).
 */

/** A shell script for a fake `Vaccel`: `#!/bin/bash` + `body`. */
export function fakeSimulatorScript(body: string): string {
  return `#!/bin/bash\n${body}\n`;
}

/**
 * Installs `script` as the cached simulator for `dim` under `cacheDir`, at the key the evaluator
 * computes for `packageDir` (default the real rtl-sim package), with a `build.json` whose digest
 * matches — a cache entry the evaluator trusts and runs. Needs verilator on PATH (the key
 * hashes its version).
 * @returns the installed build.
 */
export function installFakeSimulator(options: { cacheDir: string; dim: number; script: string; packageDir?: string }): SimulatorBuild {
  const toolchain = toolchainFingerprint(options.packageDir ?? RTL_SIM_PACKAGE_DIR);
  const key = buildKey(options.dim, toolchain);
  const dir = join(options.cacheDir, key);
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, BINARY_NAME);
  writeFileSync(binary, options.script);
  chmodSync(binary, 0o755);
  const digest = digestFile(binary);
  const build: SimulatorBuild = {
    dim: options.dim, key, dir, binary, binarySha256: digest.sha256, binaryBytes: digest.bytes, toolchain,
    areaUnavailable: 'a fake simulator (test)', buildMs: 0, createdAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, RECORD_NAME), `${JSON.stringify(build, null, 2)}\n`);
  return build;
}

/**
 * A package directory (rtl/, harness/) whose `harness/build.sh <DIM> <outdir>` "builds" by
 * writing `script` as `<outdir>/Vaccel` in a fraction of a second, appending a line to
 * `<dir>/builds.log` each time (count the builds), and whose `harness/synth-area.sh` fails
 * (area unavailable, no Yosys run). `tag` goes into the RTL file, so packages with different
 * tags have different cache keys.
 */
export function fakeSimulatorPackage(dir: string, script: string, tag = 'fake'): string {
  mkdirSync(join(dir, 'rtl'), { recursive: true });
  mkdirSync(join(dir, 'harness'), { recursive: true });
  writeFileSync(join(dir, 'rtl', 'top.sv'), `// ${tag}\n`);
  writeFileSync(join(dir, 'harness', 'simulator.sh'), script);
  writeFileSync(join(dir, 'harness', 'build.sh'), [
    '#!/bin/bash',
    'set -euo pipefail',
    'HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"',
    'mkdir -p "$2"',
    'cp "$HERE/harness/simulator.sh" "$2/Vaccel"',
    'chmod +x "$2/Vaccel"',
    'echo "build DIM $1" >> "$HERE/builds.log"',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'harness', 'synth-area.sh'), '#!/bin/bash\necho "no synthesis in a fake package" >&2\nexit 1\n');
  return dir;
}
