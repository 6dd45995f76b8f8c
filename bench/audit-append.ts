import { randomBytes } from 'node:crypto';
import { exchangeAuditEvent, type ExchangeEntry } from '../lib/contracts/exchange-event.ts';
import { appendEvents, AuditWriter, DEFAULT_SHARD_COUNT, migrateAudit, verifyChain } from '../lib/audit/index.ts';
import { inTransaction, type Pool } from '../lib/db/database.ts';
import { createScratchDatabase, dropScratchDatabase } from './scratch-database.ts';

/**
 * The cost of one audit-chain append (`npm run bench`, section "audit append"; alone with
 * `--only audit`), in a scratch database created on the bench's PostgreSQL server and
 * dropped afterwards. Each mode appends the row of a parking exchange, each row for
 * another citizen (a national platform's traffic):
 *
 * - baseline: a plain autocommit INSERT of the same row into an unchained table with the
 *   same columns and indexes (what a per-request log row costs without the chain);
 * - the same INSERT in a transaction of its own, BEGIN to COMMIT (what the broker's
 *   transaction costs around an unchained row: the chain's own cost is the difference);
 * - AuditWriter (the gateway's writer: shard head locks, deadline check, group commit);
 * - appendEvents inside a transaction of the caller's (the broker's way), BEGIN to COMMIT,
 *   over `shards` shards, then over one (the single chain it was);
 *
 * each with one caller awaiting each append, then with `callers` concurrent callers, all
 * modes one after the other in each of `rounds` rounds. The ratio is a mode's throughput
 * against the plain INSERT's at the same concurrency in the same round: 1.0 = the chain
 * costs nothing more; reported as the median of the rounds, and their spread.
 */
export interface AuditAppendOptions {
  /** Appends per mode and round. */
  appends: number;
  /** Concurrent callers of the concurrent modes. */
  callers: number;
  /** Rounds of every mode (default 3). */
  rounds?: number;
  /** Shards of the chained modes (default: `audit.shards`' default). */
  shards?: number;
}

export interface AuditAppendResult {
  name: string;
  callers: number;
  appends: number;
  /** Medians over the rounds. */
  appendsPerSecond: number;
  /** Latency of one append as its caller sees it (ms), median over the rounds. */
  p50: number;
  p99: number;
  /** Throughput / the plain INSERT's at the same concurrency in the same round: median, lowest, highest. */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
}

export interface AuditAppendReport {
  options: Required<AuditAppendOptions>;
  results: AuditAppendResult[];
  /** Events per transaction of the concurrent AuditWriter runs (group commit). */
  writerBatchMean: number;
}

const EXCHANGE: ExchangeEntry = {
  occurredAt: new Date(),
  requestId: '',
  clientId: 'parking-nimes',
  sub: 'x'.repeat(43),
  citizenRef: 'y'.repeat(43),
  grantId: 'g'.repeat(43),
  acr: 'eidas1',
  operationHash: 'h'.repeat(43),
  operationName: 'Parking',
  providers: ['ants', 'cnaf', 'dgfip'],
  fields: [
    'Query.me',
    'Citizen.taxAddress',
    'TaxAddress.cityCode',
    'TaxAddress.city',
    'Citizen.vehicles',
    'Vehicle.registrationNumber',
    'Vehicle.holderRole',
    'Vehicle.make',
    'Vehicle.model',
    'Vehicle.critAir',
    'Citizen.familyQuotient',
    'FamilyQuotient.value',
    'FamilyQuotient.regime',
  ],
  scopes: ['ants_critair', 'ants_vehicules', 'cnaf_quotient_familial', 'dgfip_adresse_fiscale'],
  outcome: 'success',
  httpStatus: 200,
  errorCodes: [],
  durationMs: 118,
};
/** A parking exchange of a citizen drawn from millions (a citizen reference is 43 base64url characters). */
export const exchangeEvent = (i: number) =>
  exchangeAuditEvent({
    ...EXCHANGE,
    occurredAt: new Date(),
    citizenRef: randomBytes(32).toString('base64url'),
    requestId: `bench-${i}-${randomBytes(4).toString('hex')}`,
  });

type Mode = {
  name: string;
  shards?: number;
  pool: (callers: number) => number;
  make: (pool: Pool) => (i: number) => Promise<void>;
};

export async function runAuditAppendBench(
  serverUrl: string,
  options: AuditAppendOptions,
  log: (line: string) => void,
): Promise<AuditAppendReport> {
  const settings = { rounds: 3, shards: DEFAULT_SHARD_COUNT, ...options };
  const database = await createScratchDatabase(serverUrl, 'passerelle_bench_audit');
  try {
    const setup = database.pool({ max: 1 });
    await migrateAudit(setup, { shards: settings.shards });
    // The baseline table: the same columns and indexes, no partitions, no chain, no trigger.
    await setup.query(`CREATE TABLE public.plain_events (seq bigint NOT NULL, shard smallint NOT NULL, occurred_at timestamptz NOT NULL, kind text NOT NULL,
      citizen_ref text, client_id text, data jsonb NOT NULL, prev_hash text NOT NULL, hash text NOT NULL, PRIMARY KEY (seq, occurred_at))`);
    await setup.query(
      'CREATE INDEX ON public.plain_events (citizen_ref, occurred_at DESC) WHERE citizen_ref IS NOT NULL',
    );
    await setup.query('CREATE INDEX ON public.plain_events (client_id, occurred_at DESC) WHERE client_id IS NOT NULL');
    await setup.query('CREATE INDEX ON public.plain_events (shard, seq)');

    let plainSeq = 0;
    const plainInsert = async (db: { query: Pool['query'] }, i: number) => {
      const event = exchangeEvent(i);
      await db.query({
        name: 'plain-insert',
        text: 'INSERT INTO public.plain_events (seq, shard, occurred_at, kind, citizen_ref, client_id, data, prev_hash, hash) VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8)',
        values: [
          ++plainSeq,
          event.occurredAt,
          event.kind,
          event.citizenRef,
          event.clientId,
          JSON.stringify(event.data),
          'p'.repeat(64),
          'h'.repeat(64),
        ],
      });
    };
    const batches: number[] = [];
    const modes: Mode[] = [
      { name: 'plain INSERT', pool: (c) => c, make: (pool) => (i) => plainInsert(pool, i) },
      {
        name: 'plain INSERT in a transaction',
        pool: (c) => c,
        make: (pool) => (i) => inTransaction(pool, (client) => plainInsert(client, i)),
      },
      {
        name: 'AuditWriter',
        pool: () => 1,
        make: (pool) => {
          const writer = new AuditWriter(pool, {
            maxBatch: 500,
            timeoutMs: 5000,
            onBatch: (events) => batches.push(events),
          });
          return async (i) => {
            await writer.record(exchangeEvent(i));
          };
        },
      },
      {
        name: `appendEvents in a transaction, ${settings.shards} shards`,
        pool: (c) => c,
        make: (pool) => async (i) => {
          await inTransaction(pool, (client) => appendEvents(client, [exchangeEvent(i)]));
        },
      },
      {
        name: 'appendEvents in a transaction, 1 shard',
        shards: 1,
        pool: (c) => c,
        make: (pool) => async (i) => {
          await inTransaction(pool, (client) => appendEvents(client, [exchangeEvent(i)]));
        },
      },
    ];

    /** One mode at one concurrency: throughput and latencies. */
    const measure = async (mode: Mode, callers: number) => {
      if (mode.shards) await setup.query('SELECT audit.set_shard_count($1)', [mode.shards]);
      const pool = database.pool({ max: mode.pool(callers), applicationName: 'passerelle-bench-audit' });
      try {
        await Promise.all(Array.from({ length: Math.min(callers, 4) }, () => pool.query('SELECT 1'))); // connections open before timing
        const append = mode.make(pool);
        for (let i = 0; i < 50; i++) await append(-i); // warm-up: connections, caches
        const latencies: number[] = [];
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: callers }, async () => {
            while (next < settings.appends) {
              const i = next++;
              const t = performance.now();
              await append(i);
              latencies.push(performance.now() - t);
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        return {
          perSecond: settings.appends / seconds,
          p50: latencies[Math.floor(latencies.length * 0.5)]!,
          p99: latencies[Math.floor(latencies.length * 0.99)]!,
        };
      } finally {
        await pool.end();
        if (mode.shards) await setup.query('SELECT audit.set_shard_count($1)', [settings.shards]);
      }
    };

    log(
      `audit append cost (scratch database, ${settings.shards} shards, ${settings.rounds} rounds of ${settings.appends} appends per mode)…`,
    );
    const runs = new Map<string, Array<{ perSecond: number; p50: number; p99: number; ratio: number }>>();
    for (let round = 1; round <= settings.rounds; round++) {
      for (const callers of [1, settings.callers]) {
        let baseline = 0;
        for (const mode of modes) {
          if (callers === 1 && mode.shards) continue; // one caller never waits for a lock
          if (mode.name === 'AuditWriter') batches.length = 0;
          const run = await measure(mode, callers);
          if (mode.name === 'plain INSERT') baseline = run.perSecond;
          const key = `${mode.name}|${callers}`;
          runs.set(key, [...(runs.get(key) ?? []), { ...run, ratio: run.perSecond / baseline }]);
          log(
            `  round ${round}, ${mode.name}, ${callers} caller${callers > 1 ? 's' : ''}: ${run.perSecond.toFixed(0)} appends/s (${(run.perSecond / baseline).toFixed(2)} × plain INSERT)`,
          );
        }
      }
    }
    const writerBatchMean = batches.length ? batches.reduce((a, b) => a + b, 0) / batches.length : 0;

    // Everything the chained modes wrote is one valid chain per shard, with no lost row.
    const {
      rows: [check],
    } = await setup.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.events');
    const verification = await verifyChain(database.pool({ max: 4 }), []);
    if (!verification.ok || verification.events !== check!.n)
      throw new Error(`audit bench: ${check!.n} events, verification ${JSON.stringify(verification.firstBroken)}`);

    const results = [...runs].map(([key, list]): AuditAppendResult => {
      const [name, callers] = key.split('|') as [string, string];
      const ratios = list.map((r) => r.ratio);
      return {
        name,
        callers: Number(callers),
        appends: settings.appends,
        appendsPerSecond: median(list.map((r) => r.perSecond)),
        p50: median(list.map((r) => r.p50)),
        p99: median(list.map((r) => r.p99)),
        ratio: median(ratios),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
      };
    });
    return { options: settings, results, writerBatchMean };
  } finally {
    await database.close();
    await dropScratchDatabase(serverUrl, 'passerelle_bench_audit');
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function renderAuditAppend(report: AuditAppendReport): string {
  const row = (r: AuditAppendResult) =>
    `| ${r.name} | ${r.callers} | ${r.appendsPerSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.ratio.toFixed(2)} | ${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)} |`;
  return [
    `audit append (${report.options.appends} appends per mode, ${report.options.rounds} rounds, each row for another citizen; medians of the rounds; ` +
      "ratio = throughput / plain INSERT's at the same concurrency in the same round):",
    '',
    '| mode | callers | appends/s | p50 ms | p99 ms | ratio | spread |',
    '|---|---|---|---|---|---|---|',
    ...report.results.map(row),
    '',
    `AuditWriter with ${report.options.callers} callers: ${report.writerBatchMean.toFixed(1)} events per transaction (group commit)`,
  ].join('\n');
}
