import { describe, expect, it } from '@jest/globals';
import {
  drift,
  metricValue,
  minuteDrift,
  minutes,
  percentile,
  rateVerdict,
  slope,
  summarizeProcess,
  type ProcessSample,
  type Sent,
} from '../../bench/soak-stats.ts';

const bounds = { warmupSeconds: 60, maxRssGrowthMb: 50, maxLagP99Ms: 100 };
const sample = (at: number, rssMb: number, lagP99Ms = 5, lagMaxMs = 10): ProcessSample => ({
  at,
  rssMb,
  // A heap half the RSS: its growth is fitted like the RSS's.
  heapUsedMb: rssMb / 2,
  lagP99Ms,
  lagMaxMs,
});

describe('soak statistics', () => {
  it('takes nearest-rank percentiles whatever the order', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNaN();
  });

  it('gives the drift as last over first', () => {
    expect(drift(10, 12)).toBeCloseTo(1.2);
    expect(drift(10, 5)).toBeCloseTo(0.5);
    expect(drift(0, 0)).toBe(1);
    expect(drift(0, 3)).toBe(Infinity);
  });

  it('fits the least-squares slope', () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 3 * x + 7 })))).toBeCloseTo(3);
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 2 },
      ]),
    ).toBeCloseTo(0.5);
    expect(slope([{ x: 1, y: 9 }])).toBe(0);
    expect(
      slope([
        { x: 1, y: 9 },
        { x: 1, y: 3 },
      ]),
    ).toBe(0);
  });

  it('finds a flat process flat, ignoring the warm-up growth', () => {
    const samples = [sample(0, 100), sample(30, 180), ...[60, 90, 120, 150, 180].map((t) => sample(t, 200 + (t % 20)))];
    const summary = summarizeProcess(samples, bounds);
    expect(summary.rssFirstMb).toBe(100);
    expect(summary.rssMaxMb).toBe(210);
    expect(Math.abs(summary.rssGrowthMb)).toBeLessThan(10);
    expect(summary.flat).toBe(true);
  });

  it('finds a leak and a blocked event loop', () => {
    // 20 MB per minute for ten minutes: over the settled second half, 100 MB of fitted growth.
    const leaking = Array.from({ length: 61 }, (_, i) => sample(i * 10, 100 + (i * 10 * 20) / 60));
    const leak = summarizeProcess(leaking, bounds);
    expect(leak.rssSlopeMbPerMinute).toBeCloseTo(20);
    expect(leak.rssGrowthMb).toBeCloseTo(100);
    expect(leak.heapGrowthMb).toBeCloseTo(50);
    expect(leak.heapLastMb).toBeCloseTo(150);
    expect(leak.flat).toBe(false);
    const blocked = summarizeProcess([sample(0, 100), sample(70, 100, 250, 400), sample(80, 100)], bounds);
    expect(blocked.lagP99Ms).toBe(250);
    expect(blocked.lagMaxMs).toBe(400);
    expect(blocked.flat).toBe(false);
  });

  it('finds flat a process whose heap grew for minutes then levelled off (V8 sizing its heap)', () => {
    // The gateway's shape in the 10-minute soak: growth for the first three minutes, then flat.
    const levelling = Array.from({ length: 60 }, (_, i) =>
      sample((i + 1) * 10, Math.min(500, 250 + (i + 1) * 1.5 * 10)),
    );
    const summary = summarizeProcess(levelling, bounds);
    expect(summary.rssGrowthMb).toBeCloseTo(0);
    expect(summary.flat).toBe(true);
  });

  it('reads a metric with or without labels', () => {
    const text = [
      '# HELP passerelle_subgraph_process_resident_memory_bytes Resident memory size in bytes.',
      'passerelle_subgraph_process_resident_memory_bytes{provider="dgfip"} 123456789',
      'passerelle_gateway_nodejs_eventloop_lag_p99_seconds 0.0123',
    ].join('\n');
    expect(metricValue(text, 'passerelle_subgraph_process_resident_memory_bytes')).toBe(123456789);
    expect(metricValue(text, 'passerelle_gateway_nodejs_eventloop_lag_p99_seconds')).toBeCloseTo(0.0123);
    expect(metricValue(text, 'absent')).toBeNaN();
  });

  /** `perSecond` requests a second from `from` to `to` (s), each taking `ms`, answered `status`. */
  const sends = (from: number, to: number, perSecond: number, ms = 10, status: number | null = 200): Sent[] =>
    Array.from({ length: Math.round((to - from) * perSecond) }, (_, i) => ({ at: from + i / perSecond, ms, status }));

  it('cuts the run into minutes by send time, the last one partial', () => {
    const sent = [...sends(0, 60, 10, 20), ...sends(60, 120, 8, 40), ...sends(120, 150, 10, 30)];
    // Sent at 59.99 s, answered after the minute: still the first minute's. A timer's lateness past the end: the last one's.
    sent.push({ at: 59.99, ms: 900, status: 200 }, { at: 150.004, ms: 5, status: 200 });
    const [first, second, tail] = minutes(sent, 150, 10);
    expect(first).toMatchObject({ from: 0, to: 60, full: true, sent: 601, answered: 601, failed: 0 });
    expect(first!.rate).toBeCloseTo(601 / 60);
    expect(first!.p50).toBe(20);
    expect(first!.p99).toBe(20);
    expect(second).toMatchObject({ from: 60, to: 120, full: true, sent: 480, p50: 40 });
    expect(second!.ofTarget).toBeCloseTo(0.8);
    expect(tail).toMatchObject({ from: 120, to: 150, full: false, sent: 301 });
    expect(tail!.rate).toBeCloseTo(301 / 30);
    expect(minutes(sent, 150, 10)).toHaveLength(3);
    expect(minutes(sends(0, 120, 5), 120, 5).map((m) => m.full)).toEqual([true, true]);
  });

  it('counts failures in their minute and keeps unanswered requests out of the latencies', () => {
    const sent = [...sends(0, 60, 2, 10), { at: 5, ms: 10_000, status: null }, { at: 6, ms: 3, status: 503 }];
    const [only] = minutes(sent, 60, 2);
    expect(only).toMatchObject({ sent: 122, answered: 120, failed: 2 });
    expect(only!.p99).toBe(10);
    expect(minutes([], 30, 5)[0]).toMatchObject({ sent: 0, rate: 0, full: false });
    expect(minutes([], 30, 5)[0]!.p50).toBeNaN();
  });

  it('holds the rate only when the run and every full minute reach the bound', () => {
    const steady = minutes([...sends(0, 120, 9.5), ...sends(120, 130, 9.5)], 130, 10);
    expect(rateVerdict(steady, 130, 10, 0.9)).toMatchObject({ held: true, short: [] });
    expect(rateVerdict(steady, 130, 10, 0.9).achieved).toBeCloseTo(9.5);
    // A saturated second minute: the overall rate still passes, the minute does not.
    const saturated = minutes([...sends(0, 60, 10), ...sends(60, 120, 8.5), ...sends(120, 180, 10)], 180, 10);
    const verdict = rateVerdict(saturated, 180, 10, 0.9);
    expect(verdict.ofTarget).toBeCloseTo(28.5 / 30);
    expect(verdict.short.map((m) => m.from)).toEqual([60]);
    expect(verdict.held).toBe(false);
    // A partial last minute is not judged alone, but counts in the whole.
    const lateTail = minutes([...sends(0, 120, 10), ...sends(120, 130, 2)], 130, 10);
    expect(rateVerdict(lateTail, 130, 10, 0.9)).toMatchObject({ held: true, short: [] });
    const shortRun = minutes(sends(0, 30, 5), 30, 10);
    expect(rateVerdict(shortRun, 30, 10, 0.9)).toMatchObject({ held: false, short: [] });
  });

  it('compares the first and last full minutes, never a partial one', () => {
    const sent = [
      ...sends(0, 60, 10, 20),
      ...sends(60, 120, 10, 25),
      ...sends(120, 180, 10, 30),
      ...sends(180, 190, 1, 2),
    ];
    const d = minuteDrift(minutes(sent, 190, 10))!;
    expect([d.first.from, d.last.from]).toEqual([0, 120]);
    expect(d.p50).toBeCloseTo(1.5);
    expect(d.p99).toBeCloseTo(1.5);
    expect(minuteDrift(minutes(sends(0, 110, 10), 110, 10))).toBeNull();
    expect(minuteDrift(minutes(sends(0, 30, 10), 30, 10))).toBeNull();
  });
});
