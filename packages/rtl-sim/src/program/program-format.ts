import { closeSync, openSync, writeSync } from 'node:fs';
import { type DramImage, type DramLayout, outputBytes } from './dram-layout.js';
import { INSTRUCTION_WORDS } from './isa.js';

/**
 * The text files of docs/isa.md:
 * - `program.hex`: one instruction per line, `w0 w1 w2 w3` as 8 lowercase hex digits each;
 *   lines starting with `#` are comments;
 * - `dram.hex`: `size <bytes>` (decimal), then `@<addr> <bytes…>` lines, the address as 8 hex
 *   digits, at most 64 two-digit hex bytes per line; bytes not given are 0 (all-zero lines are
 *   left out);
 * - `expect.hex`: `@<addr> <bytes…>` lines that DRAM must hold after the run.
 */

/** Bytes per `@` line. */
export const HEX_LINE_BYTES = 64;

const hex8 = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A hex file line that does not parse. */
export class HexFormatError extends Error {
  override readonly name = 'HexFormatError';
}

/** `program.hex` text; each `comments` line is written first, prefixed with `# `. */
export function formatProgram(instructions: Uint32Array, comments: readonly string[] = []): string {
  if (instructions.length % INSTRUCTION_WORDS !== 0) throw new RangeError(`a program has a multiple of 4 words, got ${instructions.length}`);
  const lines = comments.flatMap((c) => c.split('\n')).map((c) => `# ${c}`);
  for (let i = 0; i < instructions.length; i += INSTRUCTION_WORDS) {
    lines.push(`${hex8(instructions[i])} ${hex8(instructions[i + 1])} ${hex8(instructions[i + 2])} ${hex8(instructions[i + 3])}`);
  }
  return `${lines.join('\n')}\n`;
}

/** ASCII codes of the two lowercase hex digits of each byte value: `HEX_ASCII[2·b]`, `HEX_ASCII[2·b + 1]`. */
const HEX_ASCII = (() => {
  const table = new Uint8Array(512);
  for (let b = 0; b < 256; b++) {
    table[2 * b] = HEX2[b].charCodeAt(0);
    table[2 * b + 1] = HEX2[b].charCodeAt(1);
  }
  return table;
})();
const SPACE = 0x20;
const NEWLINE = 0x0a;
const AT = 0x40;
/** Bytes buffered per write by the file writers below. */
const WRITE_CHUNK_BYTES = 1 << 20;

/** Writes `v` as 8 lowercase hex digits at `out[at]`; returns the next offset. */
function putHex8(out: Uint8Array, at: number, v: number): number {
  const x = v >>> 0;
  for (let shift = 24, i = at; shift >= 0; shift -= 8, i += 2) {
    const b = (x >>> shift) & 0xff;
    out[i] = HEX_ASCII[2 * b];
    out[i + 1] = HEX_ASCII[2 * b + 1];
  }
  return at + 8;
}

/** A file written through a fixed buffer, flushed whenever the next record might not fit. */
class ChunkedFile {
  private readonly fd: number;
  readonly buffer = new Uint8Array(WRITE_CHUNK_BYTES);
  used = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Makes room for `bytes` more (≤ the buffer size). */
  reserve(bytes: number): void {
    if (this.used + bytes > this.buffer.length) this.flush();
  }

  text(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.flush();
    writeSync(this.fd, bytes);
  }

  flush(): void {
    if (this.used > 0) writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/**
 * Writes `program.hex` — byte for byte the text of {@link formatProgram} — to `path` through a
 * fixed 1 MiB buffer, so a long program never exists as one string (its text is 36 bytes per
 * instruction).
 */
export function writeProgramFile(path: string, instructions: Uint32Array, comments: readonly string[] = []): void {
  if (instructions.length % INSTRUCTION_WORDS !== 0) throw new RangeError(`a program has a multiple of 4 words, got ${instructions.length}`);
  const file = new ChunkedFile(path);
  try {
    const head = comments.flatMap((c) => c.split('\n')).map((c) => `# ${c}\n`).join('');
    if (head !== '') file.text(head);
    else if (instructions.length === 0) file.text('\n');
    const out = file.buffer;
    for (let i = 0; i < instructions.length; i += INSTRUCTION_WORDS) {
      file.reserve(36);
      let at = file.used;
      for (let w = 0; w < INSTRUCTION_WORDS; w++) {
        at = putHex8(out, at, instructions[i + w]);
        out[at++] = w < INSTRUCTION_WORDS - 1 ? SPACE : NEWLINE;
      }
      file.used = at;
    }
  } finally {
    file.close();
  }
}

/** Writes `dram.hex` — byte for byte the text of {@link formatDram} — to `path` through a fixed buffer. */
export function writeDramFile(path: string, image: DramImage): void {
  const file = new ChunkedFile(path);
  try {
    file.text(`size ${image.size}\n`);
    const bytes = image.bytes;
    const out = file.buffer;
    for (let offset = 0; offset < bytes.length; offset += HEX_LINE_BYTES) {
      const end = Math.min(bytes.length, offset + HEX_LINE_BYTES);
      let zero = true;
      for (let i = offset; i < end && zero; i++) zero = bytes[i] === 0;
      if (zero) continue;
      file.reserve(10 + 3 * HEX_LINE_BYTES);
      let at = file.used;
      out[at++] = AT;
      at = putHex8(out, at, offset);
      for (let i = offset; i < end; i++) {
        out[at++] = SPACE;
        out[at++] = HEX_ASCII[2 * bytes[i]];
        out[at++] = HEX_ASCII[2 * bytes[i] + 1];
      }
      out[at++] = NEWLINE;
      file.used = at;
    }
  } finally {
    file.close();
  }
}

/** Reads `program.hex` text back into words. */
export function parseProgram(text: string): Uint32Array {
  const words: number[] = [];
  text.split('\n').forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    if (parts.length !== 4 || parts.some((p) => !/^[0-9a-fA-F]{8}$/.test(p))) {
      throw new HexFormatError(`program line ${n + 1} "${line}" is not four 8-digit hex words`);
    }
    for (const p of parts) words.push(parseInt(p, 16));
  });
  return Uint32Array.from(words);
}

function byteLines(base: number, bytes: Uint8Array, skipZero: boolean): string[] {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += HEX_LINE_BYTES) {
    const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + HEX_LINE_BYTES));
    if (skipZero && chunk.every((b) => b === 0)) continue;
    const parts = new Array<string>(chunk.length);
    for (let i = 0; i < chunk.length; i++) parts[i] = HEX2[chunk[i]];
    lines.push(`@${hex8(base + offset)} ${parts.join(' ')}`);
  }
  return lines;
}

/** `dram.hex` text of an image (all-zero 64-byte lines omitted). */
export function formatDram(image: DramImage): string {
  return `${[`size ${image.size}`, ...byteLines(0, image.bytes, true)].join('\n')}\n`;
}

/** `expect.hex` text: the whole (int8) output region with the expected outputs. */
export function formatExpect(program: { readonly layout: { readonly dram: DramLayout }; readonly expected: Int8Array }): string {
  return `${byteLines(program.layout.dram.outputs.base, outputBytes(program.expected), false).join('\n')}\n`;
}

/** One parsed `@addr bytes…` line. */
export interface HexChunk {
  readonly addr: number;
  readonly bytes: Uint8Array;
}

/** Reads the `@addr bytes…` lines of `dram.hex` or `expect.hex` (and the `size` line, if any). */
export function parseHexChunks(text: string): { size?: number; chunks: HexChunk[] } {
  let size: number | undefined;
  const chunks: HexChunk[] = [];
  text.split('\n').forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    if (parts[0] === 'size' && parts.length === 2 && /^\d+$/.test(parts[1])) {
      size = Number(parts[1]);
      return;
    }
    if (!/^@[0-9a-fA-F]+$/.test(parts[0]) || parts.slice(1).some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
      throw new HexFormatError(`hex line ${n + 1} "${line.slice(0, 60)}" is not "@<hex addr> <hex bytes…>" or "size <bytes>"`);
    }
    chunks.push({ addr: parseInt(parts[0].slice(1), 16), bytes: Uint8Array.from(parts.slice(1).map((p) => parseInt(p, 16))) });
  });
  return { size, chunks };
}

/** Reads `dram.hex` text into an image. */
export function parseDram(text: string): DramImage {
  const { size, chunks } = parseHexChunks(text);
  if (size === undefined) throw new HexFormatError('dram.hex has no "size <bytes>" line');
  const bytes = new Uint8Array(size);
  for (const chunk of chunks) {
    if (chunk.addr + chunk.bytes.length > size) throw new HexFormatError(`dram.hex line @${chunk.addr.toString(16)} runs past size ${size}`);
    bytes.set(chunk.bytes, chunk.addr);
  }
  return { size, bytes };
}
