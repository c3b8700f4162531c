import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/parse-run-config.js';
import { DEFAULT_GEMMINI, hardwareViolations } from '../domain/hardware.js';
import { Random } from '../domain/random.js';
import { HardwareSpace } from './hardware-space.js';
import { SpaceError } from './space-error.js';

describe('HardwareSpace', () => {
  it('covers the template by default: peDim powers of two, whole-KiB buffers on a log scale', () => {
    const space = new HardwareSpace();
    expect(space.dimension).toBe(3);
    expect(space.columns).toEqual(['peDim', 'spKB', 'accKB']);
    expect(space.ranges).toEqual({ peDim: [2, 128], spKB: [1, 2048], accKB: [1, 2048] });
    expect(space.decode([0, 0, 0])).toEqual({ peDim: 2, spKB: 1, accKB: 1 });
    expect(space.decode([1, 1, 1])).toEqual({ peDim: 128, spKB: 2048, accKB: 2048 });
    expect(space.decode(space.encode(DEFAULT_GEMMINI))).toEqual(DEFAULT_GEMMINI);
  });

  it('samples valid configurations that round-trip', () => {
    const space = new HardwareSpace();
    const rng = new Random(4);
    for (let i = 0; i < 1000; i++) {
      const hw = space.sample(rng);
      expect(hardwareViolations(hw)).toEqual([]);
      expect(Number.isInteger(hw.spKB) && Number.isInteger(hw.accKB)).toBe(true);
      expect(space.decode(space.encode(hw))).toEqual(hw);
    }
  });

  it('narrows to the config ranges', () => {
    const space = new HardwareSpace({ peDim: [16, 64], spKB: [256, 256] });
    const rng = new Random(5);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const hw = space.sample(rng);
      seen.add(hw.peDim);
      expect(hw.spKB).toBe(256);
      expect(hw.accKB).toBeGreaterThanOrEqual(1);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([16, 32, 64]);
    expect(() => space.encode({ peDim: 8, spKB: 256, accKB: 4 })).toThrow(/peDim = 8 is not one of the allowed values 16, 32, 64/);
  });

  it('takes the run config\'s space ranges as they are parsed', () => {
    const config = parseRunConfig('workload: resnet50\nspace: {peDim: [8, 8], accKB: [16, 64]}');
    const space = new HardwareSpace(config.space);
    expect(space.ranges).toEqual({ peDim: [8, 8], spKB: [1, 2048], accKB: [16, 64] });
    expect(space.sample(new Random(1)).peDim).toBe(8);
  });

  it('rounds buffers to powers of two on request', () => {
    const space = new HardwareSpace({}, { bufferRounding: 'powerOfTwo' });
    const rng = new Random(6);
    for (let i = 0; i < 100; i++) {
      const hw = space.sample(rng);
      expect(Math.log2(hw.spKB) % 1).toBe(0);
      expect(space.decode(space.encode(hw))).toEqual(hw);
    }
  });

  it('rejects ranges outside the template with every problem named', () => {
    let error: SpaceError | undefined;
    try {
      new HardwareSpace({ peDim: [1, 256], spKB: [64, 8], accKB: [0.2, 0.7] });
    } catch (e) {
      error = e as SpaceError;
    }
    expect(error).toBeInstanceOf(SpaceError);
    expect(error?.problems).toEqual([
      "space.peDim: [1, 256] leaves the Gemmini template's range 2..128; allowed: [min, max] within 2..128 holding a power of two",
      'space.spKB: min 64 is greater than max 8; allowed: [min, max] within 1..2048',
      "space.accKB: [0.2, 0.7] leaves the Gemmini template's range 1..2048; allowed: [min, max] within 1..2048",
    ]);
    expect(() => new HardwareSpace({ peDim: [5, 7] })).toThrow(/holds no power of two/);
    expect(() => new HardwareSpace({ spKB: [1.2, 1.8] })).toThrow(/holds no whole KiB/);
  });
});
