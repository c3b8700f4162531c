/**
 * RTL speed: per DIM, the wall time of a cold simulator build (Verilator, plus the Yosys
 * synthesis of the PE array for area) and simulated cycles per second on a long GEMM-like
 * program (double-buffered loads overlapping compute; test-programs/bench.mjs), median of 3
 * runs of the simulator. One simulator process at a time (one core).
 * Run with `npm run bench:speed -w @polaris/rtl-sim -- [DIM ...]` (default 4 8 16 32 64).
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { buildSimulator } from '../src/runner/index.js';

const dims = process.argv.slice(2).map(Number);
const DIMS = dims.length > 0 ? dims : [4, 8, 16, 32, 64];
const HERE = fileURLToPath(new URL('.', import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`RTL build and simulation speed; node ${process.version}; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`);
const { stdout: version } = await execa('verilator', ['--version']);
console.log(`${version.trim()}; cold builds into a fresh cache directory`);
console.log('DIM  build s (Verilator + Yosys)  PE-array area mm²  program cycles  sim wall s (median of 3)  M cycles/s');
for (const dim of DIMS) {
  const cacheDir = mkdtempSync(join(tmpdir(), `polaris-rtl-bench-${dim}-`));
  const build = await buildSimulator({ dim, cacheDir });
  const work = mkdtempSync(join(tmpdir(), `polaris-rtl-prog-${dim}-`));
  // Tiles chosen so every DIM simulates a few million cycles.
  const tiles = Math.max(16, Math.round(4_000_000 / (256 + 2 * dim) / Math.max(1, dim / 16)));
  await execa('node', [join(HERE, '../test-programs/bench.mjs'), String(dim), String(tiles), work]);
  const walls: number[] = [];
  let cyclesRun = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const { stdout } = await execa(build.binary, ['--program', join(work, 'program.hex'), '--dram', join(work, 'dram.hex')]);
    walls.push((performance.now() - start) / 1000);
    cyclesRun = (JSON.parse(stdout) as { cycles: number }).cycles;
  }
  const wall = median(walls);
  const area = build.area ? `${build.area.mm2.toFixed(3)}` : `n/a (${build.areaUnavailable ?? 'no yosys'})`;
  console.log(`${String(dim).padStart(3)}  ${(build.buildMs / 1000).toFixed(1).padStart(26)}  ${area.padStart(17)}  `
    + `${String(cyclesRun).padStart(14)}  ${wall.toFixed(2).padStart(24)}  ${(cyclesRun / wall / 1e6).toFixed(2).padStart(10)}`);
}
