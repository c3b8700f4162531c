/**
 * Quoting a child process's output inside a one-line error message: bounded and escaped, so a
 * simulator that prints megabytes or raw binary never floods or garbles the user's terminal.
 */

/** Longest excerpt, in characters of the escaped text (the quotes and the "… N more bytes" note excluded). */
export const EXCERPT_CHARS = 400;

/** Which end of the output to keep: the start (a report, garbage) or the end (an error's last words). */
export type ExcerptEnd = 'start' | 'end';

/**
 * One byte as it appears in an excerpt: printable ASCII as itself, `\` and `"` escaped,
 * newline/tab/carriage return as `\n` `\t` `\r`, every other byte (control, DEL, all bytes ≥ 0x80,
 * so also UTF-8 text) as `\xNN`.
 */
export function escapeByte(byte: number): string {
  if (byte === 0x5c) return '\\\\';
  if (byte === 0x22) return '\\"';
  if (byte === 0x0a) return '\\n';
  if (byte === 0x09) return '\\t';
  if (byte === 0x0d) return '\\r';
  if (byte >= 0x20 && byte < 0x7f) return String.fromCharCode(byte);
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/** Bytes of `output` with surrounding ASCII whitespace removed. */
function trimmed(output: Uint8Array | string): Uint8Array {
  const bytes = typeof output === 'string' ? new TextEncoder().encode(output) : output;
  const space = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  let start = 0;
  let end = bytes.length;
  while (start < end && space(bytes[start])) start++;
  while (end > start && space(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}

/**
 * A quoted, escaped excerpt of `output` (see {@link escapeByte}) of at most `maxChars` escaped
 * characters, with what was left out counted in bytes: `"abc\x00…" … 1234 more bytes`, or,
 * keeping the end, `1234 earlier bytes … "…xyz"`. Leading and trailing whitespace is dropped;
 * empty output gives `""`.
 */
export function outputExcerpt(
  output: Uint8Array | string, options: { readonly keep?: ExcerptEnd; readonly maxChars?: number } = {},
): string {
  const bytes = trimmed(output);
  const keep = options.keep ?? 'start';
  const maxChars = options.maxChars ?? EXCERPT_CHARS;
  const parts: string[] = [];
  let chars = 0;
  let taken = 0;
  for (; taken < bytes.length; taken++) {
    const byte = bytes[keep === 'start' ? taken : bytes.length - 1 - taken];
    const escaped = escapeByte(byte);
    if (chars + escaped.length > maxChars) break;
    parts.push(escaped);
    chars += escaped.length;
  }
  const left = bytes.length - taken;
  if (keep === 'start') return `"${parts.join('')}"${left > 0 ? ` … ${left} more byte${left === 1 ? '' : 's'}` : ''}`;
  return `${left > 0 ? `${left} earlier byte${left === 1 ? '' : 's'} … ` : ''}"${parts.reverse().join('')}"`;
}

/**
 * `stdout <excerpt>, stderr <excerpt>` for the streams that printed anything (stdout from its
 * start, stderr from its end), or `it printed nothing`.
 */
export function describeOutput(stdout: Uint8Array | string, stderr: Uint8Array | string): string {
  const parts: string[] = [];
  if (trimmed(stdout).length > 0) parts.push(`stdout ${outputExcerpt(stdout, { keep: 'start' })}`);
  if (trimmed(stderr).length > 0) parts.push(`stderr ${outputExcerpt(stderr, { keep: 'end' })}`);
  return parts.length > 0 ? parts.join(', ') : 'it printed nothing';
}
