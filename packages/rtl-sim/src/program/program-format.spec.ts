import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random, makeLayer, parseMapping } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { outputBytes } from './dram-layout.js';
import { generateProgram } from './generate-program.js';
import {
  HexFormatError, formatDram, formatExpect, formatProgram, parseDram, parseHexChunks, parseProgram, writeDramFile, writeProgramFile,
} from './program-format.js';

const layer = makeLayer({ R: 3, S: 1, P: 20, Q: 2, C: 4, K: 4, N: 1 });
const program = generateProgram(layer, parseMapping('L3[WIO] Q2 - L2[WI] R3 K4X - L1[O] P20 C4X - L0[W]'), { peDim: 4, spKB: 4, accKB: 4 });

describe('program.hex, dram.hex and expect.hex', () => {
  it('writes one instruction per line as four 8-digit hex words, after # comments', () => {
    const text = formatProgram(program.instructions, ['layer conv', 'mapping x']);
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['# layer conv', '# mapping x']);
    expect(lines.length).toBe(2 + program.stats.instructions);
    for (const line of lines.slice(2)) expect(line).toMatch(/^[0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}$/);
    expect(parseProgram(text)).toEqual(program.instructions);
    expect(() => parseProgram('0000000 00000000 00000000 00000000')).toThrow(HexFormatError);
  });

  it('writes the DRAM image as size plus @addr lines of at most 64 bytes, leaving out zero lines', () => {
    const text = formatDram(program.dram);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`size ${program.dram.size}`);
    for (const line of lines.slice(1)) {
      const [addr, ...bytes] = line.split(' ');
      expect(addr).toMatch(/^@[0-9a-f]{8}$/);
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes.length).toBeLessThanOrEqual(64);
      expect(parseInt(addr.slice(1), 16) % 64).toBe(0);
    }
    // outputs start zero: no line reaches into the output region
    expect(lines.slice(1).every((l) => parseInt(l.slice(1, 9), 16) < program.layout.dram.outputs.base)).toBe(true);
    expect(parseDram(text).bytes).toEqual(program.dram.bytes);
  });

  it('writes the expected int8 outputs over the whole output region', () => {
    const { chunks } = parseHexChunks(formatExpect(program));
    const { base, bytes } = program.layout.dram.outputs;
    expect(chunks[0].addr).toBe(base);
    expect(chunks.reduce((n, c) => n + c.bytes.length, 0)).toBe(bytes);
    const joined = new Uint8Array(bytes);
    for (const c of chunks) joined.set(c.bytes, c.addr - base);
    expect(joined).toEqual(outputBytes(program.expected));
    expect(() => parseHexChunks('@zz 00')).toThrow(HexFormatError);
  });

  it('writes the same program.hex and dram.hex through the buffered file writers, across many buffer flushes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'program-format-'));
    try {
      const rng = new Random('writers');
      const words = Uint32Array.from({ length: 4 * 70_000 }, () => rng.uint32());
      const bytes = new Uint8Array(3 * 1024 * 1024 + 37);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i >> 6) % 3 === 0 ? 0 : rng.uint32() & 0xff;
      const image = { size: bytes.length, bytes };
      const cases: [Uint32Array, string[]][] = [[words, []], [words, ['a comment', 'two\nlines']], [new Uint32Array(0), []], [program.instructions, ['x']]];
      for (const [instructions, comments] of cases) {
        writeProgramFile(join(dir, 'program.hex'), instructions, comments);
        expect(readFileSync(join(dir, 'program.hex'), 'utf8')).toBe(formatProgram(instructions, comments));
      }
      for (const dram of [image, program.dram, { size: 64, bytes: new Uint8Array(64) }]) {
        writeDramFile(join(dir, 'dram.hex'), dram);
        expect(readFileSync(join(dir, 'dram.hex'), 'utf8')).toBe(formatDram(dram));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
