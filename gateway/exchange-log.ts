import { randomUUID } from 'node:crypto';
import type { Pool } from '../lib/db/database.ts';
import { migrate } from '../lib/db/migrate.ts';

/**
 * The exchange log (`gateway.exchange_log`): every request the gateway answers is
 * recorded before its response leaves. A durable commit costs one WAL flush (fsync),
 * so rows are written together (group commit): up to `maxConcurrentWrites` INSERTs are
 * in flight at once (PostgreSQL flushes concurrent commits together too); the rows
 * arriving meanwhile queue and go in the next multi-row INSERT. No added delay when
 * idle, one round trip and one commit for many requests under load. `record()`
 * resolves once the row is committed; it rejects when the write fails or is slower
 * than `writeTimeoutMs`, and the caller then withholds the data.
 *
 * This module is the only one that knows the table: a later issue moves all events
 * into one hash-chained audit table, behind the same `record()`.
 */
export type ExchangeOutcome = 'success' | 'partial' | 'refused' | 'failed';

export interface ExchangeEntry {
  occurredAt: Date;
  requestId: string;
  clientId?: string | undefined;
  subject?: string | undefined;
  /** The broker's account id for the citizen (the history key). */
  citizenRef?: string | undefined;
  grantId?: string | undefined;
  acr?: string | undefined;
  operationHash?: string | undefined;
  operationName?: string | null | undefined;
  providers: readonly string[];
  fields: readonly string[];
  outcome: ExchangeOutcome;
  httpStatus: number;
  errorCodes: readonly string[];
  durationMs: number;
}

export const EXCHANGE_LOG_SCHEMA = 'gateway';
export const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * A row whose `deadline` has passed when the INSERT runs is not written: its request was
 * (or is about to be) answered 503, and must not be recorded as served. This holds even
 * when the statement waited outside PostgreSQL's statement_timeout (a queue in front of
 * the embedded database); the deadline leaves 2 s before the caller gives up.
 */
const INSERT = `
  INSERT INTO gateway.exchange_log (id, occurred_at, request_id, client_id, subject, citizen_ref, grant_id, acr, operation_hash, operation_name,
                                    providers, fields, outcome, http_status, error_codes, duration_ms)
  SELECT id, occurred_at, request_id, client_id, subject, citizen_ref, grant_id, acr, operation_hash, operation_name,
         providers, fields, outcome, http_status, error_codes, duration_ms
  FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, occurred_at timestamptz, request_id text, client_id text, subject text, citizen_ref text, grant_id text,
       acr text, operation_hash text, operation_name text, providers text[], fields text[], outcome text, http_status smallint,
       error_codes text[], duration_ms integer, deadline timestamptz)
  WHERE r.deadline > clock_timestamp()
  RETURNING id`;

const GIVE_UP_MARGIN_MS = 2000;

interface Pending {
  row: Record<string, unknown>;
  resolve(): void;
  reject(error: Error): void;
}

export class ExchangeLog {
  private queue: Pending[] = [];
  private readonly writers = new Set<Promise<void>>();
  /** Rows written per INSERT, for the metrics. */
  onBatch: ((size: number, seconds: number) => void) | undefined;

  /**
   * `pool` must be the writer's own: each of its connections gets a `statement_timeout`
   * of `writeTimeoutMs`, so that PostgreSQL itself cancels a write that is too slow — a
   * request answered 503 must not be recorded afterwards as a success.
   */
  constructor(private readonly pool: Pool, private readonly options: {
    maxBatchSize: number;
    writeTimeoutMs: number;
    maxConcurrentWrites?: number;
    /** Named prepared statement (parsed and planned once per connection); off for the embedded database. */
    prepared?: boolean;
  }) {
    const timeout = Math.round(options.writeTimeoutMs);
    pool.on('connect', (client) => {
      client.query(`SET statement_timeout = ${timeout}`).catch(() => {});
    });
  }

  /** Applies the gateway migrations and creates the partitions `monthsAhead` months ahead. */
  static async prepare(pool: Pool, monthsAhead: number): Promise<void> {
    await migrate(pool, EXCHANGE_LOG_SCHEMA, MIGRATIONS_DIR);
    await ExchangeLog.ensurePartitions(pool, monthsAhead);
  }

  static async ensurePartitions(pool: Pool, monthsAhead: number): Promise<number> {
    const { rows } = await pool.query<{ created: number }>('SELECT gateway.ensure_exchange_log_partitions($1) AS created', [monthsAhead]);
    return rows[0]?.created ?? 0;
  }

  record(entry: ExchangeEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // A backstop for a connection that hangs: the statement_timeout and the row's deadline come first.
      const timer = setTimeout(() => reject(new Error('exchange log write did not complete')), this.options.writeTimeoutMs + GIVE_UP_MARGIN_MS);
      this.queue.push({
        row: { ...toRow(entry), deadline: new Date(Date.now() + this.options.writeTimeoutMs).toISOString() },
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      if (this.writers.size < (this.options.maxConcurrentWrites ?? 1)) {
        const writer = this.write().finally(() => this.writers.delete(writer));
        this.writers.add(writer);
      }
    });
  }

  /** Waits for the rows queued so far to be written. */
  async drain(): Promise<void> {
    while (this.writers.size) await Promise.all(this.writers);
  }

  /** One writer: INSERTs what is queued, batch after batch, until the queue is empty. */
  private async write(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.options.maxBatchSize);
      const started = performance.now();
      try {
        const values = [JSON.stringify(batch.map((p) => p.row))];
        const { rows } = await this.pool.query<{ id: string }>(this.options.prepared ? { name: 'gateway-exchange-log-insert', text: INSERT, values } : { text: INSERT, values });
        this.onBatch?.(rows.length, (performance.now() - started) / 1000);
        const written = new Set(rows.map((r) => r.id));
        for (const pending of batch) {
          if (written.has(pending.row.id as string)) pending.resolve();
          else pending.reject(new Error('exchange log write too late: not recorded'));
        }
      } catch (error) {
        for (const pending of batch) pending.reject(error as Error);
      }
    }
  }
}

function toRow(entry: ExchangeEntry): Record<string, unknown> {
  return {
    id: randomUUID(),
    occurred_at: entry.occurredAt.toISOString(),
    request_id: entry.requestId,
    client_id: entry.clientId ?? null,
    subject: entry.subject ?? null,
    citizen_ref: entry.citizenRef ?? null,
    grant_id: entry.grantId ?? null,
    acr: entry.acr ?? null,
    operation_hash: entry.operationHash ?? null,
    operation_name: entry.operationName ?? null,
    providers: entry.providers,
    fields: entry.fields,
    outcome: entry.outcome,
    http_status: entry.httpStatus,
    error_codes: entry.errorCodes,
    duration_ms: Math.round(entry.durationMs),
  };
}
