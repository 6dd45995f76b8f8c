import { describe, expect, it } from '@jest/globals';
import { drift, metricValue, percentile, slope, summarizeProcess, type ProcessSample } from '../../bench/soak-stats.ts';

const bounds = { warmupSeconds: 60, maxRssGrowthMb: 50, maxLagP99Ms: 100 };
const sample = (at: number, rssMb: number, lagP99Ms = 5, lagMaxMs = 10): ProcessSample => ({
  at,
  rssMb,
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
    // 20 MB per minute over ten minutes after warm-up: 180 MB of fitted growth.
    const leaking = Array.from({ length: 61 }, (_, i) => sample(i * 10, 100 + (i * 10 * 20) / 60));
    const leak = summarizeProcess(leaking, bounds);
    expect(leak.rssSlopeMbPerMinute).toBeCloseTo(20);
    expect(leak.rssGrowthMb).toBeCloseTo(180);
    expect(leak.flat).toBe(false);
    const blocked = summarizeProcess([sample(0, 100), sample(70, 100, 250, 400), sample(80, 100)], bounds);
    expect(blocked.lagP99Ms).toBe(250);
    expect(blocked.lagMaxMs).toBe(400);
    expect(blocked.flat).toBe(false);
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
});
