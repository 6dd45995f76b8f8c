import type { Pool } from '../lib/db/database.ts';
import { REVOKED_GRANTS_TABLE } from '../lib/contracts/revoked-grants.ts';
import type { Logger } from '../lib/log.ts';

/**
 * The grants revoked recently, polled every `pollIntervalMs` from the revocation list
 * the gateway owns (lib/contracts/revoked-grants.ts; the broker appends to it). A revoked grant's tokens are
 * refused within one poll interval. Only revocations younger than the longest token
 * lifetime (plus clock tolerance) can matter — older ones concern expired tokens only
 * — so each poll reads a small, bounded set, and the gateway purges older rows.
 * When polls keep failing, the list goes stale and `isStale()` tells the gateway to
 * refuse requests rather than serve a possibly revoked consent.
 */
export interface RevocationListOptions {
  pollIntervalMs: number;
  maxStalenessMs: number;
  /** Revocations older than this cannot concern a valid token (longest lifetime + tolerance). */
  windowSeconds: number;
}

const PURGE_EVERY_POLLS = 600;

export class RevocationList {
  private revoked: ReadonlySet<string> = new Set();
  private lastSuccess = 0;
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly options: RevocationListOptions,
    private readonly logger: Logger,
  ) {}

  /** Loads the list once (start-up fails if it cannot), then polls. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => {
      this.running ??= this.poll()
        .catch((error: Error) => this.logger.warn({ err: error.message }, 'revocation list poll failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  isRevoked(grantId: string): boolean {
    return this.revoked.has(grantId);
  }

  isStale(now: number = Date.now()): boolean {
    return now - this.lastSuccess > this.options.maxStalenessMs;
  }

  /** Seconds since the last successful poll (a metric: gateway/metrics.ts). */
  ageSeconds(now: number = Date.now()): number {
    return (now - this.lastSuccess) / 1000;
  }

  get size(): number {
    return this.revoked.size;
  }

  /** Reads the recent revocations now (also used by tests to avoid waiting a period). */
  async poll(): Promise<void> {
    const { rows } = await this.pool.query<{ grant_id: string }>(
      `SELECT grant_id FROM ${REVOKED_GRANTS_TABLE} WHERE revoked_at > now() - make_interval(secs => $1)`,
      [this.options.windowSeconds],
    );
    this.revoked = new Set(rows.map((r) => r.grant_id));
    this.lastSuccess = Date.now();
    if (++this.polls % PURGE_EVERY_POLLS === 0) {
      // Twice the window: a safe margin against clock differences between processes.
      await this.pool.query(
        `DELETE FROM ${REVOKED_GRANTS_TABLE} WHERE revoked_at < now() - make_interval(secs => $1)`,
        [this.options.windowSeconds * 2],
      );
    }
  }
}
