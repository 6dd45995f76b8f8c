import type { Pool } from '../../lib/db/database.ts';
import { brokerErrors } from '../errors.ts';
import type { GrantRevoker } from '../grants.ts';

/** An active consent: a grant of this citizen that still holds data operations. */
export interface ActiveConsent {
  grantId: string;
  clientId: string;
  grantedAt: Date;
  operations: Array<{ operationName: string | null; purpose: string; scopes: string[] }>;
}

export interface Consents {
  /** The citizen's active consents, newest first. */
  list(accountId: string): Promise<ActiveConsent[]>;
  /**
   * Withdraws one of the citizen's consents at once (auth/grants.ts: grant and tokens
   * gone, gateways told, recorded). Throws DASHBOARD_CONSENT_NOT_FOUND if `grantId`
   * is not an active consent of `accountId` — another citizen's grant is never touched.
   */
  revoke(accountId: string, grantId: string): Promise<void>;
}

interface GrantRow {
  id: string;
  client_id: string;
  iat: string | null;
  rar: unknown;
}

/**
 * Consents live as oidc-provider grants (`auth.oidc_payloads`, model Grant, found by
 * account with the index of migration 004). A consent-less grant (an identity-only
 * sign-in) is not a consent and is not listed.
 */
export function createConsents(pool: Pool, grants: GrantRevoker): Consents {
  const select = `SELECT id, payload->>'clientId' AS client_id, payload->>'iat' AS iat, payload->'rar' AS rar
    FROM auth.oidc_payloads
    WHERE model = 'Grant' AND payload->>'accountId' = $1 AND (expires_at IS NULL OR expires_at > now())
      AND jsonb_typeof(payload->'rar') = 'array' AND jsonb_array_length(payload->'rar') > 0`;

  return {
    async list(accountId) {
      const { rows } = await pool.query<GrantRow>(`${select} ORDER BY (payload->>'iat')::bigint DESC NULLS LAST, id`, [
        accountId,
      ]);
      return rows.map(toConsent);
    },

    async revoke(accountId, grantId) {
      const { rows } = await pool.query<GrantRow>(`${select} AND id = $2`, [accountId, grantId]);
      const consent = rows[0];
      if (!consent) throw brokerErrors.error('DASHBOARD_CONSENT_NOT_FOUND');
      const revoked = await grants.revokeGrant(grantId, 'citizen', { accountId, clientId: consent.client_id });
      if (!revoked) throw brokerErrors.error('DASHBOARD_CONSENT_NOT_FOUND');
    },
  };
}

function toConsent(row: GrantRow): ActiveConsent {
  const details = Array.isArray(row.rar) ? (row.rar as Array<Record<string, unknown>>) : [];
  return {
    grantId: row.id,
    clientId: row.client_id,
    grantedAt: new Date(Number(row.iat ?? 0) * 1000),
    operations: details.map((d) => ({
      operationName: typeof d.operation_name === 'string' ? d.operation_name : null,
      purpose: typeof d.purpose === 'string' ? d.purpose : '',
      scopes: Array.isArray(d.scopes) ? d.scopes.filter((s): s is string => typeof s === 'string') : [],
    })),
  };
}
