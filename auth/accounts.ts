import type { Account, FindAccount } from 'oidc-provider';
import type { Pool } from '../lib/db/database.ts';
import type { PivotIdentity } from '../lib/contracts/pivot-identity.ts';
import { PIVOT_CLAIMS } from '../lib/contracts/pivot-identity.ts';

/**
 * Signed-in citizens, as oidc-provider sees them: the account id (an HMAC of the
 * canonical pivot identity, auth/pairwise.ts) and the validated claims, kept in
 * `auth.accounts` only as long as a session may still ask for them.
 */
export interface AccountRecord {
  accountId: string;
  pivot: PivotIdentity;
  email?: string | undefined;
}

export interface AccountStore {
  /** Saves (or refreshes) a citizen's claims for `ttlSeconds`. */
  save(record: AccountRecord, ttlSeconds: number): Promise<void>;
  find(accountId: string): Promise<AccountRecord | undefined>;
  /** oidc-provider's `findAccount`: claims by scope are filtered by the library. */
  findAccount: FindAccount;
}

export function createAccountStore(pool: Pool): AccountStore {
  const find = async (accountId: string): Promise<AccountRecord | undefined> => {
    const { rows } = await pool.query<{ pivot: PivotIdentity; email: string | null }>(
      'SELECT pivot, email FROM auth.accounts WHERE account_id = $1 AND expires_at > now()',
      [accountId],
    );
    const row = rows[0];
    return row ? { accountId, pivot: row.pivot, email: row.email ?? undefined } : undefined;
  };
  return {
    find,
    async save(record, ttlSeconds) {
      await pool.query(
        `INSERT INTO auth.accounts (account_id, pivot, email, updated_at, expires_at)
         VALUES ($1, $2::jsonb, $3, now(), now() + make_interval(secs => $4::float8))
         ON CONFLICT (account_id) DO UPDATE SET pivot = EXCLUDED.pivot, email = EXCLUDED.email,
           updated_at = now(), expires_at = GREATEST(auth.accounts.expires_at, EXCLUDED.expires_at)`,
        [record.accountId, JSON.stringify(record.pivot), record.email ?? null, ttlSeconds],
      );
    },
    async findAccount(_ctx, accountId): Promise<Account | undefined> {
      const record = await find(accountId);
      if (!record) return undefined;
      return {
        accountId,
        async claims() {
          const claims: Record<string, unknown> = { sub: accountId };
          for (const name of PIVOT_CLAIMS) {
            if (record.pivot[name] !== undefined) claims[name] = record.pivot[name];
          }
          if (record.email) claims.email = record.email;
          return claims as { sub: string };
        },
      };
    },
  };
}
