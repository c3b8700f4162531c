import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '@polaris/core';

// `polaris run` under signals, kills and faults, as real child processes (not a TTY: plain
// progress lines). Timings are bounds a loaded 2-core CI machine meets with margin.

const BIN = fileURLToPath(new URL('../bin/polaris.mjs', import.meta.url));
const CRASHING = fileURLToPath(new URL('./fixtures/crashing-evaluator', import.meta.url));
const TRIALS = 80;

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'polaris-faults-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function writeConfig(dir: string, extra = '', trials = TRIALS): string {
  const path = join(dir, 'run.yaml');
  writeFileSync(path, `name: bert-faults\nseed: 5\nworkload: bert\nbudget: {trials: ${trials}, batch: 4}\n`
    + `store: runs.sqlite\noutput: out/{name}-{seed}.json\n${extra}`);
  return path;
}

function start(config: string, args: string[] = []): ResultPromise<{ cwd: string; reject: false; all: true }> {
  return execa(process.execPath, [BIN, 'run', config, ...args], { cwd: join(config, '..'), reject: false, all: true });
}

/** Resolves when the child's stderr has printed a line matching `pattern`. */
function waitFor(child: ResultPromise, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; stderr so far:\n${seen}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) { clearTimeout(timer); resolve(); }
    });
  });
}

function storedTrials(dir: string): { index: number; pointHash: string; running: boolean }[] {
  const store = new SqliteStore(join(dir, 'runs.sqlite'));
  try {
    const [run] = store.listRuns();
    return run ? store.trials(run.id).map(({ index, pointHash, running }) => ({ index, pointHash, running: running ?? false })) : [];
  } finally {
    store.close();
  }
}

const bestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'out', 'bert-faults-5.json'), 'utf8')).best;

describe('polaris run under signals', () => {
  let reference: { hashes: string[]; best: unknown };
  beforeAll(async () => {
    const dir = tempDir();
    const r = await start(writeConfig(dir), ['--quiet']);
    expect(r.exitCode, r.all).toBe(0);
    reference = { hashes: storedTrials(dir).map((t) => t.pointHash), best: bestOf(dir) };
    expect(reference.hashes).toHaveLength(TRIALS);
  });

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s stops a run within 2 s, keeps every stored trial, and a rerun resumes to the uninterrupted result', async (signal, code) => {
    const dir = tempDir();
    const config = writeConfig(dir);
    const child = start(config);
    await waitFor(child, new RegExp(`progress (8|1[0-9])/${TRIALS}`));
    const sentAt = performance.now();
    child.kill(signal);
    const stopped = await child;
    const stopMs = performance.now() - sentAt;
    expect(stopped.exitCode, stopped.all).toBe(code);
    expect(stopMs).toBeLessThan(2000);
    expect(stopped.stderr).toMatch(/stopping — no new trials/);
    expect(stopped.stderr).toMatch(new RegExp(`rerun \`polaris run ${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\` to resume`));
    const kept = storedTrials(dir);
    expect(kept.length).toBeGreaterThanOrEqual(8);
    expect(kept.length).toBeLessThan(TRIALS);
    expect(kept.map((t) => t.index)).toEqual(kept.map((_, i) => i));
    expect(kept.map((t) => t.pointHash)).toEqual(reference.hashes.slice(0, kept.length));

    const resumed = await start(config, ['--quiet']);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stderr).toContain(`${TRIALS} trials (${kept.length} resumed`);
    expect(storedTrials(dir).map((t) => t.pointHash)).toEqual(reference.hashes);
    expect(bestOf(dir)).toEqual(reference.best);
  });
});

describe('one writer per run', () => {
  it('refuses a second process on a live run, and takes over once the holder is killed', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, '', 100_000);
    const holder = start(config);
    await waitFor(holder, /progress \d+\/100000/);
    const second = await start(config, ['--quiet']);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`being written by another polaris process \\(pid ${holder.pid} on .*wait for it to finish or stop it`));
    expect(second.stderr).not.toMatch(/\n\s+at /);
    holder.kill('SIGKILL');
    await holder;
    // "resuming: N" counts finished trials; those the kill left running are evaluated by the resume.
    const kept = storedTrials(dir).filter((t) => !t.running).length;

    const next = start(config);
    await waitFor(next, new RegExp(`resuming: ${kept} of 100000 trials already in the store`));
    next.kill('SIGINT');
    expect((await next).exitCode).toBe(130);
    expect(storedTrials(dir).length).toBeGreaterThanOrEqual(kept);
  });
});

describe('recoverable failures', () => {
  it('are retried when the run is resumed after the fault is fixed; the stored errors are shown', async () => {
    const dir = tempDir();
    const fault = join(dir, 'simulator-is-broken');
    writeFileSync(fault, '');
    const config = writeConfig(dir, `plugins: [${CRASHING}]\nevaluator: {id: crashing, options: {faultFile: ${fault}, crashFromPeDim: 16}}\nretries: 1\n`, 24);
    const broken = await start(config);
    expect(broken.exitCode, broken.all).toBe(0);
    const failed = Number(/(\d+) failed\)/.exec(broken.stderr)?.[1]);
    expect(failed).toBeGreaterThan(0);
    expect(broken.stderr).toMatch(/failed \(recoverable: retried when the run is resumed\): simulator crashed/);

    const stillBroken = await start(config);
    expect(stillBroken.stderr).toMatch(new RegExp(`retrying ${failed} stored trials that failed recoverably`));
    expect(stillBroken.stderr).toMatch(/failed again \(attempt 2\)/);
    const exhausted = await start(config);
    expect(exhausted.stderr).not.toMatch(/retrying/);
    expect(exhausted.stderr).toMatch(/\(stored\) failed recoverably 2 times; not retried again \(raise `retries:` above 1 to retry\): simulator crashed/);

    rmSync(fault);
    const fixed = await start(writeConfig(dir, `plugins: [${CRASHING}]\nevaluator: {id: crashing, options: {faultFile: ${fault}, crashFromPeDim: 16}}\nretries: 3\n`, 24));
    expect(fixed.exitCode, fixed.all).toBe(0);
    expect(fixed.stderr).toMatch(new RegExp(`retrying ${failed} stored trials`));
    const store = new SqliteStore(join(dir, 'runs.sqlite'));
    const trials = store.trials(store.listRuns()[0].id);
    store.close();
    expect(trials.filter((t) => t.error)).toEqual([]);
    expect(trials.filter((t) => (t.attempts ?? 1) === 3)).toHaveLength(failed);
  });
});
