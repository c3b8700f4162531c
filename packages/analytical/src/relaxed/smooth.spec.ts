import { describe, expect, it } from 'vitest';
import { bump, gate, positive, ramp, smoothMax } from './smooth.js';
import { type Node, Tape } from './tape.js';

/** Value and derivative of a one-argument tape function at `v`. */
function at(f: (tape: Tape, x: Node) => Node, v: number): [number, number] {
  const tape = new Tape();
  const x = tape.leaf(v);
  const y = f(tape, x);
  const g = new Float64Array(1);
  tape.gradient(y, 1, g);
  return [tape.value(y), g[0]];
}

/** Central difference of the value, to check the recorded derivative. */
const slope = (f: (tape: Tape, x: Node) => Node, v: number, h = 1e-6) => (at(f, v + h)[0] - at(f, v - h)[0]) / (2 * h);

describe('smooth stand-ins for the exact model\'s steps', () => {
  it('equal their exact counterparts at integer arguments', () => {
    for (let t = 1; t <= 64; t++) expect(at(gate, Math.log(t))[0]).toBe(t > 1 ? 1 : 0);
    for (let z = -5; z <= 5; z++) expect(at(ramp, z)[0]).toBe(Math.max(0, z));
    for (let d = -3; d <= 3; d++) expect(at(bump, d * d)[0]).toBe(d === 0 ? 1 : 0);
    for (let z = 1; z <= 5; z++) expect(at(positive, z)[0]).toBe(z);
  });

  it('are C¹: recorded slopes match central differences, also across the joins', () => {
    const points: [(tape: Tape, x: Node) => Node, number[]][] = [
      [gate, [0.05, 0.3, Math.LN2 * 0.999, Math.LN2 * 1.001, 0.6]],
      [ramp, [1e-3, 0.5, 0.999, 1.001, 0.2]],
      [bump, [0.1, 0.5, 0.999, 0.3]],
      [positive, [0.499, 0.501, -2, 0.2]],
    ];
    for (const [f, values] of points) {
      for (const v of values) expect(at(f, v)[1]).toBeCloseTo(slope(f, v), 4);
    }
  });

  it('smoothMax is exact beyond the band, at most band/4 high at a tie, and C¹', () => {
    const max = (a: number, b: number, c: number, band: number) => {
      const tape = new Tape();
      const nodes = [tape.leaf(a), tape.leaf(b), tape.leaf(c)];
      const y = smoothMax(tape, nodes, band);
      const g = new Float64Array(3);
      tape.gradient(y, 3, g);
      return { value: tape.value(y), gradient: [...g] };
    };
    expect(max(100, 90, 10, 0.05).value).toBe(100);
    expect(max(100, 90, 10, 0.05).gradient).toEqual([1, 0, 0]);
    expect(max(100, 100, 10, 0.05).value).toBeCloseTo(100 * Math.exp(0.05 / 4), 10);
    expect(max(100, 100, 100, 0.05).value).toBeLessThan(100 * Math.exp(0.05));
    expect(max(100, 99, 0, 0).value).toBe(100); // hard max; terms ≤ 0 are ignored
    const h = 1e-6;
    for (const b of [98, 99.5, 100, 101, 104]) {
      const fd = (max(100, b + h, 3, 0.05).value - max(100, b - h, 3, 0.05).value) / (2 * h);
      expect(max(100, b, 3, 0.05).gradient[1]).toBeCloseTo(fd, 5);
    }
  });
});
