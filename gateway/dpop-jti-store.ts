import type { Pool } from '../lib/db/database.ts';

/**
 * The single-use register of DPoP proof `jti`s, shared by every gateway process through
 * PostgreSQL (gateway/migrations/005_dpop_jti.sql). One insert-on-conflict per request:
 * the database, not a read-then-write, decides which of two racing processes wins.
 */
export class DpopJtiStore {
  constructor(private readonly pool: Pool) {}

  /** True when the jti was new (and is now recorded), false when it was already used. */
  async claim(jti: string, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'INSERT INTO gateway.dpop_jti (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
      [jti, expiresAt],
    );
    return rowCount === 1;
  }

  /** Drops rows whose proofs are past the window anyway; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM gateway.dpop_jti WHERE expires_at < $1', [now]);
    return rowCount ?? 0;
  }
}
