import os from 'node:os';
import { migrateAudit, DEFAULT_SHARD_COUNT, verifyChain } from '../lib/audit/index.ts';
import { appendCall, toAppendInput } from '../lib/audit/append.ts';
import type { Pool } from '../lib/db/database.ts';
import { exchangeEvent, median } from './audit-append.ts';
import { createScratchDatabase, dropScratchDatabase } from './scratch-database.ts';

/**
 * `audit verify` on a large trail (`npm run bench -- --only audit`, after the append
 * costs): `events` parking exchanges of as many citizens, appended in big batches to a
 * scratch database over `shards` shards, then verified whole — every link recomputed —
 * in this thread (4 shards at a time on 4 connections), then in 1 and 2 worker threads,
 * one after the other, in each of `rounds` rounds (default 1: a million events take
 * minutes per pass).
 */
export interface AuditVerifyOptions {
  events: number;
  shards?: number;
  rounds?: number;
}

export interface AuditVerifyResult {
  /** Worker threads (0: in this thread). */
  threads: number;
  /** Medians over the rounds. */
  seconds: number;
  eventsPerSecond: number;
  /** Lowest and highest events/s of the rounds. */
  min: number;
  max: number;
}

export interface AuditVerifyReport {
  options: Required<AuditVerifyOptions>;
  /** Time to append them (s) and the rate, in batches of `BATCH` on 2 connections. */
  fillSeconds: number;
  results: AuditVerifyResult[];
  cpus: number;
}

const SCRATCH = 'passerelle_bench_audit_verify';
const BATCH = 2000;

export async function runAuditVerifyBench(
  serverUrl: string,
  options: AuditVerifyOptions,
  log: (line: string) => void,
): Promise<AuditVerifyReport> {
  const settings = { shards: DEFAULT_SHARD_COUNT, rounds: 1, ...options };
  const database = await createScratchDatabase(serverUrl, SCRATCH);
  try {
    const setup = database.pool({ max: 2 });
    await migrateAudit(setup, { shards: settings.shards });
    log(`audit verify: appending ${settings.events} events over ${settings.shards} shards…`);
    const started = performance.now();
    await fill(setup, settings.events, log);
    const fillSeconds = (performance.now() - started) / 1000;
    await setup.query('VACUUM ANALYZE audit.events');

    const runs = new Map<number, number[]>();
    for (let round = 1; round <= settings.rounds; round++) {
      for (const threads of [0, 1, 2]) {
        const pool = database.pool({ max: 4 });
        const t = performance.now();
        const result = await verifyChain(
          pool,
          [],
          threads ? { workers: { databaseUrl: database.url, threads } } : { concurrency: 4 },
        );
        const seconds = (performance.now() - t) / 1000;
        await pool.end();
        if (!result.ok || result.events !== settings.events)
          throw new Error(`audit verify bench: ${JSON.stringify(result.firstBroken)}, ${result.events} events`);
        runs.set(threads, [...(runs.get(threads) ?? []), seconds]);
        log(
          `  round ${round}, ${threads ? `${threads} worker thread${threads > 1 ? 's' : ''}` : 'in this thread'}: ${seconds.toFixed(1)} s, ${(settings.events / seconds).toFixed(0)} events/s`,
        );
      }
    }
    const results = [...runs].map(([threads, seconds]): AuditVerifyResult => ({
      threads,
      seconds: median(seconds),
      eventsPerSecond: settings.events / median(seconds),
      min: settings.events / Math.max(...seconds),
      max: settings.events / Math.min(...seconds),
    }));
    return { options: settings, fillSeconds, results, cpus: os.cpus().length };
  } finally {
    await database.close();
    await dropScratchDatabase(serverUrl, SCRATCH);
  }
}

/** `events` exchanges in batches of `BATCH`, two transactions at a time. */
async function fill(pool: Pool, events: number, log: (line: string) => void): Promise<void> {
  let next = 0;
  let reported = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < events) {
        const from = next;
        next = Math.min(events, next + BATCH);
        const batch = Array.from({ length: next - from }, (_, i) => toAppendInput(exchangeEvent(from + i)));
        await pool.query(appendCall('$1'), [JSON.stringify(batch)]);
        if (next - reported >= events / 10) {
          reported = next;
          log(`  ${next} appended`);
        }
      }
    }),
  );
}

export function renderAuditVerify(report: AuditVerifyReport): string {
  return [
    `audit verify (${report.options.events} events over ${report.options.shards} shards, appended in ${report.fillSeconds.toFixed(0)} s; ` +
      `${report.options.rounds} rounds, medians; ${report.cpus} CPUs):`,
    '',
    '| verified in | seconds | events/s | spread (events/s) |',
    '|---|---|---|---|',
    ...report.results.map(
      (r) =>
        `| ${r.threads ? `${r.threads} worker thread${r.threads > 1 ? 's' : ''}` : 'this thread, 4 shards at a time'} | ${r.seconds.toFixed(1)} | ${r.eventsPerSecond.toFixed(0)} | ${r.min.toFixed(0)}–${r.max.toFixed(0)} |`,
    ),
  ].join('\n');
}
