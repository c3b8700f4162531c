import { describe, expect, it } from 'vitest';
import { storedAsks } from './stored-asks.js';

const spans = (count: number, batch: number, askLimit?: (asked: number) => number | undefined) =>
  storedAsks(count, batch, askLimit).map((a) => `${a.start}-${a.end - 1}${a.complete ? '' : '?'}`);

/** A schedule's limit: stage ends at `ends`, the last stage open. */
const endsAt = (...ends: number[]) => (asked: number) => (ends.find((end) => asked < end) ?? Number.POSITIVE_INFINITY) - asked;

describe('storedAsks', () => {
  it('cuts full batches without a limit, the last one incomplete when shorter', () => {
    expect(spans(8, 4)).toEqual(['0-3', '4-7']);
    expect(spans(10, 4)).toEqual(['0-3', '4-7', '8-9?']);
    expect(spans(0, 4)).toEqual([]);
  });

  it('ends an ask where the optimizer\'s limit does, and counts the later asks from there', () => {
    expect(spans(14, 4, endsAt(10))).toEqual(['0-3', '4-7', '8-9', '10-13']);
    expect(spans(12, 4, endsAt(10))).toEqual(['0-3', '4-7', '8-9', '10-11?']);
    expect(spans(20, 4, endsAt(6, 11))).toEqual(['0-3', '4-5', '6-9', '10-10', '11-14', '15-18', '19-19?']);
  });

  it('takes a limit that is absent or below 1 as none, and a fractional batch as its floor', () => {
    expect(spans(6, 4, () => undefined)).toEqual(['0-3', '4-5?']);
    expect(spans(6, 4, () => 0)).toEqual(['0-3', '4-5?']);
    expect(spans(6, 2.5, () => Number.NaN)).toEqual(['0-1', '2-3', '4-5']);
  });
});
