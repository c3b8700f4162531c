// The hand-written RTL test programs, parameterised by DIM. Each case gives the program,
// the DRAM contents, the output regions to check, and extra assertions on the harness JSON.
import { I, narrowInt8, randBytes, randInt32Bytes, rng } from './lib.mjs';

const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

// simple bump allocator for DRAM regions (64-byte aligned)
function layout() {
  let next = 0;
  return (bytes) => { const a = next; next += Math.ceil(bytes / 64) * 64 + 64; return a; };
}

export function cases(D) {
  const list = [];

  // 1. plain matmul: out = X1·W1 + X2·W2 (COMPUTE overwrite, then accumulate)
  {
    const M = 2 * D, alloc = layout();
    const w1 = alloc(D * D), w2 = alloc(D * D), x1 = alloc(M * D), x2 = alloc(M * D), out = alloc(M * D * 4);
    list.push({
      name: 'matmul', size: alloc(0) + 64,
      regions: [{ addr: w1, bytes: randBytes(D * D, 1) }, { addr: w2, bytes: randBytes(D * D, 2) },
        { addr: x1, bytes: randBytes(M * D, 3) }, { addr: x2, bytes: randBytes(M * D, 4) }],
      outputs: [{ addr: out, len: M * D * 4 }],
      instrs: [
        I.config(1024, 256),
        I.mvin(D, D, w1, 0, D), I.mvin(D, D, w2, D, D),
        I.mvin(M, D, x1, 2 * D, D), I.mvin(M, D, x2, 2 * D + M, D),
        I.preload(D, D, 0), I.compute(M, 2 * D, 0, false),
        I.preload(D, D, D), I.compute(M, 2 * D + M, 0, true),
        I.mvout(M, D, out, 0, D * 4),
      ],
    });
  }

  // 2. MVIN_ACC (bias) then COMPUTE accumulate
  {
    const M = D + 3, alloc = layout();
    const w = alloc(D * D), x = alloc(M * D), bias = alloc(M * D * 4), out = alloc(M * D * 4);
    list.push({
      name: 'mvin_acc', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(D * D, 5) }, { addr: x, bytes: randBytes(M * D, 6) },
        { addr: bias, bytes: randInt32Bytes(M * D, 7) }],
      outputs: [{ addr: out, len: M * D * 4 }],
      instrs: [
        I.mvinAcc(M, D, bias, 10, D * 4), I.mvin(D, D, w, 0, D), I.mvin(M, D, x, D, D),
        I.preload(D, D, 0), I.compute(M, D, 10, true), I.mvout(M, D, out, 10, D * 4),
      ],
    });
  }

  // 3. strided COMPUTE (sp stride 3, acc stride 2) into zeroed accumulator rows
  {
    const N = 6, alloc = layout();
    const w = alloc(D * D), x = alloc(3 * N * D), zeros = alloc(2 * N * D * 4), out = alloc(2 * N * D * 4);
    list.push({
      name: 'strided', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(D * D, 8) }, { addr: x, bytes: randBytes(3 * N * D, 9) }],
      outputs: [{ addr: out, len: 2 * N * D * 4 }],
      instrs: [
        I.mvinAcc(2 * N, D, zeros, 0, D * 4), I.mvin(D, D, w, 0, D), I.mvin(3 * N, D, x, 100, D),
        I.preload(D, D, 0), I.compute(N, 100, 0, false, 3, 2), I.compute(N, 101, 0, true, 3, 2),
        I.mvout(2 * N, D, out, 0, D * 4),
      ],
    });
  }

  // 4. partial blocks: c < DIM weight rows, k < DIM columns, b < DIM bytes per MVIN row,
  //    MVOUT of k words per row into a wider DRAM row
  {
    const c = D - 1, k = Math.max(1, D - 2), b = D - 1, M = 5, alloc = layout();
    const w = alloc(c * (D + 5)), x = alloc(M * 16), out = alloc(M * D * 4 + 64);
    list.push({
      name: 'partial', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(c * (D + 5), 10) }, { addr: x, bytes: randBytes(M * 16, 11) }],
      outputs: [{ addr: out, len: M * (D * 4 + 8) }],
      inputBytes: c * k + M * b,   // bytes the program actually reads (regions are padded)
      instrs: [
        I.mvin(c, k, w, 0, D + 5), I.mvin(M, b, x, 40, 16),
        I.preload(c, k, 0), I.compute(M, 40, 3, false), I.mvout(M, k, out, 3, D * 4 + 8),
      ],
      check: (j, ref) => assert(j.counters.macs === ref.macs && ref.macs === c * k * M, `macs ${j.counters.macs} != ${c * k * M}`),
    });
  }

  // 5. double buffering: the load of tile t+1 (other scratchpad buffer) overlaps the
  //    compute of tile t; all tiles accumulate into one accumulator block, stored once
  {
    const T = 8, M = 4 * D, alloc = layout();
    const w = alloc(D * D), x = alloc(T * M * D), out = alloc(M * D * 4);
    const instrs = [I.mvin(D, D, w, 0, D), I.preload(D, D, 0)];
    for (let t = 0; t < T; t++) {
      const buf = 64 + (t % 2) * M;
      instrs.push(I.mvin(M, D, x + t * M * D, buf, D), I.compute(M, buf, 0, t > 0));
    }
    instrs.push(I.mvout(M, D, out, 0, D * 4));
    list.push({
      name: 'overlap', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(D * D, 12) }, { addr: x, bytes: randBytes(T * M * D, 13) }],
      outputs: [{ addr: out, len: M * D * 4 }], instrs,
      check: (j) => {
        const c = j.counters;
        assert(c.busy_load + c.busy_execute + c.busy_store > j.cycles, `queues never overlap`);
        // at large DIM the final MVOUT (DIM*4 bytes per row) dominates the run time
        if (D <= 16) assert(c.busy_load + c.busy_execute > j.cycles, `load and execute never overlap: ${c.busy_load}+${c.busy_execute} <= ${j.cycles}`);
      },
    });
  }

  // 5b. weight double-buffering: back-to-back PRELOAD/COMPUTE pairs of different blocks
  //     with short COMPUTEs (1-3 vectors), full and partial blocks (c < DIM, k < DIM), a
  //     PRELOAD directly after a PRELOAD (the second, smaller block must see zero rows),
  //     a second COMPUTE under one block, accumulation into rows other blocks' vectors are
  //     still flowing towards, and an MVIN into other banks' rows causing read stalls.
  //     Each PRELOAD that follows a COMPUTE used to wait for the array to drain (>= 2*DIM
  //     cycles after that COMPUTE's last read); with double-buffered weights it may start
  //     while that COMPUTE's vectors are in flight, so the execute queue must beat that
  //     serialised bound by at least DIM cycles per such PRELOAD.
  {
    const P = 24, NB = 6, NX = 40, ACC = 12, alloc = layout(), r = rng(4242 + D);
    const pick = (lo, hi) => lo + (r() % (hi - lo + 1));
    const w = alloc(NB * D * D), x = alloc(NX * D), y = alloc(256 * D), out = alloc(ACC * D * 4);
    const instrs = [I.mvin(NB * D, D, w, 0, D), I.mvin(NX, D, x, NB * D, D)];
    let serial = 0, afterCompute = 0, prevCompute = false;
    const pre = (c, k, blk) => {
      instrs.push(I.preload(c, k, blk * D));
      serial += c; if (prevCompute) { serial += 2 * D; afterCompute++; } prevCompute = false;
    };
    const comp = (n, accRow, accumulate) => {
      instrs.push(I.compute(n, NB * D + pick(0, NX - n), accRow, accumulate));
      serial += n; prevCompute = true;
    };
    const touched = new Set();
    for (let p = 0; p < P; p++) {
      const full = p % 3 !== 2;
      const c = full ? D : pick(1, D), k = full ? D : pick(1, D), n = 1 + (p % 3);
      if (p === 5) pre(D, D, (p + 3) % NB);             // overwritten before any COMPUTE uses it
      pre(c, k, p % NB);
      const accRow = pick(0, ACC - n);
      let accumulate = pick(0, 2) > 0;
      for (let i = 0; i < n; i++) if (!touched.has(accRow + i)) accumulate = false;
      comp(n, accRow, accumulate);
      for (let i = 0; i < n; i++) touched.add(accRow + i);
      if (p % 4 === 1) comp(pick(1, 3), accRow, true); // same block again, accumulating
      if (p === 8) instrs.push(I.mvin(96, D, y, 1024, D)); // unrelated rows: bank conflicts
    }
    instrs.push(I.mvout(ACC, D, out, 0, D * 4));
    // the accumulator rows start at an explicit zero (rows no COMPUTE writes are stored too)
    const zeros = alloc(ACC * D * 4);
    instrs.splice(2, 0, I.mvinAcc(ACC, D, zeros, 0, D * 4));
    list.push({
      name: 'weight_double_buffer', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(NB * D * D, 25) }, { addr: x, bytes: randBytes(NX * D, 26) },
        { addr: y, bytes: randBytes(256 * D, 27) }],
      outputs: [{ addr: out, len: ACC * D * 4 }], instrs, inputBytes: 0,
      args: ['--dram-latency', '4', '--bus-bytes', '64'],
      check: (j) => {
        const c = j.counters;
        const bound = serial - afterCompute * D;
        assert(c.busy_execute <= bound, `execute busy ${c.busy_execute} cycles, want <= ${bound} (serialised bound ${serial}, ${afterCompute} PRELOADs after a COMPUTE)`);
        assert(c.preload_weight_loads === P + 1, `preloads ${c.preload_weight_loads}`);
      },
    });
  }

  // 6. dependency hazards: RAW (COMPUTE after MVIN), WAR (MVIN into rows a COMPUTE reads),
  //    WAW/RAW on the accumulator (MVOUT after COMPUTE, COMPUTE after MVOUT)
  {
    const M = 3 * D, alloc = layout();
    const w = alloc(D * D), x1 = alloc(M * D), x2 = alloc(M * D), out1 = alloc(M * D * 4), out2 = alloc(M * D * 4);
    list.push({
      name: 'hazard', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(D * D, 14) }, { addr: x1, bytes: randBytes(M * D, 15) },
        { addr: x2, bytes: randBytes(M * D, 16) }],
      outputs: [{ addr: out1, len: M * D * 4 }, { addr: out2, len: M * D * 4 }],
      instrs: [
        I.mvin(D, D, w, 0, D), I.mvin(M, D, x1, 32, D), I.preload(D, D, 0),
        I.compute(M, 32, 0, false),
        I.mvin(M, D, x2, 32, D),          // WAR on sp rows 32.. : must wait for the COMPUTE
        I.mvout(M, D, out1, 0, D * 4),    // RAW on acc rows 0..
        I.compute(M, 32, 0, false),       // WAR on acc rows vs the MVOUT, RAW on sp vs the MVIN
        I.mvout(M, D, out2, 0, D * 4),
      ],
      check: (j) => assert(j.counters.stall_dependency > 0, 'expected dependency stalls'),
    });
  }

  // 7. bank conflicts: COMPUTE reads bank 0 only (sp stride 4) while an unrelated MVIN
  //    writes rows of all banks
  {
    const N = 48, alloc = layout();
    const w = alloc(D * D), x = alloc(4 * N * D), y = alloc(4 * N * D), out = alloc(N * D * 4);
    list.push({
      name: 'bank_conflict', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(D * D, 17) }, { addr: x, bytes: randBytes(4 * N * D, 18) },
        { addr: y, bytes: randBytes(4 * N * D, 19) }],
      outputs: [{ addr: out, len: N * D * 4 }],
      instrs: [
        I.mvin(D, D, w, 0, D), I.mvin(4 * N, D, x, 64, D), I.preload(D, D, 0),
        I.mvin(4 * N, D, y, 1024, D), I.compute(N, 64, 0, false, 4, 1), I.compute(N, 64, 0, true, 4, 1),
        I.compute(N, 64, 0, true, 4, 1), I.mvout(N, D, out, 0, D * 4),
      ],
      args: ['--dram-latency', '4', '--bus-bytes', '64'],
      check: (j) => assert(j.counters.stall_bank_conflict > 0, 'expected bank-conflict stalls'),
    });
  }

  // 7b. narrow (int8) MVOUT: accumulator rows loaded with MVIN_ACC hold values that
  //     saturate on both sides, round half up (odd multiples of 2^(shift-1), positive and
  //     negative) and stay in range; the same rows are also written as int32 (wide) and
  //     at a second shift, with partial rows (b < DIM) and a padded DRAM stride
  {
    const M = D + 5, shift = 4, alloc = layout();
    const vals = new Int32Array(M * D);
    const special = [5000, -5000, 2047, -2048, 2040, -2056, 8, -8, 24, -24, 2 ** 31 - 1, -(2 ** 31), 0, 7, -9, 2032, -2049];
    const r = rng(31);
    for (let i = 0; i < vals.length; i++) vals[i] = i < special.length ? special[i] : ((r() % 8192) - 4096) | 0;
    const bias = alloc(M * D * 4), wide = alloc(M * D * 4), nar = alloc(M * (D + 3)), nar0 = alloc(M * D), narPart = alloc(M * D);
    const bk = Math.max(1, D - 1);
    list.push({
      name: 'narrow_mvout', size: alloc(0) + 64,
      regions: [{ addr: bias, bytes: new Uint8Array(vals.buffer) }],
      outputs: [{ addr: wide, len: M * D * 4 }, { addr: nar, len: M * (D + 3) }, { addr: nar0, len: M * D }, { addr: narPart, len: M * D }],
      instrs: [
        I.config(1024, 256, shift),
        I.mvinAcc(M, D, bias, 2, D * 4),
        I.mvout(M, D, wide, 2, D * 4),
        I.mvoutNarrow(M, D, nar, 2, D + 3),
        I.mvoutNarrow(M, bk, narPart, 2, D),
        I.config(1024, 256, 0),
        I.mvoutNarrow(M, D, nar0, 2, D),
      ],
      check: (j, ref) => {
        assert(j.counters.dram_write_bytes === M * D * 4 + M * D + M * bk + M * D, `dram_write_bytes ${j.counters.dram_write_bytes}`);
        const got = ref.dram;
        const at = (a) => (got[a] << 24) >> 24;
        // saturation on both sides and rounding, as the reference computes them
        let hi = 0, lo = 0;
        for (let i = 0; i < M; i++) for (let q = 0; q < D; q++) {
          const y = at(nar + i * (D + 3) + q);
          assert(y === narrowInt8(vals[i * D + q], shift), `narrow value ${i},${q}`);
          if (y === 127) hi++;
          if (y === -128) lo++;
        }
        assert(hi > 0 && lo > 0, `expected saturation on both sides (${hi} high, ${lo} low)`);
        assert(narrowInt8(24, 4) === 2 && narrowInt8(-24, 4) === -1 && narrowInt8(8, 4) === 1 && narrowInt8(-8, 4) === 0, 'round half up');
      },
    });
  }
  // 7c. CONFIG shift beyond 31 -> config-range
  list.push({
    name: 'error_config_shift', size: 256, regions: [], outputs: [],
    instrs: [I.config(64, 64, 32)], exit: 3,
    check: (j) => assert(/^config-range: instruction 0 /.test(j.error), `bad error JSON ${JSON.stringify(j.error)}`),
  });

  // 8. error: MVIN beyond the CONFIG scratchpad limit -> exit 3
  {
    const alloc = layout(); const x = alloc(8 * D);
    list.push({
      name: 'error_sp_range', size: alloc(0) + 64,
      regions: [{ addr: x, bytes: randBytes(8 * D, 20) }], outputs: [],
      instrs: [I.config(64, 64), I.mvin(8, D, x, 0, D), I.mvin(8, D, x, 60, D)],
      exit: 3,
      check: (j) => assert(j.ok === false && /^sp-range: instruction 2 /.test(j.error), `bad error JSON ${JSON.stringify(j.error)}`),
    });
  }

  // 9. unknown opcode -> exit 3
  {
    list.push({
      name: 'error_opcode', size: 256, regions: [], outputs: [],
      instrs: [I.raw(0x00010209, 0, 0, 0)], exit: 3,
      check: (j) => assert(/^decode:/.test(j.error), 'expected decode'),
    });
  }

  // 9b. PRELOAD of DIM+1 rows -> bad-count; MVIN of DIM+1 bytes per row -> bad-width
  list.push({
    name: 'error_bad_count', size: 256, regions: [], outputs: [],
    instrs: [I.preload(D + 1, D, 0)], exit: 3,
    check: (j) => assert(/^bad-count:/.test(j.error), 'expected bad-count'),
  });
  list.push({
    name: 'error_bad_width', size: 256, regions: [], outputs: [],
    instrs: [I.mvin(1, D, 0, 0, 0), I.mvin(1, D + 1, 0, 1, 0)], exit: 3,
    check: (j) => assert(/^bad-width: instruction 1 /.test(j.error), 'expected bad-width at instruction 1'),
  });

  // 10. cycle cap -> exit 2
  {
    const M = 64, alloc = layout(); const w = alloc(D * D), x = alloc(M * D), out = alloc(M * D * 4);
    list.push({
      name: 'cycle_cap', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(D * D, 21) }, { addr: x, bytes: randBytes(M * D, 22) }], outputs: [],
      instrs: [I.mvin(D, D, w, 0, D), I.mvin(M, D, x, D, D), I.preload(D, D, 0), I.compute(M, D, 0), I.mvout(M, D, out, 0, 4 * D)],
      args: ['--max-cycles', '50'], exit: 2,
      check: (j) => assert(j.cycles === 50 && /^max-cycles:/.test(j.error), 'expected max-cycles at 50'),
    });
  }

  // 11. slow DRAM / narrow bus / few in-flight requests still give the right answer
  {
    const M = 2 * D, alloc = layout();
    const w = alloc(D * D), x = alloc(M * D), out = alloc(M * D * 4);
    list.push({
      name: 'slow_dram', size: alloc(0) + 64,
      regions: [{ addr: w, bytes: randBytes(D * D, 23) }, { addr: x, bytes: randBytes(M * D, 24) }],
      outputs: [{ addr: out, len: M * D * 4 }],
      instrs: [I.mvin(D, D, w, 0, D), I.mvin(M, D, x, D, D), I.preload(D, D, 0), I.compute(M, D, 0), I.mvout(M, D, out, 0, 4 * D)],
      args: ['--dram-latency', '100', '--bus-bytes', '2', '--max-inflight', '2'],
    });
  }
  // 12. random programs over few rows (many RAW/WAR/WAW hazards between the queues),
  //     checked against the sequential reference
  for (let seed = 1; seed <= 6; seed++) {
    const r = rng(seed * 7919 + D);
    const pick = (lo, hi) => { assert(hi >= lo, 'bad pick range'); return lo + (r() % (hi - lo + 1)); };
    const SP = Math.max(48, D + 16), ACC = 24, inBytes = 4096, alloc = layout();
    const inA = alloc(inBytes), accIn = alloc(inBytes), zeros = alloc(ACC * D * 4), outBase = alloc(0);
    const instrs = [I.config((2 * 1024 * 1024) / D, (2 * 1024 * 1024) / (4 * D), pick(0, 12)),
      I.mvinAcc(ACC, D, zeros, 0, D * 4), I.mvin(SP, D, inA, 0, D), I.preload(D, D, pick(0, SP - D))];
    let outNext = outBase;
    for (let i = 0; i < 70; i++) {
      const kind = pick(0, 9);
      if (kind <= 2) {
        const n = pick(1, 8), b = pick(1, D);
        instrs.push(I.mvin(n, b, inA + pick(0, 1024), pick(0, SP - n), pick(0, 3) * D + pick(0, 1) * b));
      } else if (kind === 3) {
        const n = pick(1, 6), b = pick(1, D);
        instrs.push(I.mvinAcc(n, b, accIn + 4 * pick(0, 256), pick(0, ACC - n), 4 * D * pick(0, 2) + 4 * b));
      } else if (kind === 4) {
        const c = pick(1, D);
        instrs.push(I.preload(c, pick(1, D), pick(0, SP - c)));
      } else if (kind <= 7) {
        const n = pick(1, 8), ss = pick(0, 3), as = pick(0, 2);
        instrs.push(I.compute(n, pick(0, SP - 1 - (n - 1) * ss), pick(0, ACC - 1 - (n - 1) * as), pick(0, 1) === 1, ss, as));
      } else {
        const n = pick(1, 6), b = pick(1, D);
        if (pick(0, 1) === 1) instrs.push(I.mvoutNarrow(n, b, outNext, pick(0, ACC - n), 4 * D));
        else instrs.push(I.mvout(n, b, outNext, pick(0, ACC - n), 4 * D));
        outNext += n * 4 * D;
      }
    }
    list.push({
      name: `random_${seed}`, size: outNext + 64,
      regions: [{ addr: inA, bytes: randBytes(inBytes, seed * 3) }, { addr: accIn, bytes: randInt32Bytes(inBytes / 4, seed * 5) }],
      outputs: [{ addr: outBase, len: outNext - outBase }], instrs, inputBytes: 0,
      args: seed % 2 ? [] : ['--dram-latency', String(pick(1, 60)), '--max-inflight', String(pick(1, 16)), '--bus-bytes', String(1 << pick(0, 6))],
    });
  }
  return list;
}
