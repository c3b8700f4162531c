// Helpers for the rtl-sim RTL tests: instruction encoding, file writers, and a tiny
// ISA-level reference model (sequential semantics of docs/isa.md) used to produce the
// expect files and the expected error/MAC figures.
export const OP = { CONFIG: 0, MVIN: 1, MVIN_ACC: 2, MVOUT: 3, PRELOAD: 4, COMPUTE: 5 };

const w0 = (op, n, b = 0, acc = 0) => ((op & 0xff) | ((acc & 1) << 8) | ((b & 0x7f) << 9) | ((n & 0xffff) << 16)) >>> 0;
export const I = {
  config: (spRows, accRows, shift = 0) => [w0(OP.CONFIG, 0), spRows, accRows, shift],
  mvin: (n, b, addr, row, stride) => [w0(OP.MVIN, n, b), addr, row, stride],
  mvinAcc: (n, b, addr, row, stride) => [w0(OP.MVIN_ACC, n, b), addr, row, stride],
  mvout: (n, b, addr, row, stride) => [w0(OP.MVOUT, n, b), addr, row, stride],
  // narrow MVOUT: b int8 per row, saturate_int8((acc + 2^(shift-1)) >> shift)
  mvoutNarrow: (n, b, addr, row, stride) => [w0(OP.MVOUT, n, b, 1), addr, row, stride],
  preload: (c, k, row) => [w0(OP.PRELOAD, c, k), row, 0, 0],
  compute: (n, spRow, accRow, accumulate = false, spStride = 1, accStride = 1) =>
    [w0(OP.COMPUTE, n, 0, accumulate ? 1 : 0), spRow, accRow, (((accStride & 0xffff) << 16) | (spStride & 0xffff)) >>> 0],
  raw: (a, b, c, d) => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
};

const hex8 = (v) => {
  if (!Number.isInteger(v)) throw new Error(`instruction word ${v} is not an integer`);
  return (v >>> 0).toString(16).padStart(8, '0');
};
export function programText(instrs, comments = []) {
  return comments.map((c) => `# ${c}\n`).join('') + instrs.map((i) => i.map(hex8).join(' ')).join('\n') + '\n';
}

// regions: [{addr, bytes: Uint8Array}] -> dram.hex text
export function imageText(size, regions) {
  let s = size === null ? '' : `size ${size}\n`;
  for (const { addr, bytes } of regions) {
    for (let o = 0; o < bytes.length; o += 64) {
      const chunk = Array.from(bytes.subarray(o, Math.min(o + 64, bytes.length)), (b) => b.toString(16).padStart(2, '0'));
      s += `@${(addr + o).toString(16)} ${chunk.join(' ')}\n`;
    }
  }
  return s;
}

// deterministic pseudo-random int8 data
export function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}
export function randBytes(n, seed) {
  const r = rng(seed); const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = r() & 0xff;
  return a;
}
export function randInt32Bytes(words, seed, range = 1 << 20) {
  const r = rng(seed); const a = new Uint8Array(words * 4); const dv = new DataView(a.buffer);
  for (let i = 0; i < words; i++) dv.setInt32(4 * i, (r() % range) - range / 2, true);
  return a;
}

// int8 output of a narrow MVOUT: arithmetic shift right with round half up, then saturate.
export function narrowInt8(acc, shift) {
  const y = Math.floor((acc + (shift > 0 ? 2 ** (shift - 1) : 0)) / 2 ** shift);
  return Math.max(-128, Math.min(127, y));
}

// Sequential reference model. Returns {dram, error, macs, mvoutBytes}.
export function reference(dim, dramSize, regions, instrs) {
  const SP_ROWS = (2 * 1024 * 1024) / dim, ACC_ROWS = (2 * 1024 * 1024) / (4 * dim);
  const dram = new Uint8Array(dramSize);
  for (const { addr, bytes } of regions) dram.set(bytes, addr);
  const sp = new Int8Array(SP_ROWS * dim);
  const acc = new Int32Array(ACC_ROWS * dim);
  const W = new Int32Array(dim * dim);
  let spLim = SP_ROWS, accLim = ACC_ROWS, shift = 0, c = 0, k = 0, macs = 0, mvoutBytes = 0;
  const dv = new DataView(dram.buffer);
  const err = (code, idx) => ({ dram, error: code, errorIndex: idx, macs, mvoutBytes });
  for (let pc = 0; pc < instrs.length; pc++) {
    const [a, w1, w2, w3] = instrs[pc];
    const op = a & 0xff, accf = (a >>> 8) & 1, b = (a >>> 9) & 0x7f, n = a >>> 16;
    if (op > 5) return err('decode', pc);
    if (op === OP.CONFIG) {
      if (w1 > SP_ROWS || w2 > ACC_ROWS || w3 > 31) return err('config-range', pc);
      spLim = w1; accLim = w2; shift = w3; continue;
    }
    if (n === 0 || (op === OP.PRELOAD && n > dim)) return err('bad-count', pc);
    if (op !== OP.COMPUTE && (b === 0 || b > dim)) return err('bad-width', pc);
    if (op === OP.MVIN) {
      if (w2 + n > spLim) return err('sp-range', pc);
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++)
        sp[(w2 + i) * dim + j] = j < b ? dram[w1 + i * w3 + j] : 0;
    } else if (op === OP.MVIN_ACC) {
      if (w2 + n > accLim) return err('acc-range', pc);
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++)
        acc[(w2 + i) * dim + j] = j < b ? dv.getInt32(w1 + i * w3 + 4 * j, true) : 0;
    } else if (op === OP.MVOUT) {
      if (w2 + n > accLim) return err('acc-range', pc);
      if (accf) {
        for (let i = 0; i < n; i++) for (let j = 0; j < b; j++)
          dv.setInt8(w1 + i * w3 + j, narrowInt8(acc[(w2 + i) * dim + j], shift));
        mvoutBytes += n * b;
      } else {
        for (let i = 0; i < n; i++) for (let j = 0; j < b; j++)
          dv.setInt32(w1 + i * w3 + 4 * j, acc[(w2 + i) * dim + j], true);
        mvoutBytes += n * b * 4;
      }
    } else if (op === OP.PRELOAD) {
      if (w1 + n > spLim) return err('sp-range', pc);
      c = n; k = b;
      for (let r = 0; r < dim; r++) for (let q = 0; q < dim; q++)
        W[r * dim + q] = r < c && q < k ? sp[(w1 + r) * dim + q] : 0;
    } else if (op === OP.COMPUTE) {
      const ss = w3 & 0xffff, as = w3 >>> 16;
      if (w1 + (n - 1) * ss + 1 > spLim) return err('sp-range', pc);
      if (w2 + (n - 1) * as + 1 > accLim) return err('acc-range', pc);
      for (let i = 0; i < n; i++) {
        const x = (w1 + i * ss) * dim, y = (w2 + i * as) * dim;
        for (let q = 0; q < dim; q++) {
          let s = 0;
          for (let r = 0; r < dim; r++) s = (s + Math.imul(W[r * dim + q], sp[x + r])) | 0;
          acc[y + q] = accf ? (acc[y + q] + s) | 0 : s;
        }
      }
      macs += c * k * n;
    }
  }
  return { dram, error: null, errorIndex: -1, macs, mvoutBytes };
}
