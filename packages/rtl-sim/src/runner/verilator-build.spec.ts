import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { RTL_SIM_PACKAGE_DIR, defaultCacheDir, hasVerilator, sourceFiles, toolchainFingerprint } from './toolchain.js';
import { STALE_TEMP_MS, buildKey } from './verilator-build.js';

/**
 * The build cache across processes: two child processes build the same DIM into one fresh cache
 * at once; both must succeed and leave a single entry. Real builds (DIM 2, seconds each).
 */
const VERILATOR = hasVerilator();
if (!VERILATOR) console.warn('rtl-sim: verilator is not on PATH — SKIPPING the simulator build tests. Install it with `bash scripts/install-system-tools.sh`.');

const HERE = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rtl-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A child script that builds `dim` into `cache` and prints the build as JSON (or the error). */
const script = join(work, 'build-child.mts');
writeFileSync(script, [
  `import { buildSimulator } from ${JSON.stringify(join(HERE, 'verilator-build.ts'))};`,
  'const [dim, cache] = process.argv.slice(2);',
  'try {',
  '  const build = await buildSimulator({ dim: Number(dim), cacheDir: cache });',
  '  console.log(JSON.stringify({ ok: true, key: build.key, dir: build.dir, binary: build.binary }));',
  '} catch (error) {',
  '  console.log(JSON.stringify({ ok: false, name: error.name, message: error.message }));',
  '}',
  '',
].join('\n'));

const child = (dim: number, cache: string, env?: NodeJS.ProcessEnv) =>
  execa('tsx', [script, String(dim), cache], { preferLocal: true, cwd: RTL_SIM_PACKAGE_DIR, env, extendEnv: env === undefined });

describe('simulator cache key', () => {
  it('hashes the RTL and harness sources, skipping build outputs', () => {
    const files = sourceFiles();
    expect(files.some((f) => f.startsWith('rtl/') && f.endsWith('.sv'))).toBe(true);
    expect(files).toContain('harness/build.sh');
    expect(files.some((f) => f.includes('obj_dir/') || f.split('/').some((p) => p.startsWith('.')))).toBe(false);
  });

  it('defaults to $POLARIS_RTL_CACHE, else ~/.cache/polaris/rtl', () => {
    expect(defaultCacheDir({ POLARIS_RTL_CACHE: '/x/y' })).toBe('/x/y');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/polaris/rtl');
    expect(defaultCacheDir({})).toMatch(/\.cache\/polaris\/rtl$/);
  });

  it.skipIf(!VERILATOR)('differs by DIM and by tool version', () => {
    const toolchain = toolchainFingerprint();
    expect(buildKey(4, toolchain)).toMatch(/^dim4-[0-9a-f]{16}$/);
    expect(buildKey(4, toolchain)).not.toBe(buildKey(8, toolchain).replace('dim8', 'dim4'));
    expect(buildKey(4, toolchain)).not.toBe(buildKey(4, { ...toolchain, verilator: 'Verilator 5.020' }));
  });
});

describe.skipIf(!VERILATOR)('buildSimulator across processes', () => {
  it('lets two processes build the same DIM at once: both succeed, one cache entry, stale temps removed', async () => {
    const cache = join(work, 'cache');
    mkdirSync(cache);
    const stale = join(cache, '.tmp-dim2-dead-XXXXXX');
    mkdirSync(stale);
    const old = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
    utimesSync(stale, old, old);

    const [a, b] = await Promise.all([child(2, cache), child(2, cache)]);
    const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ra, a.stdout).toMatchObject({ ok: true });
    expect(rb, b.stdout).toMatchObject({ ok: true });
    expect(ra.dir).toBe(rb.dir);
    expect(readdirSync(cache)).toEqual([ra.key]);
    expect(readdirSync(ra.dir).sort()).toEqual(expect.arrayContaining(['Vaccel', 'build.json', 'build.log']));
    expect(existsSync(join(ra.dir, 'obj')), 'object files are not kept').toBe(false);

    // A third process finds it in the cache.
    const started = Date.now();
    const again = JSON.parse((await child(2, cache)).stdout);
    expect(again).toMatchObject({ ok: true, dir: ra.dir });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 300_000);
});

describe('buildSimulator without the tools', () => {
  it('fails with a message naming scripts/install-system-tools.sh when verilator is missing', async () => {
    const bin = join(work, 'bin-without-verilator');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = await child(2, join(work, 'no-tools'), { PATH: bin, HOME: work });
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false, name: 'ToolMissingError', message: expect.stringMatching(/verilator is not on PATH.*bash scripts\/install-system-tools\.sh/),
    });
  }, 60_000);
});
