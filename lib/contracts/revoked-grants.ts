import type { Pool, PoolClient } from '../db/database.ts';

/**
 * The revocation list (docs/tokens.md, "Revocation"): the grants whose pivot tokens the
 * gateways must refuse, although those tokens are still unexpired.
 *
 * OWNER: the gateway. Its migrations create the table (gateway/migrations/
 * 002_revoked_grants.sql); it reads the recent rows every poll and purges the old ones
 * (gateway/revocation.ts). The broker is its one writer from outside: it appends a row
 * with `publishRevokedGrant`, inside the transaction that deletes the grant and records
 * the revocation in the audit chain (auth/grants.ts) — nothing else of the broker
 * touches the table, and nothing else writes to it.
 */
export const REVOKED_GRANTS_TABLE = 'gateway.revoked_grants';

/** Why a grant was revoked: short codes, never personal data (the dashboard names each, `dashboard.revoked.<reason>`). */
export const REVOCATION_REASONS = [
  'citizen',
  'service_provider',
  'code_replay',
  'logout',
  'admin',
  'broker',
  'mandate_ended',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** Appends `grantId` to the list; false when it was there already. */
export async function publishRevokedGrant(
  client: PoolClient,
  grantId: string,
  reason: RevocationReason,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO ${REVOKED_GRANTS_TABLE} (grant_id, reason) VALUES ($1, $2) ON CONFLICT (grant_id) DO NOTHING`,
    [grantId, reason],
  );
  return rowCount !== 0;
}

/** Whether the owner created the table on this database yet (a broker may start on a database no gateway has migrated). */
export async function revokedGrantsTableExists(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [
    REVOKED_GRANTS_TABLE,
  ]);
  return Boolean(rows[0]?.table);
}
