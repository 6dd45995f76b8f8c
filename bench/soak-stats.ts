/**
 * The statistics of `npm run soak` (bench/soak.ts), pure so they are unit-tested:
 * percentiles, the drift of a latency between two windows, the slope of a series
 * (least squares), and the verdict of one process's samples against the flatness bounds.
 */

/** Nearest-rank percentile (`p` in 0..100) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** How much a figure moved from the first window to the last: last / first (1 = no drift). */
export function drift(first: number, last: number): number {
  if (!(first > 0)) return last > 0 ? Infinity : 1;
  return last / first;
}

/** Least-squares slope of y over x (units of y per unit of x); 0 under two points. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den ? num / den : 0;
}

/** One scrape of one process: seconds since the soak started, RSS (MB), event-loop lag of the interval (ms). */
export interface ProcessSample {
  at: number;
  rssMb: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

export interface FlatnessBounds {
  /** Samples before this (seconds) are warm-up: heaps and caches still filling. */
  warmupSeconds: number;
  /** Fitted RSS growth over the run after warm-up (slope × duration), MB. */
  maxRssGrowthMb: number;
  /** Highest per-interval event-loop lag p99, ms. */
  maxLagP99Ms: number;
}

export interface ProcessSummary {
  samples: number;
  rssFirstMb: number;
  rssLastMb: number;
  rssMaxMb: number;
  /** Least-squares slope of RSS after warm-up, MB per minute. */
  rssSlopeMbPerMinute: number;
  /** The slope over the post-warm-up span: the growth a trend explains, MB. */
  rssGrowthMb: number;
  lagP99Ms: number;
  lagMaxMs: number;
  flat: boolean;
}

export function summarizeProcess(samples: readonly ProcessSample[], bounds: FlatnessBounds): ProcessSummary {
  const settled = samples.filter((s) => s.at >= bounds.warmupSeconds);
  const fitted = settled.length >= 2 ? settled : samples;
  const perMinute = slope(fitted.map((s) => ({ x: s.at / 60, y: s.rssMb })));
  const span = fitted.length ? (fitted[fitted.length - 1]!.at - fitted[0]!.at) / 60 : 0;
  const rssGrowthMb = perMinute * span;
  const lagP99Ms = Math.max(0, ...samples.map((s) => s.lagP99Ms));
  return {
    samples: samples.length,
    rssFirstMb: samples[0]?.rssMb ?? NaN,
    rssLastMb: samples[samples.length - 1]?.rssMb ?? NaN,
    rssMaxMb: Math.max(...samples.map((s) => s.rssMb)),
    rssSlopeMbPerMinute: perMinute,
    rssGrowthMb,
    lagP99Ms,
    lagMaxMs: Math.max(0, ...samples.map((s) => s.lagMaxMs)),
    flat: rssGrowthMb < bounds.maxRssGrowthMb && lagP99Ms < bounds.maxLagP99Ms,
  };
}

/** Reads one sample of a Prometheus text exposition (the first series of `name`, any labels). */
export function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+|NaN)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}
