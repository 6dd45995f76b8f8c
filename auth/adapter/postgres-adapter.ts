import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Pool, PoolClient } from '../../lib/db/database.ts';

/**
 * oidc-provider's storage in PostgreSQL (table `auth.oidc_payloads`), so any
 * number of broker processes share sessions, interactions, grants, codes, tokens,
 * pushed requests and replay detection. Semantics follow the library's in-memory
 * adapter: a row is found until `expiresIn` (+ clock tolerance) has passed,
 * `consume` marks it consumed, `revokeByGrantId` drops every token of a grant.
 * Two differences make concurrent processes safe where the library relies on
 * find-then-write: `consume` is a conditional update (a code redeemed twice at
 * once fails the second time and revokes the grant), and a replay-detection
 * entry is written only when none is live (a client assertion replayed at once
 * to two processes is refused by one of them).
 * Times come from the database clock, the one clock all processes share.
 */
export class PostgresAdapter implements Adapter {
  constructor(
    private readonly pool: Pool,
    private readonly model: string,
    private readonly clockToleranceSeconds = 0,
    /** Told when this adapter revokes a grant by itself (a code redeemed twice at once). */
    private readonly onGrantRevoked: (grantId: string) => void = () => {},
  ) {}

  /** The factory oidc-provider's `adapter` option takes: one adapter per model name. */
  static factory(
    pool: Pool,
    clockToleranceSeconds = 0,
    onGrantRevoked?: (grantId: string) => void,
  ): (model: string) => Adapter {
    return (model) => new PostgresAdapter(pool, model, clockToleranceSeconds, onGrantRevoked);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const ttl = typeof expiresIn === 'number' ? expiresIn + this.clockToleranceSeconds : null;
    const params = [
      this.model,
      id,
      JSON.stringify(payload),
      payload.grantId ?? null,
      this.model === 'Session' ? (payload.uid ?? null) : null,
      payload.userCode ?? null,
      ttl,
    ];
    const insert = `INSERT INTO auth.oidc_payloads (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at)
      VALUES ($1, $2, $3::jsonb, $4, $5, $6, CASE WHEN $7::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $7::float8) END, NULL)`;
    const update = `ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
      uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at, consumed_at = EXCLUDED.consumed_at`;
    if (this.model === 'ReplayDetection') {
      // Only an expired entry may be replaced: a live one means the JWT was already used.
      const { rowCount } = await this.pool.query(
        `${insert} ${update} WHERE auth.oidc_payloads.expires_at <= now()`,
        params,
      );
      if (rowCount === 0) throw new errors.InvalidClientAuth('client assertion tokens must only be used once');
      return;
    }
    await this.pool.query(`${insert} ${update}`, params);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('id = $2', id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('uid = $2', uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere('user_code = $2', userCode);
  }

  async consume(id: string): Promise<void> {
    const { rows } = await this.pool.query<{ consumed: boolean; grant_id: string | null }>(
      `WITH target AS (SELECT consumed_at, grant_id FROM auth.oidc_payloads WHERE model = $1 AND id = $2 FOR UPDATE),
            marked AS (UPDATE auth.oidc_payloads SET consumed_at = now()
                       WHERE model = $1 AND id = $2 AND consumed_at IS NULL RETURNING 1)
       SELECT (SELECT count(*) FROM marked) = 0 AND EXISTS (SELECT 1 FROM target) AS consumed,
              (SELECT grant_id FROM target) AS grant_id`,
      [this.model, id],
    );
    const row = rows[0];
    if (row?.consumed) {
      // Another request consumed it in between: treat as reuse, as the library does.
      if (row.grant_id) {
        await deleteGrantRows(this.pool, row.grant_id);
        this.onGrantRevoked(row.grant_id);
      }
      throw new errors.InvalidGrant('grant already consumed');
    }
  }

  async destroy(id: string): Promise<void> {
    await this.pool.query('DELETE FROM auth.oidc_payloads WHERE model = $1 AND id = $2', [this.model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.pool.query('DELETE FROM auth.oidc_payloads WHERE model = $1 AND grant_id = $2', [this.model, grantId]);
  }

  private async findWhere(condition: string, value: string): Promise<AdapterPayload | undefined> {
    const { rows } = await this.pool.query<{ payload: AdapterPayload; consumed: number | null }>(
      `SELECT payload, floor(extract(epoch FROM consumed_at))::bigint AS consumed FROM auth.oidc_payloads
       WHERE model = $1 AND ${condition} AND (expires_at IS NULL OR expires_at > now())`,
      [this.model, value],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.consumed === null ? row.payload : { ...row.payload, consumed: row.consumed };
  }
}

/**
 * Deletes a grant and everything issued from it (codes, tokens), not the sessions or
 * interactions that refer to it. Returns the grant's account and client when it still
 * existed. `db` may be a client inside the caller's transaction.
 */
export async function deleteGrantRows(
  db: Pool | PoolClient,
  grantId: string,
): Promise<{ accountId?: string; clientId?: string } | undefined> {
  const { rows } = await db.query<{ model: string; account_id: string | null; client_id: string | null }>(
    `DELETE FROM auth.oidc_payloads WHERE (grant_id = $1 AND model <> 'Interaction' AND model <> 'Session') OR (model = 'Grant' AND id = $1)
     RETURNING model, payload->>'accountId' AS account_id, payload->>'clientId' AS client_id`,
    [grantId],
  );
  const grant = rows.find((r) => r.model === 'Grant');
  return grant ? { accountId: grant.account_id ?? undefined, clientId: grant.client_id ?? undefined } : undefined;
}

/** Deletes what has expired (oidc rows, accounts, IdP round trips); run now and then. */
export async function sweepExpired(pool: Pool): Promise<number> {
  let removed = 0;
  for (const table of [
    'oidc_payloads',
    'accounts',
    'idp_requests',
    'consent_forms',
    'pivot_tokens',
    'dashboard_sessions',
    'representation_choices',
  ]) {
    const { rowCount } = await pool.query(`DELETE FROM auth.${table} WHERE expires_at <= now()`);
    removed += rowCount ?? 0;
  }
  return removed;
}
