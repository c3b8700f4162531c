import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, forkJoin } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { SimulationPool } from './simulation-pool.js';
import { isAlive, waitUntil } from './process-wait.testing.js';

/**
 * The pool against a fake harness (a shell script obeying the harness's exit-code contract), so
 * these tests need no Verilator: the mode is the first argument.
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
  `  mismatch) echo '${REPORT.replace('"check": null', '"check": {"ok": false, "mismatches": 3, "first": "@00000040 got 01 want 02"}')}'; exit 0 ;;`,
  'esac',
  'echo "{\\"ok\\": false, \\"error\\": \\"bad-arguments: unknown option $1\\"}"',
  'exit 1',
  '',
].join('\n'));
chmodSync(fake, 0o755);

const run = (pool: SimulationPool, mode: string, timeoutMs = 10_000, onStart?: (pid: number) => void) =>
  pool.run({ binary: fake, args: [mode], timeoutMs, onStart });


describe('SimulationPool', () => {
  it('parses a completed run', async () => {
    const outcome = await firstValueFrom(run(new SimulationPool({ concurrency: 1 }), 'ok'));
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(outcome.report).toMatchObject({ cycles: 100, counters: { macs: 64 } });
  });

  it('turns each kind of failure into a value with the right `recoverable`, without stopping the others', async () => {
    const pool = new SimulationPool({ concurrency: 2 });
    const modes = ['ok', 'hang', 'segv', 'cap', 'reject', 'garbage', 'args', 'mismatch', 'ok'];
    const outcomes = await firstValueFrom(forkJoin(modes.map((mode) => run(pool, mode, 1_000))));
    const summary = outcomes.map((o) => (o.ok ? 'ok' : `${o.kind}:${o.recoverable}`));
    expect(summary).toEqual([
      'ok', 'timeout:true', 'crash:true', 'cycle-cap:true', 'machine-error:false', 'bad-output:false', 'bad-arguments:false',
      'check-failed:false', 'ok',
    ]);
    const rejected = outcomes[4];
    expect(!rejected.ok && rejected.error).toMatch(/unknown opcode 9/);
    expect(!outcomes[6].ok && outcomes[6].error).toMatch(/bad-arguments: unknown option args/);
    expect(!outcomes[7].ok && outcomes[7].error).toMatch(/3 mismatches, first @00000040 got 01 want 02/);
    expect(pool.active + pool.waiting).toBe(0);
  });

  it('reports a missing binary as a non-recoverable spawn failure', async () => {
    const outcome = await firstValueFrom(new SimulationPool().run({ binary: join(dir, 'nope'), args: [], timeoutMs: 1_000 }));
    expect(outcome).toMatchObject({ ok: false, kind: 'spawn', recoverable: false });
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
