import { appendEvents } from '../lib/audit/index.ts';
import { inTransaction, type Pool, type PoolClient } from '../lib/db/database.ts';
import { brokerErrors } from './errors.ts';
import { toAuditEvent, type BrokerEvent } from './events.ts';

/**
 * A citizen's identity-provider preferences (issue 7): IdPs they blocked for their
 * identity, and whether an IdP they never used may sign them in. The identity is the
 * broker's account id (auth/pairwise.ts), the same whichever IdP, so a block set
 * after signing in through impots applies to a later sign-in through laposte.
 *
 * Every change, and every sign-in check, locks the citizen's `idp_preferences` row:
 * concurrent changes are serialized (none is lost) and a sign-in sees the preferences
 * as they are once the change before it committed. Each change is recorded in the
 * audit chain in its own transaction (names and booleans only).
 */
export interface IdpPreferences {
  /** IdP names the citizen blocked. */
  blocked: string[];
  /** false: only IdPs already used by this identity are accepted. Default true. */
  allowNewIdps: boolean;
  /** IdPs this identity has signed in with, with first/last use. */
  used: Array<{ idp: string; firstUsedAt: Date; lastUsedAt: Date }>;
}

export type SignInRefusalCode = 'IDP_BLOCKED_BY_CITIZEN' | 'IDP_NEW_NOT_ALLOWED';
export type SignInCheck = { ok: true } | { ok: false; code: SignInRefusalCode };

export interface IdpPreferenceStore {
  get(accountId: string): Promise<IdpPreferences>;
  /** Throws a PasserelleError (code) for an unknown IdP or for blocking `currentIdp` (the one
   *  the citizen is signed in with now: blocking it would lock them out). Records
   *  `broker.idp_preference_changed` in the same transaction. No-op (nothing recorded) when unchanged. */
  setBlocked(accountId: string, idp: string, blocked: boolean, options: { currentIdp: string }): Promise<void>;
  /** Records `broker.idp_preference_changed` in the same transaction; no-op when unchanged. */
  setAllowNewIdps(accountId: string, allow: boolean): Promise<void>;
  /** At sign-in: checks the preferences; ok → records the IdP as used; not ok → records a
   *  `broker.sign_in_refused` event (citizenRef = accountId, data { idp, code }).
   *  With `signIn`, an accepted sign-in's `broker.sign_in` event (data { idp, acr }) is
   *  recorded in the same transaction as the use: the record and the action go together. */
  checkSignIn(accountId: string, idp: string, clientId: string, signIn?: { acr: string }): Promise<SignInCheck>;
}

export function createIdpPreferenceStore(pool: Pool, idpNames: readonly string[]): IdpPreferenceStore {
  const known = new Set(idpNames);

  return {
    async get(accountId) {
      requireAccountId(accountId);
      const [preferences, blocks, uses] = await Promise.all([
        pool.query<{ allow_new_idps: boolean }>(
          'SELECT allow_new_idps FROM auth.idp_preferences WHERE account_id = $1',
          [accountId],
        ),
        pool.query<{ idp: string }>('SELECT idp FROM auth.idp_blocks WHERE account_id = $1 ORDER BY idp', [accountId]),
        pool.query<{ idp: string; first_used_at: Date; last_used_at: Date }>(
          'SELECT idp, first_used_at, last_used_at FROM auth.idp_uses WHERE account_id = $1 ORDER BY first_used_at, idp',
          [accountId],
        ),
      ]);
      return {
        blocked: blocks.rows.map((r) => r.idp),
        allowNewIdps: preferences.rows[0]?.allow_new_idps ?? true,
        used: uses.rows.map((r) => ({ idp: r.idp, firstUsedAt: r.first_used_at, lastUsedAt: r.last_used_at })),
      };
    },

    async setBlocked(accountId, idp, blocked, { currentIdp }) {
      requireAccountId(accountId);
      if (!known.has(idp)) throw brokerErrors.error('IDP_UNKNOWN', { idp });
      if (blocked && idp === currentIdp) throw brokerErrors.error('IDP_BLOCK_CURRENT_REFUSED', { idp });
      await inTransaction(pool, async (client) => {
        await lockPreferences(client, accountId, { create: true });
        const { rowCount } = blocked
          ? await client.query('INSERT INTO auth.idp_blocks (account_id, idp) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
              accountId,
              idp,
            ])
          : await client.query('DELETE FROM auth.idp_blocks WHERE account_id = $1 AND idp = $2', [accountId, idp]);
        if (!rowCount) return;
        await touch(client, accountId);
        await record(client, { kind: 'broker.idp_preference_changed', accountId, idp, details: { blocked } });
      });
    },

    async setAllowNewIdps(accountId, allow) {
      requireAccountId(accountId);
      await inTransaction(pool, async (client) => {
        const current = await lockPreferences(client, accountId, { create: true });
        if (current === allow) return;
        await client.query(
          'UPDATE auth.idp_preferences SET allow_new_idps = $2, updated_at = now() WHERE account_id = $1',
          [accountId, allow],
        );
        await record(client, { kind: 'broker.idp_preference_changed', accountId, details: { allowNewIdps: allow } });
      });
    },

    async checkSignIn(accountId, idp, clientId, signIn) {
      requireAccountId(accountId);
      return inTransaction(pool, async (client): Promise<SignInCheck> => {
        // No row: nothing was ever set, so nothing can refuse (and none is created here).
        const allowNewIdps = await lockPreferences(client, accountId, { create: false });
        const code = await refusal(client, accountId, idp, allowNewIdps ?? true);
        if (code) {
          await record(client, { kind: 'broker.sign_in_refused', accountId, clientId, idp, code });
          return { ok: false, code };
        }
        await client.query(
          `INSERT INTO auth.idp_uses (account_id, idp) VALUES ($1, $2)
           ON CONFLICT (account_id, idp) DO UPDATE SET last_used_at = now()`,
          [accountId, idp],
        );
        if (signIn)
          await record(client, { kind: 'broker.sign_in', accountId, clientId, idp, details: { acr: signIn.acr } });
        return { ok: true };
      });
    },
  };
}

/** Why the preferences refuse a sign-in through `idp`, if they do. */
async function refusal(
  client: PoolClient,
  accountId: string,
  idp: string,
  allowNewIdps: boolean,
): Promise<SignInRefusalCode | undefined> {
  const blocked = await client.query('SELECT 1 FROM auth.idp_blocks WHERE account_id = $1 AND idp = $2', [
    accountId,
    idp,
  ]);
  if (blocked.rowCount) return 'IDP_BLOCKED_BY_CITIZEN';
  if (allowNewIdps) return undefined;
  const used = await client.query('SELECT 1 FROM auth.idp_uses WHERE account_id = $1 AND idp = $2', [accountId, idp]);
  return used.rowCount ? undefined : 'IDP_NEW_NOT_ALLOWED';
}

/**
 * Locks the citizen's preferences row until the transaction ends (creating it with the
 * defaults when `create`); returns `allow_new_idps`, or undefined when there is no row.
 */
async function lockPreferences(
  client: PoolClient,
  accountId: string,
  { create }: { create: boolean },
): Promise<boolean | undefined> {
  if (create)
    await client.query('INSERT INTO auth.idp_preferences (account_id) VALUES ($1) ON CONFLICT DO NOTHING', [accountId]);
  const { rows } = await client.query<{ allow_new_idps: boolean }>(
    'SELECT allow_new_idps FROM auth.idp_preferences WHERE account_id = $1 FOR UPDATE',
    [accountId],
  );
  return rows[0]?.allow_new_idps;
}

async function touch(client: PoolClient, accountId: string): Promise<void> {
  await client.query('UPDATE auth.idp_preferences SET updated_at = now() WHERE account_id = $1', [accountId]);
}

async function record(client: PoolClient, event: BrokerEvent): Promise<void> {
  await appendEvents(client, [toAuditEvent(event)]);
}

function requireAccountId(accountId: string): void {
  if (typeof accountId !== 'string' || !accountId) throw new TypeError('an account id is required');
}
