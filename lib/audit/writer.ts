import type pg from 'pg';
import type { Pool } from '../db/database.ts';
import { appendAfter, LOCK_HEAD, type AuditEvent, type LockedHead, type RecordedEvent } from './append.ts';

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
 * - each event carries a deadline, checked inside the transaction once the chain-head
 *   lock is held, against the database clock: an event past it is not written at all
 *   (it may have waited outside PostgreSQL: in this queue, in the embedded database's);
 * - a backstop timer rejects `record()` if nothing came back 2 s after the deadline
 *   (a connection that hangs). Only there could a commit still land after the caller
 *   gave up; gateway and database clocks must agree within a second or so (NTP).
 *
 * Three round trips per batch: BEGIN + SET LOCAL + head lock (one simple query), the
 * INSERT with the head update, COMMIT.
 */
export interface AuditWriterOptions {
  /** Events per transaction at most. */
  maxBatch?: number;
  /** Time allowed from `record()` to commit (ms); none when undefined. */
  timeoutMs?: number;
  /** Named prepared statement for the INSERT; not on the embedded database (its connections share one session). */
  prepared?: boolean;
  /** Called after each committed batch: events in it, seconds from BEGIN to COMMIT. */
  onBatch?: (events: number, seconds: number) => void;
}

export class AuditWriteTooLate extends Error {
  override name = 'AuditWriteTooLate';
}

const GIVE_UP_MARGIN_MS = 2000;

interface Pending {
  event: AuditEvent;
  /** Epoch ms. */
  deadline: number;
  resolve(recorded: RecordedEvent): void;
  reject(error: unknown): void;
}

export class AuditWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly options: AuditWriterOptions;

  constructor(private readonly pool: Pool, options: AuditWriterOptions = {}) {
    this.options = options;
  }

  record(event: AuditEvent): Promise<RecordedEvent> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined
        : setTimeout(() => reject(new AuditWriteTooLate('audit write did not complete')), timeoutMs + GIVE_UP_MARGIN_MS);
      this.queue.push({
        event,
        deadline: timeoutMs === undefined ? Infinity : Date.now() + timeoutMs,
        resolve: (recorded) => { clearTimeout(timer); resolve(recorded); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  /** Resolves when everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length) await this.commit(this.queue.splice(0, this.options.maxBatch ?? 500));
    this.flushing = null;
  }

  /** One transaction for `batch`; settles every promise of it. */
  private async commit(batch: Pending[]): Promise<void> {
    const started = performance.now();
    let client: pg.PoolClient | undefined;
    let broken = false;
    try {
      client = await this.pool.connect();
      const head = await this.begin(client);
      const live = batch.filter((p) => p.deadline > head.now.getTime());
      for (const late of batch.filter((p) => !live.includes(p))) late.reject(new AuditWriteTooLate('audit write too late: not recorded'));
      if (!live.length) {
        await client.query('ROLLBACK');
        return;
      }
      const recorded = await appendAfter(client, head, live.map((p) => p.event), this.options.prepared ? 'passerelle-audit-append' : undefined);
      await client.query('COMMIT');
      this.options.onBatch?.(live.length, (performance.now() - started) / 1000);
      live.forEach((p, i) => p.resolve(recorded[i]!));
    } catch (error) {
      if (client) await client.query('ROLLBACK').catch(() => { broken = true; });
      for (const pending of batch) pending.reject(error);
    } finally {
      // A connection that could not even roll back is discarded, not reused.
      client?.release(broken || undefined);
    }
  }

  /** BEGIN, the statement timeout and the head lock in one round trip. */
  private async begin(client: pg.PoolClient): Promise<LockedHead> {
    const timeout = this.options.timeoutMs === undefined ? '' : `SET LOCAL statement_timeout = ${Math.max(1, Math.round(this.options.timeoutMs))};`;
    const results = (await client.query(`BEGIN; ${timeout} ${LOCK_HEAD}`)) as unknown as pg.QueryResult<LockedHead>[];
    return results[results.length - 1]!.rows[0]!;
  }
}
