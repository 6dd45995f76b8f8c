import { AuditWriteTooLate, AuditWriter, type AuditWriterOptions } from '../lib/audit/index.ts';
import { exchangeAuditEvents, type ExchangeEntry } from '../lib/contracts/exchange-event.ts';
import type { Pool } from '../lib/db/database.ts';

/**
 * The gateway's writer of `gateway.exchange` events (lib/contracts/exchange-event.ts):
 * one per request it answers, refusals included (two under a mandate, in one transaction), committed before the response leaves
 * (group commit through an AuditWriter, with a deadline: a write that fails or is too
 * late is never committed, and the caller withholds the data).
 */
export interface ExchangeRecorderOptions {
  maxBatchSize: number;
  /** A write slower than this (from `record()`) is rejected and never committed. */
  writeTimeoutMs: number;
  /** Transactions in flight at once; `pool` must allow as many connections. Default 1. */
  concurrency?: number;
  onBatch?: AuditWriterOptions['onBatch'];
  /** Called for each exchange not committed: past its deadline, or the database failed. */
  onFailure?: (reason: 'too_late' | 'error') => void;
}

/** Records exchanges; `pool` is the recorder's own, with `concurrency` connections. */
export class ExchangeRecorder {
  private readonly writer: AuditWriter;
  private readonly onFailure: ExchangeRecorderOptions['onFailure'];

  constructor(pool: Pool, options: ExchangeRecorderOptions) {
    this.onFailure = options.onFailure;
    this.writer = new AuditWriter(pool, {
      maxBatch: options.maxBatchSize,
      timeoutMs: options.writeTimeoutMs,
      concurrency: options.concurrency,
      onBatch: options.onBatch,
    });
  }

  /** Resolves once the exchange is committed to the chain; rejects when it is not (and will not be). */
  async record(entry: ExchangeEntry): Promise<void> {
    try {
      // Under a mandate, the exchange and its copy for the representative: both or neither.
      await this.writer.recordAll(exchangeAuditEvents(entry));
    } catch (error) {
      // PostgreSQL cancelling the transaction at its statement_timeout (57014) is a deadline missed too.
      const late = error instanceof AuditWriteTooLate || (error as { code?: unknown }).code === '57014';
      this.onFailure?.(late ? 'too_late' : 'error');
      throw error;
    }
  }

  /** Waits for the exchanges queued so far. */
  drain(): Promise<void> {
    return this.writer.drain();
  }
}
