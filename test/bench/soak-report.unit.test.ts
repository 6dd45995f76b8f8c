import { describe, expect, it } from '@jest/globals';
import { conclusion, exitCode, verdicts } from '../../bench/soak-report.ts';
import { minutes, rateVerdict, type Sent } from '../../bench/soak-stats.ts';

const sends = (from: number, to: number, perSecond: number): Sent[] =>
  Array.from({ length: Math.round((to - from) * perSecond) }, (_, i) => ({
    at: from + i / perSecond,
    ms: 5,
    status: 200,
  }));
const flat = {
  samples: 6,
  rssFirstMb: 1,
  rssLastMb: 1,
  rssMaxMb: 1,
  rssSlopeMbPerMinute: 0,
  rssGrowthMb: 0,
  heapLastMb: 1,
  heapGrowthMb: 0,
};

/** A 2-minute soak at 10 req/s whose second minute reached `secondPerSecond`. */
function judged(secondPerSecond: number, overrides: Partial<Parameters<typeof verdicts>[0]> = {}) {
  const windows = minutes([...sends(0, 60, 10), ...sends(60, 120, secondPerSecond)], 120, 10);
  return {
    non200: 0,
    transportErrors: 0,
    timeouts: 0,
    answered: 600 + 60 * secondPerSecond,
    exchangeEvents: 600 + 60 * secondPerSecond,
    rate: 10,
    rateVerdict: rateVerdict(windows, 120, 10, 0.9),
    processes: { gateway: { ...flat, lagP99Ms: 20, lagMaxMs: 40, flat: true } },
    options: { minRateFraction: 0.9 },
    bounds: { warmupSeconds: 60, maxRssGrowthMb: 50, maxLagP99Ms: 100 },
    ...overrides,
  };
}

describe('the soak verdicts', () => {
  it('passes a run that held its rate without defect', () => {
    const list = verdicts(judged(9.5));
    expect(list.every((v) => v.ok)).toBe(true);
    expect(exitCode(list)).toBe(0);
    expect(conclusion(list)).toMatch(/^soak passed/);
  });

  it('says when the rate was not held, and which minute, with exit 3', () => {
    const list = verdicts(judged(7));
    const rate = list.find((v) => v.kind === 'rate')!;
    expect(rate.ok).toBe(false);
    expect(rate.what).toContain('NOT HELD');
    expect(rate.what).toContain('8.5 req/s achieved for a target of 10 req/s (85 %, bound 90 %)');
    expect(rate.what).toContain('1:00–2:00 70 %');
    expect(exitCode(list)).toBe(3);
    expect(conclusion(list)).toMatch(/did NOT HOLD ITS RATE/);
  });

  it('makes a defect win over the rate: a failure, a missing audit event, a process not flat', () => {
    expect(exitCode(verdicts(judged(7, { timeouts: 1 })))).toBe(1);
    expect(exitCode(verdicts(judged(10, { exchangeEvents: 1199 })))).toBe(1);
    const lagging = { gateway: { ...flat, lagP99Ms: 150, lagMaxMs: 300, flat: false } };
    const list = verdicts(judged(10, { processes: lagging }));
    expect(list.filter((v) => !v.ok).map((v) => v.what)).toEqual([
      'gateway: RSS growth 0.0 MB (bound 50), lag p99 150.0 ms (bound 100)',
    ]);
    expect(conclusion(list)).toBe('soak FAILED: 1 defect(s)');
  });
});
