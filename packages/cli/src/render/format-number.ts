/** Engineering-style formatting for report tables: 1234567 → "1.23e6", small integers as-is. */
export function formatQuantity(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return value.toLocaleString('en-US');
  return value.toExponential(digits - 1).replace('e+', 'e');
}

/** Picojoules shown in µJ (Timeloop's printed unit). */
export function formatMicroJoules(pJ: number): string {
  return `${(pJ / 1e6).toPrecision(6)} µJ`;
}

/** Pads cells into aligned columns; the first row is the header. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}
