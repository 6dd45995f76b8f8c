import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { exchangeAuditEvent, type ExchangeEntry } from '../lib/contracts/exchange-event.ts';
import { appendEvents, AuditWriter, migrateAudit } from '../lib/audit/index.ts';
import { inTransaction, openDatabase, type Database, type Pool } from '../lib/db/database.ts';

/**
 * The cost of one audit-chain append (`npm run bench`, section "audit append"; alone with
 * `--only audit`), in a scratch database created on the bench's PostgreSQL server and
 * dropped afterwards. Each mode appends the row of a parking exchange:
 *
 * - baseline: a plain autocommit INSERT of the same row into an unchained table with the
 *   same columns and indexes (what a per-request log row costs without the chain);
 * - AuditWriter (the gateway's writer: head lock, deadline check, group commit);
 * - appendEvents inside a transaction of the caller's (the broker's way), BEGIN to COMMIT;
 *
 * each with one caller awaiting each append, then with `callers` concurrent callers. The
 * ratio is the time per append against the baseline at the same concurrency, measured in
 * the same run: 1.0 = the chain costs nothing more.
 */
export interface AuditAppendOptions {
  /** Appends per mode. */
  appends: number;
  /** Concurrent callers of the concurrent modes. */
  callers: number;
}

export interface AuditAppendResult {
  name: string;
  callers: number;
  appends: number;
  /** Wall time per append (ms): 1000 / throughput. */
  msPerAppend: number;
  appendsPerSecond: number;
  /** Latency of one append as its caller sees it (ms). */
  p50: number;
  p99: number;
  /** msPerAppend / the baseline's at the same concurrency. */
  ratio: number;
}

export interface AuditAppendReport {
  options: AuditAppendOptions;
  results: AuditAppendResult[];
  /** Events per transaction of the concurrent AuditWriter run (group commit). */
  writerBatchMean: number;
}

const SCRATCH_DATABASE = 'passerelle_bench_audit';

const EXCHANGE: ExchangeEntry = {
  occurredAt: new Date(), requestId: '', clientId: 'parking-nimes', sub: 'x'.repeat(43), citizenRef: 'y'.repeat(43), grantId: 'g'.repeat(43), acr: 'eidas1',
  operationHash: 'h'.repeat(43), operationName: 'Parking', providers: ['ants', 'cnaf', 'dgfip'],
  fields: ['Query.me', 'Citizen.taxAddress', 'TaxAddress.cityCode', 'TaxAddress.city', 'Citizen.vehicles', 'Vehicle.registrationNumber', 'Vehicle.holderRole',
    'Vehicle.make', 'Vehicle.model', 'Vehicle.critAir', 'Citizen.familyQuotient', 'FamilyQuotient.value', 'FamilyQuotient.regime'],
  scopes: ['ants_critair', 'ants_vehicules', 'cnaf_quotient_familial', 'dgfip_adresse_fiscale'], outcome: 'success', httpStatus: 200, errorCodes: [], durationMs: 118,
};
const exchangeEvent = (i: number) => exchangeAuditEvent({ ...EXCHANGE, occurredAt: new Date(), requestId: `bench-${i}-${randomBytes(4).toString('hex')}` });

export async function runAuditAppendBench(serverUrl: string, options: AuditAppendOptions, log: (line: string) => void): Promise<AuditAppendReport> {
  const database = await createScratchDatabase(serverUrl);
  try {
    const setup = database.pool({ max: 1 });
    await migrateAudit(setup);
    // The baseline table: the same columns and indexes, no partitions, no chain, no trigger.
    await setup.query(`CREATE TABLE public.plain_events (seq bigint NOT NULL, occurred_at timestamptz NOT NULL, kind text NOT NULL, citizen_ref text,
      client_id text, data jsonb NOT NULL, prev_hash text NOT NULL, hash text NOT NULL, PRIMARY KEY (seq, occurred_at))`);
    await setup.query('CREATE INDEX ON public.plain_events (citizen_ref, occurred_at DESC) WHERE citizen_ref IS NOT NULL');
    await setup.query('CREATE INDEX ON public.plain_events (client_id, occurred_at DESC) WHERE client_id IS NOT NULL');
    await setup.query('CREATE INDEX ON public.plain_events (seq)');

    let plainSeq = 0;
    const plainInsert = (pool: Pool) => async (i: number) => {
      const event = exchangeEvent(i);
      await pool.query({
        name: 'plain-insert',
        text: 'INSERT INTO public.plain_events (seq, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        values: [++plainSeq, event.occurredAt, event.kind, event.citizenRef, event.clientId, JSON.stringify(event.data), 'p'.repeat(64), 'h'.repeat(64)],
      });
    };
    const batches: number[] = [];
    const writerAppend = (pool: Pool) => {
      const writer = new AuditWriter(pool, { maxBatch: 500, timeoutMs: 5000, onBatch: (events) => batches.push(events) });
      return async (i: number) => { await writer.record(exchangeEvent(i)); };
    };
    const transactionAppend = (pool: Pool) => async (i: number) => {
      await inTransaction(pool, (client) => appendEvents(client, [exchangeEvent(i)]));
    };

    const results: AuditAppendResult[] = [];
    const measure = async (name: string, callers: number, make: (pool: Pool) => (i: number) => Promise<void>) => {
      const pool = database.pool({ max: name.startsWith('AuditWriter') ? 1 : callers, applicationName: 'passerelle-bench-audit' });
      await Promise.all(Array.from({ length: Math.min(callers, 4) }, () => pool.query('SELECT 1'))); // connections open before timing
      const append = make(pool);
      for (let i = 0; i < 50; i++) await append(-i); // warm-up: connections, caches
      log(`  ${name}, ${callers} caller${callers > 1 ? 's' : ''}: ${options.appends} appends…`);
      batches.length = 0;
      const latencies: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: callers }, async () => {
        while (next < options.appends) {
          const i = next++;
          const t = performance.now();
          await append(i);
          latencies.push(performance.now() - t);
        }
      }));
      const seconds = (performance.now() - started) / 1000;
      await pool.end();
      latencies.sort((a, b) => a - b);
      const msPerAppend = (seconds * 1000) / options.appends;
      const baseline = results.find((r) => r.name === 'plain INSERT' && r.callers === callers);
      results.push({
        name, callers, appends: options.appends, msPerAppend, appendsPerSecond: options.appends / seconds,
        p50: latencies[Math.floor(latencies.length * 0.5)]!, p99: latencies[Math.floor(latencies.length * 0.99)]!,
        ratio: baseline ? msPerAppend / baseline.msPerAppend : 1,
      });
      return batches.length ? batches.reduce((a, b) => a + b, 0) / batches.length : 0;
    };

    log(`audit append cost (scratch database ${SCRATCH_DATABASE})…`);
    let writerBatchMean = 0;
    for (const callers of [1, options.callers]) {
      await measure('plain INSERT', callers, plainInsert);
      const batch = await measure('AuditWriter', callers, writerAppend);
      if (callers > 1) writerBatchMean = batch;
      await measure('appendEvents in a transaction', callers, transactionAppend);
    }
    const { rows: [check] } = await setup.query<{ n: number; head: number }>('SELECT count(*)::int AS n, (SELECT seq FROM audit.chain_head)::int AS head FROM audit.events');
    if (check!.n !== check!.head) throw new Error(`audit bench: ${check!.n} events for a head at ${check!.head}`);
    return { options, results, writerBatchMean };
  } finally {
    await database.close();
    await dropScratchDatabase(serverUrl);
  }
}

export function renderAuditAppend(report: AuditAppendReport): string {
  const row = (r: AuditAppendResult) => `| ${r.name} | ${r.callers} | ${r.msPerAppend.toFixed(3)} | ${r.appendsPerSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.ratio.toFixed(2)} |`;
  return [
    `audit append (${report.options.appends} appends per mode; ratio = time per append / plain INSERT at the same concurrency):`,
    '',
    '| mode | callers | ms per append | appends/s | p50 ms | p99 ms | ratio |',
    '|---|---|---|---|---|---|---|',
    ...report.results.map(row),
    '',
    `AuditWriter with ${report.options.callers} callers: ${report.writerBatchMean.toFixed(1)} events per transaction (group commit)`,
  ].join('\n');
}

async function createScratchDatabase(serverUrl: string): Promise<Database> {
  await dropScratchDatabase(serverUrl);
  await admin(serverUrl, `CREATE DATABASE ${SCRATCH_DATABASE}`);
  const url = new URL(serverUrl);
  url.pathname = `/${SCRATCH_DATABASE}`;
  return openDatabase({ databaseUrl: url.toString() });
}

function dropScratchDatabase(serverUrl: string): Promise<void> {
  return admin(serverUrl, `DROP DATABASE IF EXISTS ${SCRATCH_DATABASE} WITH (FORCE)`);
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
