import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, forkJoin } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimulationOutcome } from './harness-report.js';
import { CAPTURE_LIMIT_BYTES, SimulationPool } from './simulation-pool.js';
import { isAlive, waitUntil } from './process-wait.testing.js';

/**
 * The pool against a fake harness (a shell script obeying the harness's exit-code contract, or
 * breaking it on purpose: hanging, crashing, exiting oddly, printing binary garbage), so these
 * tests need no Verilator: the mode is the first argument.
 */
const dir = mkdtempSync(join(tmpdir(), 'rtl-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPORT = '{"ok": true, "dim": 4, "cycles": 100, "counters": {"macs": 64, "instructions": 3, "sp_reads": 4, "sp_writes": 4, '
  + '"sp_bank_reads": [1,1,1,1], "sp_bank_writes": [1,1,1,1], "acc_reads": 0, "acc_writes": 4, "dram_read_bytes": 32, '
  + '"dram_write_bytes": 64, "dram_requests": 3, "preload_weight_loads": 1, "stall_dma_wait": 0, "stall_bank_conflict": 0, '
  + '"stall_queue_full": 0, "stall_dependency": 0, "stall_pipeline": 0, "busy_load": 10, "busy_execute": 20, "busy_store": 10}, '
  + '"check": null, "error": null}';
const fake = join(dir, 'fake-harness.sh');
writeFileSync(fake, [
  '#!/bin/bash',
  'case "$1" in',
  `  ok) echo '${REPORT}'; exit 0 ;;`,
  '  hang) exec sleep 300 ;;',
  '  segv) kill -SEGV $$ ;;',
  `  cap) echo '${REPORT.replace('"ok": true', '"ok": false')}'; exit 2 ;;`,
  `  reject) echo '${REPORT.replace('"error": null', '"error": "unknown opcode 9"')}'; exit 3 ;;`,
  '  garbage) echo "hello"; exit 0 ;;',
  '  exit1) echo "some wrapper failed" >&2; exit 1 ;;',
  '  exit42) exit 42 ;;',
  '  abort) kill -ABRT $$ ;;',
  '  binary) for i in $(seq 300); do printf \'\\000\\033[2J\\377\\376\'; done; exit 0 ;;',
  '  flood) head -c 3000000 /dev/zero; exit 0 ;;',
  `  orphan) sleep 5 & echo $! > "$2"; echo '${REPORT}'; exit 0 ;;`,
  `  mismatch) echo '${REPORT.replace('"check": null', '"check": {"ok": false, "mismatches": 3, "first": "@00000040 got 01 want 02"}')}'; exit 0 ;;`,
  'esac',
  'echo "{\\"ok\\": false, \\"error\\": \\"bad-arguments: unknown option $1\\"}"',
  'exit 1',
  '',
].join('\n'));
chmodSync(fake, 0o755);

const run = (pool: SimulationPool, mode: string, timeoutMs = 10_000, onStart?: (pid: number) => void, extra: string[] = []) =>
  pool.run({ binary: fake, args: [mode, ...extra], timeoutMs, onStart });
/** A failed outcome's message (fails the test on success). */
const errorOf = (outcome: SimulationOutcome): string => {
  if (outcome.ok) throw new Error('expected a failure');
  return outcome.error;
};
/** One line of printable ASCII (plus the ellipsis): nothing that could garble a terminal. */
const PRINTABLE_LINE = /^[\x20-\x7e…]*$/;


describe('SimulationPool', () => {
  it('parses a completed run', async () => {
    const outcome = await firstValueFrom(run(new SimulationPool({ concurrency: 1 }), 'ok'));
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.report).toMatchObject({ cycles: 100, counters: { macs: 64 } });
  });

  it('turns each kind of failure into a value with the right `recoverable`, without stopping the others', async () => {
    const pool = new SimulationPool({ concurrency: 2 });
    const modes = ['ok', 'hang', 'segv', 'cap', 'reject', 'garbage', 'args', 'mismatch', 'exit1', 'exit42', 'abort', 'ok'];
    const outcomes = await firstValueFrom(forkJoin(modes.map((mode) => run(pool, mode, 1_000))));
    const summary = outcomes.map((o) => (o.ok ? 'ok' : `${o.kind}:${o.recoverable}`));
    expect(summary).toEqual([
      'ok', 'timeout:true', 'crash:true', 'cycle-cap:true', 'machine-error:false', 'bad-output:true', 'bad-arguments:false',
      'check-failed:false', 'unexpected-exit:true', 'unexpected-exit:true', 'crash:true', 'ok',
    ]);
    const [, hang, segv, cap, rejected, garbage, args, mismatch, exit1, exit42, abort] = outcomes.map((o) => (o.ok ? '' : o.error));
    expect(hang).toMatch(/ran past its time limit of 1 s and was killed.*timeoutSeconds.*polaris evaluate --timeout/);
    expect(segv).toMatch(/killed by SIGSEGV \(a segmentation fault in the simulator\).*rerun/);
    expect(cap).toMatch(/hit the cycle cap at 100 cycles.*raise the rtl option maxCycles/);
    expect(rejected).toMatch(/the machine rejected the program \(exit 3, "unknown opcode 9"\).*bug in Polaris/);
    expect(garbage).toMatch(/exited 0 but its output is not the harness's JSON report \(no JSON object on stdout\).*remove .* so the simulator is rebuilt.*stdout "hello"/);
    expect(args).toMatch(/the harness rejected its command line or input files \(exit 1, "bad-arguments: unknown option args"\)/);
    expect(mismatch).toMatch(/3 mismatches, first "@00000040 got 01 want 02"/);
    // Exit 1 without the harness's JSON is not "the harness rejected its arguments".
    expect(exit1).not.toMatch(/rejected/);
    expect(exit1).toMatch(/exited with code 1 without the harness's JSON answer.*not behaving as the harness.*remove .* rebuilt.*stderr "some wrapper failed"/);
    expect(exit42).toMatch(/exited with code 42, which the harness never uses/);
    expect(abort).toMatch(/killed by SIGABRT \(the simulator aborted: Verilator stopped on a fatal error, or the harness threw/);
    for (const error of outcomes.map((o) => (o.ok ? '' : o.error))) expect(error).toMatch(PRINTABLE_LINE);
    expect(pool.active + pool.waiting).toBe(0);
  });

  it('quotes binary garbage as a bounded, escaped excerpt', async () => {
    const error = errorOf(await firstValueFrom(run(new SimulationPool({ concurrency: 1 }), 'binary')));
    expect(error).toMatch(PRINTABLE_LINE);
    expect(error).toContain('stdout "\\x00\\x1b[2J\\xff\\xfe\\x00');
    const excerpt = /stdout "(.*)" … (\d+) more bytes/.exec(error);
    expect(excerpt, error).not.toBeNull();
    expect(excerpt?.[1].length).toBeLessThanOrEqual(400);
    // 300 × 7 bytes printed; what the excerpt shows plus what it counts as left out is all of it.
    const shown = (excerpt?.[1].match(/\\x[0-9a-f]{2}|[^\\]/g) ?? []).length;
    expect(shown + Number(excerpt?.[2])).toBe(2100);
    expect(error.length).toBeLessThan(1000);
  });

  it('stops a simulator that floods its output at the capture limit', async () => {
    const error = errorOf(await firstValueFrom(run(new SimulationPool({ concurrency: 1 }), 'flood')));
    expect(error).toMatch(new RegExp(`printed more than ${CAPTURE_LIMIT_BYTES} bytes on stdout and was stopped`));
    expect(error).toMatch(PRINTABLE_LINE);
    expect(error.length).toBeLessThan(1000);
  });

  it('ends a run when the simulator exits, even if a process it left behind holds its output open', async () => {
    const pidFile = join(dir, 'orphan.pid');
    const began = Date.now();
    const outcome = await firstValueFrom(run(new SimulationPool({ concurrency: 1 }), 'orphan', 10_000, undefined, [pidFile]));
    const orphan = Number(readFileSync(pidFile, 'utf8'));
    try {
      expect(Date.now() - began).toBeLessThan(3_000);
      expect(outcome.ok).toBe(true);
    } finally {
      if (isAlive(orphan)) process.kill(orphan, 'SIGKILL');
    }
  });

  it('kills a hung simulator at the timeout: the process is gone and the failure is recoverable', async () => {
    let pid: number | undefined;
    const began = Date.now();
    const outcome = await firstValueFrom(run(new SimulationPool({ concurrency: 1 }), 'hang', 300, (p) => { pid = p; }));
    expect(Date.now() - began).toBeLessThan(3_000);
    expect(outcome).toMatchObject({ ok: false, kind: 'timeout', recoverable: true });
    expect(errorOf(outcome)).toMatch(/time limit of 300 ms.*timeoutSeconds/);
    expect(pid).toBeDefined();
    expect(await waitUntil(() => !isAlive(pid as number), 2_000), `pid ${pid} still alive after the timeout`).toBe(true);
  });

  it('reports a missing binary as a recoverable spawn failure naming the fix', async () => {
    const outcome = await firstValueFrom(new SimulationPool().run({ binary: join(dir, 'nope'), args: [], timeoutMs: 1_000 }));
    expect(outcome).toMatchObject({ ok: false, kind: 'spawn', recoverable: true });
    expect(errorOf(outcome)).toMatch(/cannot start the simulator .*nope \(ENOENT\): it does not exist: remove .* so the simulator is rebuilt/);
  });

  it('never runs more than `concurrency` processes at once', async () => {
    const pool = new SimulationPool({ concurrency: 2 });
    let peak = 0;
    const probe = () => { peak = Math.max(peak, pool.active); };
    await firstValueFrom(forkJoin(Array.from({ length: 6 }, () => run(pool, 'ok', 5_000, probe))));
    expect(peak).toBe(2);
  });

  it('kills the child process when unsubscribed, and drops queued runs', async () => {
    const pool = new SimulationPool({ concurrency: 1 });
    let pid: number | undefined;
    const emitted: unknown[] = [];
    const subscription = run(pool, 'hang', 60_000, (p) => { pid = p; }).subscribe((o) => emitted.push(o));
    const queued = run(pool, 'ok').subscribe((o) => emitted.push(o));
    expect(await waitUntil(() => pid !== undefined, 5_000)).toBe(true);
    expect(isAlive(pid as number)).toBe(true);
    expect(pool.waiting).toBe(1);
    queued.unsubscribe();
    expect(pool.waiting).toBe(0);
    subscription.unsubscribe();
    expect(await waitUntil(() => !isAlive(pid as number), 5_000), `pid ${pid} still alive after unsubscribe`).toBe(true);
    expect(await waitUntil(() => pool.active === 0, 5_000)).toBe(true);
    expect(emitted).toEqual([]);
  });
});
