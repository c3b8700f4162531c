import { describe, expect, it } from 'vitest';
import { DEFAULT_GEMMINI, hardwareViolations } from './hardware.js';
import { makeLayer, MAX_LAYER_FIELD } from './layer.js';

describe('hardwareViolations', () => {
  it('accepts the default Gemmini and rejects fractional KiB with the allowed range', () => {
    expect(hardwareViolations(DEFAULT_GEMMINI)).toEqual([]);
    expect(hardwareViolations({ peDim: 8, spKB: 64.5, accKB: 16 })).toEqual([
      'spKB = 64.5 is not a whole number of KiB; allowed: an integer from 1 to 2048',
    ]);
    expect(hardwareViolations({ peDim: 3, spKB: 0, accKB: 4096 })).toHaveLength(3);
  });
});

describe('makeLayer limits', () => {
  it('rejects a field above 2^20 and a layer above 2^53 MACs', () => {
    const base = { R: 1, S: 1, P: 1, Q: 1, C: 1, K: 1, N: 1 };
    expect(() => makeLayer({ ...base, C: MAX_LAYER_FIELD + 1 })).toThrow(/layer field C = 1048577 is above the limit 1048576/);
    expect(() => makeLayer({ ...base, C: 2 ** 20, K: 2 ** 20, P: 2 ** 20 })).toThrow(/above the limit 2\^53/);
    expect(makeLayer({ ...base, C: 2 ** 20 }).C).toBe(2 ** 20);
  });
});
