import type pg from 'pg';
import type { Pool } from '../db/database.ts';
import {
  appendCall,
  recordedOf,
  toAppendInput,
  type AppendedRow,
  type AuditEvent,
  type RecordedEvent,
} from './append.ts';

/**
 * Group commit for high-rate appenders (the gateway records every exchange): events
 * queue while a batch is being committed and go together in the next transaction —
 * no added delay when idle, one transaction for many events under load. `record()`
 * resolves only once its event is durably committed (the caller answers after that)
 * and rejects if it is not, so nothing is silently lost.
 *
 * With `timeoutMs`, an event must be committed within that time of `record()`:
 * - every statement of the batch's transaction runs under `SET LOCAL statement_timeout`,
 *   so PostgreSQL itself cancels a write that waits too long (a lock, a slow disk);
 * - each event carries a deadline, checked inside the transaction once the head locks
 *   of its shards are held, against the database clock: an event past it is not written at all
 *   (it may have waited outside PostgreSQL: in this queue, in the embedded database's);
 * - a backstop timer rejects `record()` if nothing came back 2 s after the deadline
 *   (a connection that hangs). Only there could a commit still land after the caller
 *   gave up; gateway and database clocks must agree within a second or so (NTP).
 *
 * One round trip per batch: BEGIN, SET LOCAL, `audit.append` (which locks the heads of
 * the shards the batch's events go to, chains and writes in the database) and COMMIT go
 * as one simple query, so no head lock is held while this process's event loop is busy
 * elsewhere.
 */
export interface AuditWriterOptions {
  /** Events per transaction at most. */
  maxBatch?: number;
  /** Time allowed from `record()` to commit (ms); none when undefined. */
  timeoutMs?: number;
  /**
   * Batches in flight at once (each on its own connection; the pool must allow as
   * many). The database orders them at the shard heads they share, each held only for
   * its own work: a second batch goes out while the first one's answer travels back,
   * instead of waiting for it. Default 1.
   */
  concurrency?: number;
  /** Called after each committed batch: events in it, seconds from BEGIN to COMMIT. */
  onBatch?: (events: number, seconds: number) => void;
}

export class AuditWriteTooLate extends Error {
  override name = 'AuditWriteTooLate';
}

const GIVE_UP_MARGIN_MS = 2000;

/** One `record` or `recordAll` call: its events go in the same batch, with one deadline. */
interface Pending {
  events: AuditEvent[];
  /** Epoch ms. */
  deadline: number;
  resolve(recorded: RecordedEvent[]): void;
  reject(error: unknown): void;
}

export class AuditWriter {
  private queue: Pending[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: AuditWriterOptions;

  constructor(
    private readonly pool: Pool,
    options: AuditWriterOptions = {},
  ) {
    this.options = options;
  }

  async record(event: AuditEvent): Promise<RecordedEvent> {
    return (await this.recordAll([event]))[0]!;
  }

  /**
   * Records `events` together: in one transaction and with one deadline, checked once for
   * the whole batch (`audit.append`), so either all of them are committed or none.
   */
  recordAll(events: AuditEvent[]): Promise<RecordedEvent[]> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => reject(new AuditWriteTooLate('audit write did not complete')),
              timeoutMs + GIVE_UP_MARGIN_MS,
            );
      this.queue.push({
        events,
        deadline: timeoutMs === undefined ? Infinity : Date.now() + timeoutMs,
        resolve: (recorded) => {
          clearTimeout(timer);
          resolve(recorded);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.pump();
    });
  }

  /** Resolves when everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }

  /** Sends what is queued as batches, up to `concurrency` in flight; each one's end sends the next. */
  private pump(): void {
    while (this.queue.length && this.inFlight.size < (this.options.concurrency ?? 1)) {
      const batch = this.queue.splice(0, this.options.maxBatch ?? 500);
      const sent: Promise<void> = this.commit(batch).finally(() => {
        this.inFlight.delete(sent);
        this.pump();
      });
      this.inFlight.add(sent);
    }
  }

  /** One transaction for `batch`; settles every promise of it. */
  private async commit(batch: Pending[]): Promise<void> {
    const started = performance.now();
    let client: pg.PoolClient | undefined;
    let broken = false;
    // A checked-out client has no listener of the pool's: its connection lost (the server
    // stopped) would be an unhandled 'error' event, ending the process.
    const onError = () => {
      broken = true;
    };
    try {
      client = await this.pool.connect();
      client.on('error', onError);
      const input = JSON.stringify(batch.flatMap((p) => p.events.map((event) => toAppendInput(event, p.deadline))));
      const timeout =
        this.options.timeoutMs === undefined
          ? ''
          : `SET LOCAL statement_timeout = ${Math.max(1, Math.round(this.options.timeoutMs))};`;
      // Literal, not a parameter: a simple query may hold several statements, an extended one may not.
      const results = (await client.query(
        `BEGIN; ${timeout} ${appendCall(client.escapeLiteral(input))}; COMMIT;`,
      )) as unknown as pg.QueryResult<AppendedRow>[];
      const rows = results.find((r) => r.command === 'SELECT')!.rows;
      const written = new Map(rows.map((row) => [row.idx, recordedOf(row)]));
      if (written.size) this.options.onBatch?.(written.size, (performance.now() - started) / 1000);
      let index = 0;
      for (const p of batch) {
        const recorded = p.events.map(() => written.get(index++));
        if (recorded.every((r) => r !== undefined)) p.resolve(recorded);
        else p.reject(new AuditWriteTooLate('audit write too late: not recorded'));
      }
    } catch (error) {
      // The failed statement aborted the transaction (the rest of the query was skipped).
      if (client)
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      for (const pending of batch) pending.reject(error);
    } finally {
      // A connection that could not even roll back is discarded, not reused.
      client?.off('error', onError);
      client?.release(broken || undefined);
    }
  }
}
