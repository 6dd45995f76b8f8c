import type { SoakReport } from './soak.ts';

/**
 * The end of `npm run soak`: its verdicts and the summary it prints, pure so they are
 * unit-tested. Two kinds of failure are told apart. A *defect* (a failed request, an
 * answer without its audit event, a process growing or lagging) is the platform's: exit
 * 1. A rate *not held* (overall or in a full minute below the bound) is the machine's:
 * the stack could not take the target rate there, so the run's figures are not those
 * of that rate: exit 3, unless a defect was found too.
 */
export type Verdict = { ok: boolean; kind: 'defect' | 'rate'; what: string };

type Judged = Pick<
  SoakReport,
  'non200' | 'transportErrors' | 'timeouts' | 'answered' | 'exchangeEvents' | 'rate' | 'rateVerdict' | 'processes'
> & { options: Pick<SoakReport['options'], 'minRateFraction'>; bounds: SoakReport['bounds'] };

const pct = (fraction: number) => `${(fraction * 100).toFixed(0)} %`;
const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;

export function verdicts(r: Judged): Verdict[] {
  const v = r.rateVerdict;
  return [
    {
      ok: r.non200 + r.transportErrors + r.timeouts === 0,
      kind: 'defect',
      what: `${r.non200} non-200 answers, ${r.transportErrors} transport errors, ${r.timeouts} timeouts`,
    },
    {
      ok: r.exchangeEvents === r.answered,
      kind: 'defect',
      what: `${r.exchangeEvents} exchange events for ${r.answered} answers`,
    },
    {
      ok: v.held,
      kind: 'rate',
      what:
        `rate ${v.held ? 'held' : 'NOT HELD'}: ${v.achieved.toFixed(1)} req/s achieved for a target of ${r.rate} req/s (${pct(v.ofTarget)}, bound ${pct(r.options.minRateFraction)})` +
        (v.short.length
          ? `; full minutes below the bound: ${v.short.map((m) => `${clock(m.from)}–${clock(m.to)} ${pct(m.ofTarget)}`).join(', ')}`
          : '') +
        (v.held ? '' : ' — the machine could not keep up: these are not the figures of the target rate'),
    },
    ...Object.entries(r.processes).map(([role, p]) => ({
      ok: p.flat,
      kind: 'defect' as const,
      what: `${role}: RSS growth ${p.rssGrowthMb.toFixed(1)} MB (bound ${r.bounds.maxRssGrowthMb}), lag p99 ${p.lagP99Ms.toFixed(1)} ms (bound ${r.bounds.maxLagP99Ms})`,
    })),
  ];
}

/** 0: every verdict passed; 1: a defect; 3: only the rate was not held. */
export function exitCode(list: readonly Verdict[]): number {
  const failed = list.filter((v) => !v.ok);
  if (!failed.length) return 0;
  return failed.some((v) => v.kind === 'defect') ? 1 : 3;
}

/** The one-line outcome printed last. */
export function conclusion(list: readonly Verdict[]): string {
  const code = exitCode(list);
  if (code === 0) return 'soak passed: no failure, every answer audited, rate held, every process flat';
  if (code === 3) return 'soak did NOT HOLD ITS RATE (machine saturated): no defect found, but not at the target rate';
  return `soak FAILED: ${list.filter((v) => !v.ok && v.kind === 'defect').length} defect(s)`;
}

export function render(r: SoakReport): string {
  const ms = (n: number) => n.toFixed(1);
  const v = r.rateVerdict;
  const d = r.drift;
  const window = (m: { from: number; to: number }) => `${clock(m.from)}–${clock(m.to)}`;
  const row = (role: string, p: SoakReport['loadGenerator'], flat: string) =>
    `| ${role} | ${p.rssFirstMb.toFixed(0)} | ${p.rssLastMb.toFixed(0)} | ${p.rssMaxMb.toFixed(0)} | ${p.rssSlopeMbPerMinute.toFixed(2)} | ${p.rssGrowthMb.toFixed(1)} | ${p.heapLastMb.toFixed(0)} | ${p.heapGrowthMb.toFixed(1)} | ${ms(p.lagP99Ms)} | ${ms(p.lagMaxMs)} | ${flat} |`;
  const lines = [
    r.calibration
      ? `calibration: ${r.calibration.requestsPerSecond.toFixed(0)} req/s at full speed → target ${r.rate} req/s (80 %)`
      : `target: ${r.rate} req/s (given)`,
    `rate: ${v.achieved.toFixed(1)} req/s achieved over the planned ${r.options.durationSeconds} s, ${pct(v.ofTarget)} of the target: ${v.held ? 'held' : `NOT HELD (below ${pct(r.options.minRateFraction)}: the machine could not keep up)`}`,
    '',
    '| minute | sent | req/s | of target | answered 200 | failed | p50 ms | p99 ms |',
    '|---|---|---|---|---|---|---|---|',
    ...r.minutes.map(
      (m) =>
        `| ${window(m)}${m.full ? '' : ' (partial)'} | ${m.sent} | ${m.rate.toFixed(1)} | ${pct(m.ofTarget)}${m.full && m.ofTarget < r.options.minRateFraction ? ' **short**' : ''} | ${m.answered} | ${m.failed} | ${ms(m.p50)} | ${ms(m.p99)} |`,
    ),
    '',
    `${r.requests} requests sent of ${r.planned} planned (${r.missedSlots} slots dropped with every connection busy, ${r.options.connections} connections); ${r.inFlightAtCut} in flight at the cut, answered within ${r.drainSeconds.toFixed(1)} s after it; ${r.seconds.toFixed(0)} s in all`,
    `answers: ${r.answered} 200, ${r.non200} non-200, ${r.transportErrors} transport errors, ${r.timeouts} timeouts`,
    `pivot tokens renewed: ${r.renewals} (lifetime ${r.options.tokenTtlSeconds} s, ${r.options.sample} citizens)`,
    `audit gateway.exchange events: ${r.exchangeEvents} for ${r.answered} answered requests`,
    d
      ? `latency first full minute (${window(d.first)}) p50 ${ms(d.first.p50)} ms, p99 ${ms(d.first.p99)} ms; last full minute (${window(d.last)}) p50 ${ms(d.last.p50)} ms, p99 ${ms(d.last.p99)} ms; drift p50 ×${d.p50.toFixed(2)}, p99 ×${d.p99.toFixed(2)}`
      : `latency drift: not measured (it needs two full minutes; the run had ${r.minutes.filter((m) => m.full).length})`,
    `PostgreSQL connections to the soak database: ${r.pgConnections ? `${r.pgConnections.min}–${r.pgConnections.max}` : 'not available'}`,
    '',
    '| process | RSS first MB | last MB | max MB | slope MB/min | growth MB | heap used last MB | heap growth MB | lag p99 ms | lag max ms | flat |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...Object.entries(r.processes).map(([role, p]) => row(role, p, p.flat ? 'yes' : 'NO')),
    row('load generator (this process)', r.loadGenerator, 'not judged'),
    '',
    `flatness bounds: RSS growth fitted over the second half of the run (at least ${r.bounds.warmupSeconds} s in) < ${r.bounds.maxRssGrowthMb} MB, event-loop lag p99 of every 10 s interval < ${r.bounds.maxLagP99Ms} ms`,
  ];
  return lines.join('\n');
}
