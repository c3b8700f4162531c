// Long benchmark program for simulation speed: node bench.mjs <DIM> <tiles> <outdir>
// A GEMM-like stream: per tile, MVIN a DIM x DIM weight block and R input rows into one of
// two scratchpad buffers (double buffering), PRELOAD, COMPUTE R vectors accumulating into
// R accumulator rows; every KC tiles MVOUT the R rows. Writes program.hex and dram.hex.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { I, imageText, programText, randBytes } from './lib.mjs';

const [D, T, out] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const R = 256, KC = 4;
const wAddr = 0, xAddr = 64 * 1024, oAddr = 1024 * 1024;
const instrs = [I.config(4096, 1024)];
for (let t = 0; t < T; t++) {
  const buf = (t % 2) * (D + R), kc = t % KC, accBuf = (Math.floor(t / KC) % 2) * R;
  instrs.push(I.mvin(D, D, wAddr + (t % 16) * D * D, buf, D), I.mvin(R, D, xAddr + (t % 8) * R * D, buf + D, D),
    I.preload(D, D, buf), I.compute(R, buf + D, accBuf, kc !== 0));
  if (kc === KC - 1) instrs.push(I.mvout(R, D, oAddr + (Math.floor(t / KC) % 4) * R * D * 4, accBuf, D * 4));
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'program.hex'), programText(instrs, [`bench DIM=${D} tiles=${T}`]));
writeFileSync(join(out, 'dram.hex'), imageText(oAddr + 4 * R * D * 4, [{ addr: wAddr, bytes: randBytes(16 * D * D, 1) }, { addr: xAddr, bytes: randBytes(8 * R * D, 2) }]));
console.log(`${instrs.length} instructions, ${T * R * D * D} MACs`);
