import { inTransaction, type Pool } from '../db/database.ts';
import { appendEvents, type AuditEvent, type RecordedEvent } from './append.ts';

/**
 * Group commit for high-rate appenders (the gateway records every exchange): events
 * queue while a batch is being committed and go together in the next transaction.
 * `record()` resolves only once its event is durably committed — the caller answers
 * after that — and rejects if the commit failed, so nothing is silently lost.
 */
export class AuditWriter {
  private queue: Array<{ event: AuditEvent; resolve(r: RecordedEvent): void; reject(e: unknown): void }> = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly pool: Pool, private readonly maxBatch = 500) {}

  record(event: AuditEvent): Promise<RecordedEvent> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  /** Resolves when everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const recorded = await inTransaction(this.pool, (client) => appendEvents(client, batch.map((b) => b.event)));
        batch.forEach((b, i) => b.resolve(recorded[i]!));
      } catch (error) {
        batch.forEach((b) => b.reject(error));
      }
    }
    this.flushing = null;
  }
}
