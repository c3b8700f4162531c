import { describe, expect, it } from 'vitest';
import { RtlActivityTracker, formatDuration } from './rtl-activity.js';

describe('RtlActivityTracker', () => {
  const layer = (state: 'queued' | 'running', index: number, at: number, point = 'p1') =>
    ({ type: 'layer' as const, state, point, index, layers: 20, name: `layer${index + 1}`, at });

  it('says what it waits on: the build, then the running layer with its time and limit, and the pool queue', () => {
    const t = new RtlActivityTracker(600);
    expect(t.describe(0)).toBeUndefined();
    t.apply({ type: 'build-wait', dim: 16, at: 0 });
    expect(t.describe(10)).toBe('waiting for the simulator for DIM 16');
    t.apply({ type: 'build-start', dim: 16, dir: '/c/dim16-x', at: 1_000 });
    expect(t.describe(43_000)).toBe('building the simulator for DIM 16 for 42 s (once per array size; then cached in /c/dim16-x)');
    t.apply({ type: 'build-end', dim: 16, ok: true, at: 50_000 });
    t.apply(layer('queued', 0, 50_000));
    t.apply(layer('queued', 1, 50_000));
    t.apply(layer('running', 0, 50_000));
    expect(t.describe(62_000)).toBe('simulating layer 1 of 20 "layer1" for 12 s (limit 600 s per layer, --timeout); '
      + 'layer 2 of 20 waiting for a pool slot; 0 of 20 layers done');
    t.apply(layer('running', 1, 61_000));
    t.apply({ type: 'layer-end', point: 'p1', index: 0, ok: true, at: 63_000 });
    expect(t.describe(63_000)).toBe('simulating layer 2 of 20 "layer2" for 2 s (limit 600 s per layer, --timeout); 1 of 20 layers done');
    t.apply({ type: 'layer-end', point: 'p1', index: 1, ok: false, at: 64_000 });
    expect(t.busy).toBe(false);
    expect(t.describe(64_000)).toBeUndefined();
  });

  it('counts build waiters: the DIM stays "waiting" until every waiting point got its build', () => {
    const t = new RtlActivityTracker(600);
    t.apply({ type: 'build-wait', dim: 4, at: 0 });
    t.apply({ type: 'build-wait', dim: 4, at: 0 });
    t.apply({ type: 'build-end', dim: 4, at: 1 });
    expect(t.describe(1)).toBe('waiting for the simulator for DIM 4');
    t.apply({ type: 'build-end', dim: 4, ok: true, at: 2 });
    expect(t.describe(2)).toBeUndefined();
  });

  it('summarises several points by layers done and failed', () => {
    const t = new RtlActivityTracker(30);
    t.apply(layer('running', 0, 0, 'a'));
    t.apply(layer('running', 0, 5_000, 'b'));
    expect(t.describe(9_000)).toBe('simulating layer 1 of 20 "layer1" for 9 s and 1 more layer (limit 30 s per layer, --timeout)');
    t.apply({ type: 'layer-end', point: 'a', index: 0, ok: false, at: 9_000 });
    t.apply(layer('running', 1, 9_000, 'a'));
    expect(t.describe(9_000)).toMatch(/; 0 layers done, 1 failed$/);
  });

  it('formats durations', () => {
    expect(formatDuration(999)).toBe('0 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
  });
});
