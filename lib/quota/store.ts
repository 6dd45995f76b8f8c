import type { Pool } from '../db/database.ts';

/**
 * The fixed-window counters in PostgreSQL (migrations/001_counters.sql), shared by every
 * process on the database (the embedded one included). One statement per hit: the
 * database, not a read-then-write, orders concurrent increments, so each hit sees its own
 * count and exactly one sees `limit + 1`.
 */
export interface CounterKey {
  clientId: string;
  quota: string;
  /** What the quota is counted per within the client (an operation hash), '' for the whole client. */
  partition: string;
}

const INCREMENT = `INSERT INTO quota.counters (client_id, quota, partition_key, window_start, expires_at, count)
VALUES ($1, $2, $3, $4, $5, 1)
ON CONFLICT (client_id, quota, partition_key, window_start) DO UPDATE SET count = counters.count + 1
RETURNING count`;

export class QuotaCounterStore {
  constructor(private readonly pool: Pool) {}

  /** Counts one hit in the window [start, end) and returns the window's count, this hit included. */
  async increment(key: CounterKey, start: number, end: number): Promise<number> {
    // Unnamed: the embedded database serves every connection in one session, where named statements would clash.
    const { rows } = await this.pool.query<{ count: number }>(INCREMENT, [
      key.clientId,
      key.quota,
      key.partition,
      new Date(start),
      new Date(end),
    ]);
    return rows[0]!.count;
  }

  /** Deletes the rows of windows that ended before `now`; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM quota.counters WHERE expires_at < $1', [now]);
    return rowCount ?? 0;
  }
}
