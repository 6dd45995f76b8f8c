import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderAuditAppend, runAuditAppendBench, type AuditAppendReport } from '../../bench/audit-append.ts';
import { renderAuditVerify, runAuditVerifyBench, type AuditVerifyReport } from '../../bench/audit-verify.ts';
import type { LoadResult } from '../../bench/load.ts';
import { runBench, type BenchReport } from '../../bench/run.ts';

/**
 * `passerelle bench [--duration S] [--warmup S] [--connections N] [--citizens N]
 * [--sample N] [--rounds N] [--no-token-cache] [--database-url URL] [--set gateway.key=value]…
 * [--audit-appends N] [--audit-callers N] [--audit-verify-events N (0: none)] [--only gateway|audit]`:
 * full stack vs bare @apollo/gateway on the parking operation (bench/run.ts), then the
 * cost of one audit-chain append against a plain INSERT (bench/audit-append.ts) and `audit verify`'s
 * throughput on a large trail (bench/audit-verify.ts).
 * Needs a PostgreSQL server (DATABASE_URL) or a prepared database (--database-url).
 */
const TARGET = { throughput: 0.85, p99: 1.3 };

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '5' },
      connections: { type: 'string', default: '32' },
      citizens: { type: 'string', default: '1000000' },
      sample: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '3' },
      'no-token-cache': { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      set: { type: 'string', multiple: true },
      'audit-appends': { type: 'string', default: '2000' },
      'audit-callers': { type: 'string', default: '32' },
      'audit-verify-events': { type: 'string', default: '1000000' },
      only: { type: 'string' },
    },
  });
  if (values.only !== undefined && !['gateway', 'audit'].includes(values.only))
    throw new Error('--only must be gateway or audit');
  const number = (name: keyof typeof values) => {
    const value = Number(String(values[name]).replace(/_/g, ''));
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  const logDir = fileURLToPath(new URL('../../.data/bench/', import.meta.url));
  const started = Date.now();
  const gateway =
    values.only === 'audit'
      ? undefined
      : await runBench(
          {
            durationSeconds: number('duration'),
            warmupSeconds: number('warmup'),
            connections: number('connections'),
            citizens: number('citizens'),
            sample: number('sample'),
            rounds: number('rounds'),
            tokenCache: !values['no-token-cache'],
            databaseUrl: values['database-url'],
            serverUrl: process.env.DATABASE_URL,
            logDir,
            gatewayOverrides: (values.set ?? []).map((pair) => {
              const [key, ...rest] = pair.split('=');
              const text = rest.join('=');
              if (!key || !rest.length) throw new Error(`--set expects key=value, got "${pair}"`);
              try {
                return [key, JSON.parse(text)] as [string, unknown];
              } catch {
                return [key, text] as [string, unknown];
              }
            }),
          },
          (line) => console.log(line),
        );
  if (gateway) console.log(`\n${render(gateway, values['no-token-cache'] ? 'off' : 'on')}`);

  let audit: AuditAppendReport | undefined;
  let auditVerify: AuditVerifyReport | undefined;
  if (values.only !== 'gateway') {
    const serverUrl = values['database-url'] ?? process.env.DATABASE_URL;
    if (!serverUrl) throw new Error('the audit section needs a PostgreSQL server: set DATABASE_URL or --database-url');
    audit = await runAuditAppendBench(
      serverUrl,
      { appends: number('audit-appends'), callers: number('audit-callers') },
      (line) => console.log(line),
    );
    console.log(`\n${renderAuditAppend(audit)}`);
    const verifyEvents = values['audit-verify-events'] === '0' ? 0 : number('audit-verify-events');
    if (verifyEvents) {
      auditVerify = await runAuditVerifyBench(serverUrl, { events: verifyEvents }, (line) => console.log(line));
      console.log(`\n${renderAuditAppend(audit)}\n\n${renderAuditVerify(auditVerify)}`);
    }
  }

  mkdirSync(logDir, { recursive: true });
  const file = join(logDir, `result-${new Date(started).toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ ...gateway, audit, auditVerify }, null, 2));
  console.log(`\nfull report: ${file}${gateway ? ` (server logs in ${logDir})` : ''}`);
  const failures = gateway
    ? [gateway.bare, gateway.full, gateway.direct].filter((r) => r.non2xx || r.errors || r.timeouts)
    : [];
  if (failures.length) {
    console.error(`invalid run: failed requests in ${failures.map((r) => r.name).join(', ')}`);
    return 1;
  }
  return 0;
}

function render(report: BenchReport, tokenCache: string): string {
  const row = (r: LoadResult) =>
    `| ${r.name} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p90.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.requests} | ${r.non2xx + r.errors + r.timeouts} |`;
  const registries = report.seed.registries.map((r) => `${r.provider} ${r.citizens.toLocaleString('en')}`).join(', ');
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    `environment: ${Object.entries(report.environment)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `registries (synthetic citizens): ${registries}${report.seed.seconds ? ` — seeded in this run in ${report.seed.seconds.toFixed(0)} s` : ''}`,
    `pivot token cache: ${tokenCache}`,
    '',
    '| path | req/s | p50 ms | p90 ms | p99 ms | requests | failed |',
    '|---|---|---|---|---|---|---|',
    row(report.bare),
    row(report.full),
    row(report.direct),
    '',
    `full/bare throughput: ${report.throughputRatio.toFixed(3)} (target ≥ ${TARGET.throughput}: ${verdict(report.throughputRatio >= TARGET.throughput)})`,
    `full/bare p99: ${report.p99Ratio.toFixed(3)} (target ≤ ${TARGET.p99}: ${verdict(report.p99Ratio <= TARGET.p99)})`,
    `exchange events in the audit chain: ${report.exchangeEvents} for ${report.fullRequests} completed full-stack requests (the difference: requests in flight when a run stopped)`,
    `audit-chain transactions: ${report.auditWrites.inserts}, ${report.auditWrites.rowsPerInsert.toFixed(1)} events each, ${report.auditWrites.meanMs.toFixed(1)} ms mean (a durable commit on this server, idle: ${report.commitLatencyMs.toFixed(2)} ms)`,
    '',
    'CPU per request, by process (ms):',
    ...[report.bare, report.full, report.direct].map(
      (r) =>
        `  ${r.name}: ${Object.entries(r.cpuPerRequest ?? {})
          .map(([role, ms]) => `${role} ${ms.toFixed(2)}`)
          .join(', ')}`,
    ),
  ].join('\n');
}
