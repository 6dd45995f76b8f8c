import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Pool } from '../../lib/db/database.ts';
import { storedHash } from '../stored-hash.ts';

/** The dashboard's session cookie: httpOnly, SameSite=Lax, only sent to /mon-compte. */
const SESSION_COOKIE = 'passerelle_mon_compte';
export const DASHBOARD_PATH = '/mon-compte';

export interface DashboardSession {
  accountId: string;
  /** The identity provider of this sign-in (it cannot be blocked from this session). */
  idp: string | undefined;
  /** The eIDAS level of this sign-in: creating or accepting some mandates needs eidas2 (auth/mandates/rules.ts). */
  acr: string | undefined;
  /** Every POST of the dashboard carries it. */
  csrfToken: string;
}

export interface SessionStore {
  /** A new session; returns the id to put in the cookie (only its hash is stored). */
  create(accountId: string, idp: string | undefined, acr: string | undefined): Promise<string>;
  /** The live session of this id, its idle deadline pushed back; undefined if unknown or expired. */
  touch(id: string): Promise<DashboardSession | undefined>;
  destroy(id: string): Promise<void>;
}

/**
 * Server-side dashboard sessions (`auth.dashboard_sessions`): a 256-bit random id in
 * the cookie, its SHA-256 in the table, a short idle timeout and an absolute one.
 */
export function createSessionStore(pool: Pool, lifetimes: { idleSeconds: number; maxSeconds: number }): SessionStore {
  return {
    async create(accountId, idp, acr) {
      const id = randomBytes(32).toString('base64url');
      await pool.query(
        `INSERT INTO auth.dashboard_sessions (id_hash, account_id, idp, csrf_token, idle_expires_at, expires_at, acr)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8), now() + make_interval(secs => $6::float8), $7)`,
        [
          storedHash(id),
          accountId,
          idp ?? null,
          randomBytes(32).toString('base64url'),
          lifetimes.idleSeconds,
          lifetimes.maxSeconds,
          acr ?? null,
        ],
      );
      return id;
    },
    async touch(id) {
      const { rows } = await pool.query<{
        account_id: string;
        idp: string | null;
        acr: string | null;
        csrf_token: string;
      }>(
        `UPDATE auth.dashboard_sessions SET idle_expires_at = LEAST(expires_at, now() + make_interval(secs => $2::float8))
         WHERE id_hash = $1 AND idle_expires_at > now() AND expires_at > now()
         RETURNING account_id, idp, acr, csrf_token`,
        [storedHash(id), lifetimes.idleSeconds],
      );
      const row = rows[0];
      return row
        ? { accountId: row.account_id, idp: row.idp ?? undefined, acr: row.acr ?? undefined, csrfToken: row.csrf_token }
        : undefined;
    },
    async destroy(id) {
      await pool.query('DELETE FROM auth.dashboard_sessions WHERE id_hash = $1', [storedHash(id)]);
    },
  };
}

/** The session id this browser sent, if any. */
export function sessionIdOf(ctx: Context): string | undefined {
  const value = ctx.cookies.get(SESSION_COOKIE, { signed: true });
  return value && /^[\w-]{43}$/.test(value) ? value : undefined;
}

export function setSessionCookie(ctx: Context, id: string | null, maxSeconds: number): void {
  ctx.cookies.set(SESSION_COOKIE, id, {
    path: DASHBOARD_PATH,
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    overwrite: true,
    secure: ctx.protocol === 'https',
    ...(id ? { maxAge: maxSeconds * 1000 } : {}),
  });
}

/** Constant-time comparison of the CSRF token a form carried with the session's. */
export function csrfMatches(session: DashboardSession, sent: string | null): boolean {
  if (!sent) return false;
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(sent);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
