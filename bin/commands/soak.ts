import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSoak, type SoakReport } from '../../bench/soak.ts';

/**
 * `passerelle soak [--duration 10m] [--rate N] [--connections N] [--calibration S]
 * [--citizens N] [--sample N] [--token-ttl S] [--out FILE]`: the full stack at a fixed
 * rate for a long time (bench/soak.ts). Exits 1 when a request failed, when the audit
 * events differ from the answered requests, or when a process was not flat.
 * PostgreSQL from DATABASE_URL (its own passerelle_soak database), else an embedded one.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10m' },
      rate: { type: 'string' },
      connections: { type: 'string', default: '16' },
      calibration: { type: 'string', default: '15' },
      citizens: { type: 'string', default: '20000' },
      sample: { type: 'string', default: '500' },
      'token-ttl': { type: 'string', default: '120' },
      out: { type: 'string' },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(String(values[name]).replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  const logDir = fileURLToPath(new URL('../../.data/soak/', import.meta.url));
  const started = new Date();
  const report = await runSoak(
    {
      durationSeconds: parseDuration(String(values.duration)),
      rate: values.rate === undefined ? undefined : number('rate'),
      connections: number('connections'),
      calibrationSeconds: number('calibration'),
      citizens: number('citizens'),
      sample: number('sample'),
      tokenTtlSeconds: number('token-ttl'),
      serverUrl: process.env.DATABASE_URL,
      logDir,
    },
    (line) => console.log(line),
  );
  console.log(`\n${render(report)}`);
  const file = values.out ?? join(logDir, `soak-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`\nfull report: ${file} (server logs in ${logDir})`);
  const failures = verdicts(report).filter((v) => !v.ok);
  for (const failure of failures) console.error(`soak failed: ${failure.what}`);
  return failures.length ? 1 : 0;
}

/** `90`, `90s`, `10m`, `1h` → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(text);
  if (!match || Number(match[1]) <= 0) throw new Error(`--duration must be like 600, 90s, 10m or 1h, got "${text}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

function verdicts(r: SoakReport): Array<{ ok: boolean; what: string }> {
  return [
    {
      ok: r.non200 + r.transportErrors === 0,
      what: `${r.non200} non-200 answers, ${r.transportErrors} transport errors`,
    },
    { ok: r.exchangeEvents === r.answered, what: `${r.exchangeEvents} exchange events for ${r.answered} answers` },
    ...Object.entries(r.processes).map(([role, p]) => ({
      ok: p.flat,
      what: `${role}: RSS growth ${p.rssGrowthMb.toFixed(1)} MB (bound ${r.bounds.maxRssGrowthMb}), lag p99 ${p.lagP99Ms.toFixed(1)} ms (bound ${r.bounds.maxLagP99Ms})`,
    })),
  ];
}

function render(r: SoakReport): string {
  const ms = (n: number) => n.toFixed(1);
  const lines = [
    r.calibration
      ? `calibration: ${r.calibration.requestsPerSecond.toFixed(0)} req/s at full speed → rate ${r.rate} req/s (80 %)`
      : `rate: ${r.rate} req/s (given)`,
    `${r.requests} requests in ${r.seconds.toFixed(0)} s (${(r.requests / r.seconds).toFixed(0)} req/s, ${r.options.connections} connections): ${r.answered} answered 200, ${r.non200} non-200, ${r.transportErrors} transport errors`,
    `pivot tokens renewed: ${r.renewals} (lifetime ${r.options.tokenTtlSeconds} s, ${r.options.sample} citizens)`,
    `audit gateway.exchange events: ${r.exchangeEvents} for ${r.answered} answered requests`,
    `latency first minute p50 ${ms(r.firstMinute.p50)} ms, p99 ${ms(r.firstMinute.p99)} ms; last minute p50 ${ms(r.lastMinute.p50)} ms, p99 ${ms(r.lastMinute.p99)} ms; drift p50 ×${r.drift.p50.toFixed(2)}, p99 ×${r.drift.p99.toFixed(2)}`,
    `PostgreSQL connections to the soak database: ${r.pgConnections ? `${r.pgConnections.min}–${r.pgConnections.max}` : 'not available'}`,
    '',
    '| process | RSS first MB | last MB | max MB | slope MB/min | growth MB | lag p99 ms | lag max ms | flat |',
    '|---|---|---|---|---|---|---|---|---|',
    ...Object.entries(r.processes).map(
      ([role, p]) =>
        `| ${role} | ${p.rssFirstMb.toFixed(0)} | ${p.rssLastMb.toFixed(0)} | ${p.rssMaxMb.toFixed(0)} | ${p.rssSlopeMbPerMinute.toFixed(2)} | ${p.rssGrowthMb.toFixed(1)} | ${ms(p.lagP99Ms)} | ${ms(p.lagMaxMs)} | ${p.flat ? 'yes' : 'NO'} |`,
    ),
    '',
    `flatness bounds: RSS growth fitted after the first ${r.bounds.warmupSeconds} s < ${r.bounds.maxRssGrowthMb} MB over the run, event-loop lag p99 of every 10 s interval < ${r.bounds.maxLagP99Ms} ms`,
  ];
  return lines.join('\n');
}
