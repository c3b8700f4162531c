import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { RECORD_NAME, digestFile, inspectBuild } from './build-record.js';
import { fakeSimulatorPackage, fakeSimulatorScript } from './fake-simulator.testing.js';
import { SimulatorBuilds } from './simulator-builds.js';
import { hasVerilator } from './toolchain.js';
import { type BuildEvent, buildSimulator } from './verilator-build.js';

/**
 * The cache's digest check with real build processes: fake packages whose harness/build.sh
 * "builds" a small script in milliseconds and logs each build, so a rebuild is observable. (The
 * cache key hashes the Verilator version, so these skip without verilator on PATH.)
 */
const VERILATOR = hasVerilator();
if (!VERILATOR) console.warn('rtl-sim: verilator is not on PATH — SKIPPING the build digest tests. Install it with `bash scripts/install-system-tools.sh`.');
const work = mkdtempSync(join(tmpdir(), 'rtl-digest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SIMULATOR = fakeSimulatorScript('echo "the simulator as built"');

/** A fresh fake package and cache; `build()` runs buildSimulator and collects its events. */
function fixture(name: string) {
  const packageDir = fakeSimulatorPackage(join(work, name), SIMULATOR, name);
  const cacheDir = join(work, `${name}-cache`);
  const events: BuildEvent[] = [];
  const build = () => buildSimulator({ dim: 2, packageDir, cacheDir, onEvent: (event) => events.push(event) });
  const builds = () => readFileSync(join(packageDir, 'builds.log'), 'utf8').trim().split('\n').length;
  const notices = () => events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
  return { packageDir, cacheDir, events, build, builds, notices };
}

describe.skipIf(!VERILATOR)('cached simulator digest', () => {
  it('records the size and SHA-256 of the binary in build.json, and an intact entry is used without rebuilding', async () => {
    const f = fixture('intact');
    const built = await f.build();
    const record = JSON.parse(readFileSync(join(built.dir, RECORD_NAME), 'utf8'));
    const digest = digestFile(built.binary);
    expect(record).toMatchObject({ binarySha256: digest.sha256, binaryBytes: digest.bytes });
    expect(record.binarySha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await f.build();
    expect(again.binarySha256).toBe(built.binarySha256);
    expect(f.builds()).toBe(1);
    expect(f.notices()).toEqual([]);
  });

  it('detects a replaced binary by its digest and rebuilds it, with a one-line notice', async () => {
    const f = fixture('replaced');
    const built = await f.build();
    // Same size, other content: only the digest can tell.
    writeFileSync(built.binary, SIMULATOR.replace('as built', 'REPLACED'));
    expect(inspectBuild(built.dir)).toMatchObject({ state: 'invalid', problem: expect.stringMatching(/SHA-256 of Vaccel is [0-9a-f]{16}… but build\.json records/) });
    const rebuilt = await f.build();
    expect(f.builds()).toBe(2);
    expect(readFileSync(rebuilt.binary, 'utf8')).toBe(SIMULATOR);
    expect(digestFile(rebuilt.binary).sha256).toBe(built.binarySha256);
    const [notice, ...more] = f.notices();
    expect(more).toEqual([]);
    expect(notice).toMatch(new RegExp(`^the cached simulator for DIM 2 \\(${built.dir}\\) does not match its build\\.json: the SHA-256 of Vaccel .*; rebuilding it$`));
    expect(notice).not.toContain('\n');
  });

  it('detects a truncated binary by its size and rebuilds it', async () => {
    const f = fixture('truncated');
    const built = await f.build();
    truncateSync(built.binary, 10);
    const rebuilt = await f.build();
    expect(f.builds()).toBe(2);
    expect(digestFile(rebuilt.binary).bytes).toBe(built.binaryBytes);
    expect(f.notices()).toEqual([expect.stringMatching(new RegExp(`Vaccel is 10 bytes but build\\.json records ${built.binaryBytes} \\(truncated or replaced\\); rebuilding it$`))]);
  });

  it('rebuilds an entry whose build.json records no digest (a build from before digests)', async () => {
    const f = fixture('legacy');
    const built = await f.build();
    const { binarySha256: _sha, binaryBytes: _bytes, ...legacy } = JSON.parse(readFileSync(join(built.dir, RECORD_NAME), 'utf8'));
    writeFileSync(join(built.dir, RECORD_NAME), JSON.stringify(legacy));
    const rebuilt = await f.build();
    expect(f.builds()).toBe(2);
    expect(rebuilt.binarySha256).toBe(built.binarySha256);
    expect(f.notices()).toEqual([expect.stringMatching(/build\.json records no digest of Vaccel \(a build from before digests were recorded\); rebuilding it$/)]);
  });

  it('SimulatorBuilds drops a build whose binary changed on disk since its check, and rebuilds it on the next request', async () => {
    const f = fixture('live');
    const notices: string[] = [];
    const builds = new SimulatorBuilds({ packageDir: f.packageDir, cacheDir: f.cacheDir, onEvent: (e) => { if (e.type === 'notice') notices.push(e.message); } });
    const first = await firstValueFrom(builds.acquire(2));
    expect((await firstValueFrom(builds.acquire(2))).binary).toBe(first.binary);
    expect(f.builds()).toBe(1);
    writeFileSync(first.binary, fakeSimulatorScript('exec sleep 300'));
    const second = await firstValueFrom(builds.acquire(2));
    expect(f.builds()).toBe(2);
    expect(readFileSync(second.binary, 'utf8')).toBe(SIMULATOR);
    expect(notices).toEqual([expect.stringMatching(/does not match its build\.json: Vaccel is \d+ bytes but build\.json records/)]);
  });
});
