import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulatorBuilds } from './simulator-builds.js';
import { hasVerilator } from './toolchain.js';
import { isAlive, waitUntil } from './process-wait.testing.js';

/**
 * SimulatorBuilds against fake packages whose harness/build.sh fails or hangs (the toolchain
 * fingerprint still needs verilator on PATH, so these skip without it).
 */
const VERILATOR = hasVerilator();
if (!VERILATOR) console.warn('rtl-sim: verilator is not on PATH — SKIPPING the SimulatorBuilds tests. Install it with `bash scripts/install-system-tools.sh`.');
const work = mkdtempSync(join(tmpdir(), 'rtl-builds-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A package dir with one RTL file and the given build.sh body. */
function fakePackage(name: string, buildScript: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'rtl'), { recursive: true });
  mkdirSync(join(dir, 'harness'), { recursive: true });
  writeFileSync(join(dir, 'rtl', 'top.sv'), `// ${name}\n`);
  writeFileSync(join(dir, 'harness', 'build.sh'), `#!/bin/bash\n${buildScript}\n`);
  return dir;
}


describe.skipIf(!VERILATOR)('SimulatorBuilds', () => {
  it('remembers a failed build instead of rebuilding for every point', async () => {
    const count = join(work, 'count');
    const packageDir = fakePackage('broken', `echo run >> ${count}; echo "syntax error in top.sv" >&2; exit 1`);
    const builds = new SimulatorBuilds({ packageDir, cacheDir: join(work, 'cache-broken') });
    await expect(firstValueFrom(builds.acquire(4))).rejects.toThrow(/building the simulator for DIM 4 failed[\s\S]*syntax error in top.sv/);
    await expect(firstValueFrom(builds.acquire(4))).rejects.toThrow(/syntax error/);
    expect(readFileSync(count, 'utf8')).toBe('run\n');
  });

  it('aborts a build nobody waits for: kills the whole process group and removes the temp dir', async () => {
    const pids = join(work, 'pids');
    const packageDir = fakePackage('slow', `sleep 300 & echo "$$ $!" > ${pids}; wait`);
    const cacheDir = join(work, 'cache-slow');
    const builds = new SimulatorBuilds({ packageDir, cacheDir });
    const first = builds.acquire(8).subscribe({ error: () => {} });
    const second = builds.acquire(8).subscribe({ error: () => {} });
    expect(await waitUntil(() => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '), 10_000), 'build.sh started').toBe(true);
    const [bash, sleep] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    first.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(sleep), 'one subscriber still waits: the build goes on').toBe(true);
    second.unsubscribe();
    expect(await waitUntil(() => !isAlive(bash) && !isAlive(sleep), 5_000), 'build.sh and its child killed').toBe(true);
    expect(await waitUntil(() => readdirSync(cacheDir).length === 0, 5_000), 'temp dir removed').toBe(true);
  });
});
