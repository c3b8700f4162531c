import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, describeOutput, escapeByte, outputExcerpt } from './output-excerpt.js';

describe('outputExcerpt', () => {
  it('escapes every byte that is not printable ASCII as \\xNN (also UTF-8), and quotes and backslashes', () => {
    expect(outputExcerpt(new Uint8Array([0x41, 0x00, 0x1b, 0x7f, 0x80, 0xff, 0x0a, 0x09, 0x22, 0x5c, 0x42]))).toBe('"A\\x00\\x1b\\x7f\\x80\\xff\\n\\t\\"\\\\B"');
    expect(outputExcerpt('µs')).toBe('"\\xc2\\xb5s"');
    expect(escapeByte(0x20)).toBe(' ');
  });

  it('keeps at most EXCERPT_CHARS escaped characters and counts the bytes left out', () => {
    const bytes = new Uint8Array(1000).fill(0xff);
    const excerpt = outputExcerpt(bytes);
    // 4 characters per escaped byte: 100 bytes shown, 900 left out.
    expect(excerpt).toBe(`"${'\\xff'.repeat(EXCERPT_CHARS / 4)}" … 900 more bytes`);
    expect(outputExcerpt('x'.repeat(401))).toBe(`"${'x'.repeat(400)}" … 1 more byte`);
  });

  it('keeps the end when asked, dropping surrounding whitespace', () => {
    expect(outputExcerpt(`${'a'.repeat(500)}tail\n\n`, { keep: 'end', maxChars: 4 })).toBe('500 earlier bytes … "tail"');
    expect(outputExcerpt('  \n')).toBe('""');
  });

  it('describes both streams, or says there was no output', () => {
    expect(describeOutput('out', 'err')).toBe('stdout "out", stderr "err"');
    expect(describeOutput(new Uint8Array(), '\n')).toBe('it printed nothing');
  });
});
