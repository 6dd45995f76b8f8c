import { randomBytes } from 'node:crypto';
import { migrateAudit, verifyChain } from '../../lib/audit/index.ts';
import type { Pool } from '../../lib/db/database.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { createIdpPreferenceStore, type IdpPreferenceStore } from '../../auth/idp-preferences.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';

/**
 * The IdP preference store on a real PostgreSQL (server or embedded): rules, audit
 * records in the chain, concurrency. The sign-in through the pages is in
 * test/auth/idp-preferences.test.ts.
 */
let db: TestDatabase;
let pool: Pool;
let store: IdpPreferenceStore;
const IDPS = ['impots', 'laposte', 'ameli', 'eidas'] as const;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  await migrate(pool, 'auth', new URL('../../auth/migrations/', import.meta.url));
  await migrateAudit(pool);
  store = createIdpPreferenceStore(pool, IDPS);
});
afterAll(async () => {
  await db.drop();
});

/** A fresh citizen for each test: tests never see each other's rows. */
const newAccount = () => randomBytes(32).toString('base64url');

async function eventsOf(accountId: string) {
  const { rows } = await pool.query<{ kind: string; client_id: string | null; data: Record<string, unknown> }>(
    'SELECT kind, client_id, data FROM audit.events WHERE citizen_ref = $1 ORDER BY seq',
    [accountId],
  );
  return rows;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (!isPasserelleError(error)) throw error;
    return error.code;
  }
}

describe('preferences', () => {
  test('a citizen with no preference: nothing blocked, new IdPs allowed, nothing used', async () => {
    expect(await store.get(newAccount())).toEqual({ blocked: [], allowNewIdps: true, used: [] });
  });

  test('block and unblock an IdP; each change recorded once, a repeated one not at all', async () => {
    const account = newAccount();
    await store.setBlocked(account, 'laposte', true, { currentIdp: 'impots' });
    await store.setBlocked(account, 'laposte', true, { currentIdp: 'impots' });
    await store.setBlocked(account, 'ameli', true, { currentIdp: 'impots' });
    expect((await store.get(account)).blocked).toEqual(['ameli', 'laposte']);
    await store.setBlocked(account, 'laposte', false, { currentIdp: 'impots' });
    await store.setBlocked(account, 'laposte', false, { currentIdp: 'impots' });
    expect((await store.get(account)).blocked).toEqual(['ameli']);
    expect(await eventsOf(account)).toEqual([
      { kind: 'broker.idp_preference_changed', client_id: null, data: { idp: 'laposte', blocked: true } },
      { kind: 'broker.idp_preference_changed', client_id: null, data: { idp: 'ameli', blocked: true } },
      { kind: 'broker.idp_preference_changed', client_id: null, data: { idp: 'laposte', blocked: false } },
    ]);
  });

  test('blocking the IdP of the current session is refused; unblocking it is allowed', async () => {
    const account = newAccount();
    expect(await codeOf(store.setBlocked(account, 'impots', true, { currentIdp: 'impots' }))).toBe(
      'IDP_BLOCK_CURRENT_REFUSED',
    );
    expect((await store.get(account)).blocked).toEqual([]);
    await store.setBlocked(account, 'impots', true, { currentIdp: 'laposte' });
    await store.setBlocked(account, 'impots', false, { currentIdp: 'impots' });
    expect((await store.get(account)).blocked).toEqual([]);
    expect((await eventsOf(account)).map((e) => e.data)).toEqual([
      { idp: 'impots', blocked: true },
      { idp: 'impots', blocked: false },
    ]);
  });

  test('an unknown IdP is refused, blocked or not, and nothing is recorded', async () => {
    const account = newAccount();
    expect(await codeOf(store.setBlocked(account, 'franceconnect-plus', true, { currentIdp: 'impots' }))).toBe(
      'IDP_UNKNOWN',
    );
    expect(await codeOf(store.setBlocked(account, 'IMPOTS', false, { currentIdp: 'impots' }))).toBe('IDP_UNKNOWN');
    expect(await store.get(account)).toEqual({ blocked: [], allowNewIdps: true, used: [] });
    expect(await eventsOf(account)).toEqual([]);
  });

  test('allow new IdPs or not; recorded when changed only', async () => {
    const account = newAccount();
    await store.setAllowNewIdps(account, true);
    await store.setAllowNewIdps(account, false);
    await store.setAllowNewIdps(account, false);
    expect((await store.get(account)).allowNewIdps).toBe(false);
    await store.setAllowNewIdps(account, true);
    expect((await store.get(account)).allowNewIdps).toBe(true);
    expect((await eventsOf(account)).map((e) => e.data)).toEqual([{ allowNewIdps: false }, { allowNewIdps: true }]);
  });

  test('an empty account id is a programming error', async () => {
    await expect(store.get('')).rejects.toThrow(TypeError);
    await expect(store.setAllowNewIdps('', false)).rejects.toThrow(TypeError);
  });
});

describe('the check at sign-in', () => {
  test('an accepted sign-in records the IdP as used (first and last use) and, with its level, the sign-in event', async () => {
    const account = newAccount();
    expect(await store.checkSignIn(account, 'impots', 'parking-nimes', { acr: 'eidas1' })).toEqual({ ok: true });
    const [first] = (await store.get(account)).used;
    expect(first).toEqual({ idp: 'impots', firstUsedAt: expect.any(Date), lastUsedAt: first!.firstUsedAt });
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.checkSignIn(account, 'impots', 'simulateur-caf')).toEqual({ ok: true });
    const [again] = (await store.get(account)).used;
    expect(again!.firstUsedAt).toEqual(first!.firstUsedAt);
    expect(again!.lastUsedAt.getTime()).toBeGreaterThan(first!.lastUsedAt.getTime());
    // Without a level the caller records the sign-in itself: only the first check did.
    expect(await eventsOf(account)).toEqual([
      { kind: 'broker.sign_in', client_id: 'parking-nimes', data: { idp: 'impots', acr: 'eidas1' } },
    ]);
  });

  test('a blocked IdP is refused and recorded, nothing else stored; the others are accepted', async () => {
    const account = newAccount();
    await store.setBlocked(account, 'laposte', true, { currentIdp: 'impots' });
    expect(await store.checkSignIn(account, 'laposte', 'parking-nimes', { acr: 'eidas2' })).toEqual({
      ok: false,
      code: 'IDP_BLOCKED_BY_CITIZEN',
    });
    expect((await store.get(account)).used).toEqual([]);
    expect(await store.checkSignIn(account, 'impots', 'parking-nimes')).toEqual({ ok: true });
    expect((await eventsOf(account)).slice(1)).toEqual([
      {
        kind: 'broker.sign_in_refused',
        client_id: 'parking-nimes',
        data: { idp: 'laposte', code: 'IDP_BLOCKED_BY_CITIZEN' },
      },
    ]);
    await store.setBlocked(account, 'laposte', false, { currentIdp: 'impots' });
    expect(await store.checkSignIn(account, 'laposte', 'parking-nimes')).toEqual({ ok: true });
  });

  test('new IdPs not allowed: a never-used IdP is refused, a used one accepted', async () => {
    const account = newAccount();
    expect(await store.checkSignIn(account, 'impots', 'parking-nimes')).toEqual({ ok: true });
    await store.setAllowNewIdps(account, false);
    expect(await store.checkSignIn(account, 'laposte', 'parking-nimes')).toEqual({
      ok: false,
      code: 'IDP_NEW_NOT_ALLOWED',
    });
    expect(await store.checkSignIn(account, 'impots', 'parking-nimes')).toEqual({ ok: true });
    expect((await store.get(account)).used.map((u) => u.idp)).toEqual(['impots']);
    const refused = (await eventsOf(account)).filter((e) => e.kind === 'broker.sign_in_refused');
    expect(refused).toEqual([
      {
        kind: 'broker.sign_in_refused',
        client_id: 'parking-nimes',
        data: { idp: 'laposte', code: 'IDP_NEW_NOT_ALLOWED' },
      },
    ]);
  });

  test('a blocked IdP that was used before is refused even when new IdPs are not allowed (blocked wins)', async () => {
    const account = newAccount();
    await store.checkSignIn(account, 'laposte', 'parking-nimes');
    await store.setAllowNewIdps(account, false);
    await store.setBlocked(account, 'laposte', true, { currentIdp: 'impots' });
    expect(await store.checkSignIn(account, 'laposte', 'parking-nimes')).toEqual({
      ok: false,
      code: 'IDP_BLOCKED_BY_CITIZEN',
    });
  });

  test('a sign-in check never creates a preference row (only a change does)', async () => {
    const account = newAccount();
    await store.checkSignIn(account, 'impots', 'parking-nimes');
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM auth.idp_preferences WHERE account_id = $1', [
      account,
    ]);
    expect(rows[0].n).toBe(0);
  });

  test('preferences are per identity: another citizen is not affected', async () => {
    const marie = newAccount();
    const jean = newAccount();
    await store.setBlocked(marie, 'laposte', true, { currentIdp: 'impots' });
    await store.setAllowNewIdps(marie, false);
    expect(await store.checkSignIn(jean, 'laposte', 'parking-nimes')).toEqual({ ok: true });
    expect(await store.get(jean)).toMatchObject({ blocked: [], allowNewIdps: true });
  });
});

describe('concurrency', () => {
  test('changes made at once are all kept and each recorded once', async () => {
    const account = newAccount();
    await Promise.all([
      store.setBlocked(account, 'laposte', true, { currentIdp: 'impots' }),
      store.setBlocked(account, 'ameli', true, { currentIdp: 'impots' }),
      store.setBlocked(account, 'eidas', true, { currentIdp: 'impots' }),
      store.setAllowNewIdps(account, false),
      // The same change twice at once: one of them is a no-op.
      store.setBlocked(account, 'laposte', true, { currentIdp: 'impots' }),
      store.setAllowNewIdps(account, false),
    ]);
    expect(await store.get(account)).toMatchObject({ blocked: ['ameli', 'eidas', 'laposte'], allowNewIdps: false });
    const changes = (await eventsOf(account)).map((e) => JSON.stringify(e.data)).sort();
    expect(changes).toEqual([
      '{"allowNewIdps":false}',
      '{"idp":"ameli","blocked":true}',
      '{"idp":"eidas","blocked":true}',
      '{"idp":"laposte","blocked":true}',
    ]);
  });

  test('sign-ins at once through new IdPs are all recorded as used; the chain stays intact', async () => {
    const account = newAccount();
    const results = await Promise.all(
      IDPS.map((idp) => store.checkSignIn(account, idp, 'parking-nimes', { acr: 'eidas1' })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await store.get(account)).used.map((u) => u.idp).sort()).toEqual([...IDPS].sort());
    expect((await eventsOf(account)).filter((e) => e.kind === 'broker.sign_in')).toHaveLength(IDPS.length);
    expect(await verifyChain(pool, [])).toMatchObject({ ok: true });
  });

  test('a block racing a sign-in through that IdP: either the sign-in came first (accepted) or it is refused, never lost', async () => {
    const account = newAccount();
    await store.checkSignIn(account, 'impots', 'parking-nimes');
    const [, check] = await Promise.all([
      store.setBlocked(account, 'laposte', true, { currentIdp: 'impots' }),
      store.checkSignIn(account, 'laposte', 'parking-nimes'),
    ]);
    const state = await store.get(account);
    expect(state.blocked).toEqual(['laposte']);
    // Accepted ⇔ recorded as used; refused ⇔ recorded as refused.
    expect(state.used.some((u) => u.idp === 'laposte')).toBe(check.ok);
    expect((await eventsOf(account)).some((e) => e.kind === 'broker.sign_in_refused')).toBe(!check.ok);
    expect(await store.checkSignIn(account, 'laposte', 'parking-nimes')).toEqual({
      ok: false,
      code: 'IDP_BLOCKED_BY_CITIZEN',
    });
  });
});
