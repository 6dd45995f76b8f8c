import { describe, expect, it } from '@jest/globals';
import { Pacer } from '../../bench/soak-pacer.ts';

describe('the soak pacer', () => {
  it('spaces the slots by the rate, shared by every connection, and stops at the end', () => {
    const pacer = new Pacer({ rate: 10, startMs: 1000, endMs: 2000, maxBacklogMs: 1000 });
    const slots = Array.from({ length: 12 }, () => pacer.take(1000));
    expect(slots.slice(0, 10).map((s) => s!.dueMs)).toEqual([
      1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900,
    ]);
    expect(slots.slice(0, 10).map((s) => s!.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(slots.slice(10)).toEqual([null, null]);
    expect(pacer.planned).toBe(10);
    expect(pacer.taken).toBe(10);
  });

  it('gives nothing at or after the end, even with slots left', () => {
    const pacer = new Pacer({ rate: 10, startMs: 0, endMs: 1000, maxBacklogMs: 5000 });
    expect(pacer.take(999)).toEqual({ index: 0, dueMs: 0 });
    expect(pacer.take(1000)).toBeNull();
    expect(pacer.take(1500)).toBeNull();
    expect(pacer.taken).toBe(1);
  });

  it('drops the slots older than the backlog bound instead of bursting them', () => {
    const pacer = new Pacer({ rate: 100, startMs: 0, endMs: 10_000, maxBacklogMs: 500 });
    expect(pacer.take(0)!.dueMs).toBe(0);
    // Every connection was busy for 3 s: slots due before 2.5 s are dropped, the next ones are due at once.
    const resumed = pacer.take(3000)!;
    expect(resumed).toEqual({ index: 1, dueMs: 2500 });
    expect(pacer.missed).toBe(249);
    // Within the bound: late slots are sent, none dropped.
    expect(pacer.take(3000)!.dueMs).toBe(2510);
    expect(pacer.missed).toBe(249);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer({ rate: 0, startMs: 0, endMs: 1, maxBacklogMs: 1 })).toThrow('positive');
    expect(() => new Pacer({ rate: 1, startMs: 5, endMs: 1, maxBacklogMs: 1 })).toThrow('precede');
  });
});
