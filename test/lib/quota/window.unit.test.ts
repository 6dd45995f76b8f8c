import { fixedWindow, rateLimitHeaders, refusalHeaders } from '../../../lib/quota/index.ts';

/** The fixed windows every process computes alike, and the RateLimit fields SPs read. */
describe('fixedWindow', () => {
  test('a 1 s window starts at the whole second and resets at the next', () => {
    expect(fixedWindow(1_700_000_000_250, 1)).toEqual({
      start: 1_700_000_000_000,
      end: 1_700_000_001_000,
      resetSeconds: 1,
    });
  });

  test('the first instant of a window belongs to it, the last one too, the next one does not', () => {
    expect(fixedWindow(5_000, 1).start).toBe(5_000);
    expect(fixedWindow(5_999, 1).start).toBe(5_000);
    expect(fixedWindow(6_000, 1).start).toBe(6_000);
  });

  test('a day window is the UTC day, and resets at midnight UTC', () => {
    const now = Date.parse('2026-12-03T21:30:00.500Z');
    const window = fixedWindow(now, 86_400);
    expect(new Date(window.start).toISOString()).toBe('2026-12-03T00:00:00.000Z');
    expect(new Date(window.end).toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(window.resetSeconds).toBe(2.5 * 3600); // 9000 s, the half second rounded up
  });

  test('reset is rounded up and never 0 (a client told 0 would retry at once)', () => {
    expect(fixedWindow(86_399_999, 86_400).resetSeconds).toBe(1);
    expect(fixedWindow(10_001, 10).resetSeconds).toBe(10);
  });

  test.each([0, -1, 1.5])('a window of %s seconds is refused', (w) => {
    expect(() => fixedWindow(0, w)).toThrow(RangeError);
  });
});

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers)', () => {
  const perSecond = { name: 'per-second', quota: 10, windowSeconds: 1, remaining: 0, resetSeconds: 1 };
  const perDay = { name: 'per-day', quota: 1000, windowSeconds: 86_400, remaining: 998, resetSeconds: 3600 };

  test('a refusal: the policy, its state and Retry-After', () => {
    expect(refusalHeaders(perSecond)).toEqual({
      'ratelimit-policy': '"per-second";q=10;w=1',
      ratelimit: '"per-second";r=0;t=1',
      'retry-after': '1',
    });
  });

  test('an answered request: every policy it was counted against, as one list each', () => {
    expect(rateLimitHeaders([{ ...perSecond, remaining: 7 }, perDay])).toEqual({
      'ratelimit-policy': '"per-second";q=10;w=1, "per-day";q=1000;w=86400',
      ratelimit: '"per-second";r=7;t=1, "per-day";r=998;t=3600',
    });
  });

  test('no policy, no field; remaining never negative', () => {
    expect(rateLimitHeaders([])).toEqual({});
    expect(rateLimitHeaders([{ ...perSecond, remaining: -3 }]).ratelimit).toBe('"per-second";r=0;t=1');
  });

  test('a name that is not an sf-string is refused rather than sent broken', () => {
    expect(() => rateLimitHeaders([{ ...perSecond, name: 'a"b' }])).toThrow(/invalid policy name/);
  });
});
