/**
 * The statistics of `npm run soak` (bench/soak.ts), pure so they are unit-tested:
 * percentiles, the drift of a latency between two windows, the slope of a series
 * (least squares), the verdict of one process's samples against the flatness bounds,
 * and the minutes of the run: the rate achieved in each against the target, whether
 * the soak held its rate, and the drift between its first and last full minutes.
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

/** One scrape of one process: seconds since the soak started, RSS and V8 heap used (MB), event-loop lag of the interval (ms). */
export interface ProcessSample {
  at: number;
  rssMb: number;
  /** JavaScript objects alive (or not yet collected): grows with a leak, while RSS also grows as V8 and the allocator keep freed pages. */
  heapUsedMb: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

export interface FlatnessBounds {
  /**
   * Samples before this (seconds), or before the second half of the run when that is later,
   * are warm-up: heaps and caches still filling. V8 grows a busy process's heap for minutes
   * before it levels off (the gateway at 50 req/s: RSS 251 → 500 MB over the first 170 s, then
   * flat at 500 MB for the remaining 430 s, its heap used a saw-tooth between 88 and 358 MB);
   * a leak grows at a constant rate per request, so it shows in the second half as well.
   */
  warmupSeconds: number;
  /** Fitted RSS growth over the settled span (slope × span), MB. */
  maxRssGrowthMb: number;
  /** Highest per-interval event-loop lag p99, ms. */
  maxLagP99Ms: number;
}

export interface ProcessSummary {
  samples: number;
  rssFirstMb: number;
  rssLastMb: number;
  rssMaxMb: number;
  /** Least-squares slope of RSS over the settled span, MB per minute. */
  rssSlopeMbPerMinute: number;
  /** The slope over the settled span: the growth a trend explains, MB. */
  rssGrowthMb: number;
  /** Fitted growth of the V8 heap used over the same span, MB: tells a JavaScript leak from memory merely kept. */
  heapGrowthMb: number;
  heapLastMb: number;
  lagP99Ms: number;
  lagMaxMs: number;
  flat: boolean;
}

export function summarizeProcess(samples: readonly ProcessSample[], bounds: FlatnessBounds): ProcessSummary {
  const end = samples[samples.length - 1]?.at ?? 0;
  const settled = samples.filter((s) => s.at >= Math.max(bounds.warmupSeconds, end / 2));
  const fitted = settled.length >= 2 ? settled : samples;
  const perMinute = slope(fitted.map((s) => ({ x: s.at / 60, y: s.rssMb })));
  const span = fitted.length ? (fitted[fitted.length - 1]!.at - fitted[0]!.at) / 60 : 0;
  const rssGrowthMb = perMinute * span;
  const heapGrowthMb = slope(fitted.map((s) => ({ x: s.at / 60, y: s.heapUsedMb }))) * span;
  const lagP99Ms = Math.max(0, ...samples.map((s) => s.lagP99Ms));
  return {
    samples: samples.length,
    rssFirstMb: samples[0]?.rssMb ?? NaN,
    rssLastMb: samples[samples.length - 1]?.rssMb ?? NaN,
    rssMaxMb: Math.max(...samples.map((s) => s.rssMb)),
    rssSlopeMbPerMinute: perMinute,
    rssGrowthMb,
    heapGrowthMb,
    heapLastMb: samples[samples.length - 1]?.heapUsedMb ?? NaN,
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

/** One request of the soak: when it was sent (s since the start), how long it took (ms), its status (null: no answer). */
export interface Sent {
  at: number;
  ms: number;
  status: number | null;
  error?: string;
}

export interface MinuteSummary {
  /** Seconds since the start: [from, to). */
  from: number;
  to: number;
  /** A whole minute (the last one of a run that is not a whole number of minutes is not). */
  full: boolean;
  sent: number;
  answered: number;
  failed: number;
  /** Requests sent per second in this minute, and that over the target rate. */
  rate: number;
  ofTarget: number;
  /** Latencies of the requests sent in this minute that got an answer, ms. */
  p50: number;
  p99: number;
}

/**
 * The run cut into minutes by send time: a request belongs to the minute it was sent
 * in, even when answered after it (or after the end: those sent just before the cut).
 * A send a few ms past the planned end (a timer's lateness) counts in the last minute.
 */
export function minutes(sent: readonly Sent[], durationSeconds: number, targetRate: number): MinuteSummary[] {
  const count = Math.ceil(durationSeconds / 60);
  const buckets = Array.from({ length: count }, () => ({ sent: 0, answered: 0, latencies: [] as number[] }));
  for (const s of sent) {
    const bucket = buckets[Math.min(count - 1, Math.max(0, Math.floor(s.at / 60)))];
    if (!bucket) continue;
    bucket.sent++;
    if (s.status === 200) bucket.answered++;
    if (s.status !== null) bucket.latencies.push(s.ms);
  }
  return buckets.map((b, k) => {
    const from = k * 60;
    const to = Math.min(durationSeconds, from + 60);
    const rate = b.sent / (to - from);
    return {
      from,
      to,
      full: to - from === 60,
      sent: b.sent,
      answered: b.answered,
      failed: b.sent - b.answered,
      rate,
      ofTarget: rate / targetRate,
      p50: percentile(b.latencies, 50),
      p99: percentile(b.latencies, 99),
    };
  });
}

export interface RateVerdict {
  /** Requests sent per second over the whole planned duration. */
  achieved: number;
  ofTarget: number;
  /** The whole-minute windows below `minFraction` of the target. */
  short: MinuteSummary[];
  /** The run and each of its full minutes reached `minFraction` of the target. */
  held: boolean;
}

/** Whether the soak held its rate: below `minFraction` of the target overall or in any full minute, the machine could not keep up. */
export function rateVerdict(
  windows: readonly MinuteSummary[],
  durationSeconds: number,
  targetRate: number,
  minFraction: number,
): RateVerdict {
  const achieved = windows.reduce((n, w) => n + w.sent, 0) / durationSeconds;
  const short = windows.filter((w) => w.full && w.ofTarget < minFraction);
  const ofTarget = achieved / targetRate;
  return { achieved, ofTarget, short, held: ofTarget >= minFraction && !short.length };
}

export interface MinuteDrift {
  first: MinuteSummary;
  last: MinuteSummary;
  p50: number;
  p99: number;
}

/** Latency drift from the first to the last full minute; null under two full minutes (nothing to compare). */
export function minuteDrift(windows: readonly MinuteSummary[]): MinuteDrift | null {
  const full = windows.filter((w) => w.full);
  if (full.length < 2) return null;
  const first = full[0]!;
  const last = full[full.length - 1]!;
  return { first, last, p50: drift(first.p50, last.p50), p99: drift(first.p99, last.p99) };
}
