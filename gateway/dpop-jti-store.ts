import type { Pool } from '../lib/db/database.ts';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';

/**
 * The single-use register of DPoP proof `jti`s, shared by every gateway process through
 * PostgreSQL (gateway/migrations/005_dpop_jti.sql). One insert-on-conflict per request:
 * the database, not a read-then-write, decides which of two racing processes wins.
 * When the database does not answer in time the request is refused (503): serving it
 * would accept a proof that may have been used already.
 */
export class DpopJtiStore {
  constructor(
    private readonly pool: Pool,
    private readonly timeoutMs: number,
  ) {}

  /** True when the jti was new (and is now recorded), false when it was already used. */
  async claim(jti: string, expiresAt: Date): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('DPoP jti store timeout')), this.timeoutMs);
    });
    try {
      const { rowCount } = await Promise.race([
        this.pool.query('INSERT INTO gateway.dpop_jti (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING', [
          jti,
          expiresAt,
        ]),
        timeout,
      ]);
      return rowCount === 1;
    } catch (error) {
      throw gatewayErrors.error('DPOP_REPLAY_CHECK_UNAVAILABLE', {}, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops rows whose proofs are past the window anyway; returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM gateway.dpop_jti WHERE expires_at < $1', [now]);
    return rowCount ?? 0;
  }
}
