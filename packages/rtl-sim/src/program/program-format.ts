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

/** Instructions formatted per write by {@link writeProgramFile}. */
const WRITE_CHUNK_INSTRUCTIONS = 16_384;

/**
 * Writes `program.hex` (the text of {@link formatProgram}) to `path` chunk by chunk, so a long
 * program never exists as one string (its text is ~36 bytes per instruction).
 */
export function writeProgramFile(path: string, instructions: Uint32Array, comments: readonly string[] = []): void {
  if (instructions.length % INSTRUCTION_WORDS !== 0) throw new RangeError(`a program has a multiple of 4 words, got ${instructions.length}`);
  const fd = openSync(path, 'w');
  try {
    const head = comments.flatMap((c) => c.split('\n')).map((c) => `# ${c}\n`).join('');
    if (head !== '') writeSync(fd, head);
    const step = WRITE_CHUNK_INSTRUCTIONS * INSTRUCTION_WORDS;
    for (let start = 0; start < instructions.length; start += step) {
      const end = Math.min(instructions.length, start + step);
      const lines = new Array<string>((end - start) / INSTRUCTION_WORDS);
      for (let i = start, n = 0; i < end; i += INSTRUCTION_WORDS, n++) {
        lines[n] = `${hex8(instructions[i])} ${hex8(instructions[i + 1])} ${hex8(instructions[i + 2])} ${hex8(instructions[i + 3])}\n`;
      }
      writeSync(fd, lines.join(''));
    }
    if (instructions.length === 0 && head === '') writeSync(fd, '\n');
  } finally {
    closeSync(fd);
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
