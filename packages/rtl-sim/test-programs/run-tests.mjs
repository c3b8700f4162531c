// Runs the RTL test programs against built models: node run-tests.mjs <buildRoot> <DIM>...
// For each DIM and case it writes program.hex / dram.hex / expect.hex under
// <buildRoot>/tests/dim<DIM>/<case>/, runs <buildRoot>/dim<DIM>/Vaccel, and checks the exit
// code, the JSON, the DRAM check, and counter reconciliation.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cases } from './cases.mjs';
import { imageText, programText, reference } from './lib.mjs';

const [root, ...dims] = process.argv.slice(2);
let failed = 0, passed = 0;
for (const D of dims.map(Number)) {
  const bin = join(root, `dim${D}`, 'Vaccel');
  for (const tc of cases(D)) {
    const dir = join(root, 'tests', `dim${D}`, tc.name);
    mkdirSync(dir, { recursive: true });
    const ref = reference(D, tc.size, tc.regions, tc.instrs);
    writeFileSync(join(dir, 'program.hex'), programText(tc.instrs, [`${tc.name} (DIM=${D})`]));
    writeFileSync(join(dir, 'dram.hex'), imageText(tc.size, tc.regions));
    writeFileSync(join(dir, 'expect.hex'), imageText(null, tc.outputs.map(({ addr, len }) => ({ addr, bytes: ref.dram.subarray(addr, addr + len) }))));
    const args = ['--program', join(dir, 'program.hex'), '--dram', join(dir, 'dram.hex'), '--expect', join(dir, 'expect.hex'), ...(tc.args ?? [])];
    const t0 = Date.now();
    const r = spawnSync(bin, args, { encoding: 'utf8' });
    const ms = Date.now() - t0;
    const label = `DIM=${D} ${tc.name}`;
    try {
      const wantExit = tc.exit ?? 0;
      if (r.status !== wantExit) throw new Error(`exit ${r.status} want ${wantExit}; stderr ${r.stderr}`);
      const lines = r.stdout.trim().split('\n');
      if (lines.length !== 1) throw new Error(`expected one JSON line, got ${lines.length}`);
      const j = JSON.parse(lines[0]);
      if (j.dim !== D) throw new Error(`dim ${j.dim}`);
      if (wantExit === 0) {
        if (ref.error) throw new Error(`reference error ${ref.error}`);
        if (!j.ok || !j.check || !j.check.ok) throw new Error(`check failed: ${JSON.stringify(j.check)} error ${JSON.stringify(j.error)}`);
        const c = j.counters;
        if (c.macs !== ref.macs) throw new Error(`macs ${c.macs} want ${ref.macs}`);
        if (j.cycles * D * D < c.macs) throw new Error(`cycles ${j.cycles} < macs/DIM^2`);
        const inBytes = tc.inputBytes ?? tc.regions.reduce((s, r) => s + r.bytes.length, 0);
        if (c.dram_read_bytes < inBytes) throw new Error(`dram_read_bytes ${c.dram_read_bytes} < input bytes ${inBytes}`);
        if (c.dram_write_bytes !== ref.mvoutBytes) throw new Error(`dram_write_bytes ${c.dram_write_bytes} want ${ref.mvoutBytes}`);
        if (c.instructions !== tc.instrs.length) throw new Error(`instructions ${c.instructions}`);
        const sum = (a) => a.reduce((x, y) => x + y, 0);
        if (sum(c.sp_bank_reads) !== c.sp_reads || sum(c.sp_bank_writes) !== c.sp_writes) throw new Error('bank counters do not add up');
      } else if (ref.error && !String(j.error).startsWith(`${ref.error}:`)) {
        throw new Error(`error ${j.error} want ${ref.error}`);
      }
      tc.check?.(j, ref);
      passed++;
      const c = j.counters;
      console.log(`ok   ${label}: ${j.cycles} cycles, macs ${c.macs}, stalls dep ${c.stall_dependency} bank ${c.stall_bank_conflict} dma ${c.stall_dma_wait} pipe ${c.stall_pipeline}, busy L/E/S ${c.busy_load}/${c.busy_execute}/${c.busy_store} (${ms} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${label}: ${e.message}\n     ${r.stdout.trim()}`);
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
