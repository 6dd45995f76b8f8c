import { randomBytes } from 'node:crypto';
import { migrateAudit, verifyChain } from '../../../lib/audit/index.ts';
import type { Domain } from '../../../lib/contracts/domains.ts';
import type { PivotIdentity } from '../../../lib/contracts/pivot-identity.ts';
import type { Pool } from '../../../lib/db/database.ts';
import { migrate } from '../../../lib/db/migrate.ts';
import { isPasserelleError } from '../../../lib/errors/define.ts';
import { inTransaction } from '../../../lib/db/database.ts';
import { createMandateStore, type MandatePerson, type MandateStore } from '../../../auth/mandates/store.ts';
import { displayInvitationCode } from '../../../auth/mandates/invitation-code.ts';
import { latestEnd } from '../../../auth/mandates/rules.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { SANDBOX_IDENTITIES as who } from '../../../sandbox/seed/identities.ts';

/**
 * The mandate store on a real PostgreSQL (server or embedded): the life cycle, the events
 * in both histories (never the code), every bad input of issue 14 the store decides, the
 * grants revoked with the mandate (the gateway's revocation list, migrated here), the sweep.
 */
let db: TestDatabase;
let pool: Pool;
let store: MandateStore;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  await migrateAudit(pool);
  await migrate(pool, 'auth', new URL('../../../auth/migrations/', import.meta.url));
  await migrate(pool, 'gateway', new URL('../../../gateway/migrations/', import.meta.url));
  store = createMandateStore(pool);
});
afterAll(async () => {
  await db.drop();
});

/** A sandbox person under a fresh account id: tests never see each other's rows. */
const person = (login: string): MandatePerson => ({
  accountId: randomBytes(32).toString('base64url'),
  pivot: who[login]!,
});
const expectedOf = (pivot: PivotIdentity) => ({
  family_name: pivot.family_name,
  given_name: pivot.given_name.split(' ')[0]!,
  birthdate: pivot.birthdate,
});
const today = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
};

function proposal(
  mandator: MandatePerson,
  representative: PivotIdentity,
  domains: Domain[] = ['transport', 'housing'],
) {
  return {
    mandator,
    representative: expectedOf(representative),
    domains,
    startsAt: today(),
    endsAt: latestEnd(today()),
  };
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

async function eventsOf(accountId: string) {
  const { rows } = await pool.query<{ kind: string; data: Record<string, unknown> }>(
    'SELECT kind, data FROM audit.events WHERE citizen_ref = $1 ORDER BY seq',
    [accountId],
  );
  return rows;
}

async function mandateCount(accountId: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM auth.mandates WHERE mandator_account_id = $1', [
    accountId,
  ]);
  return rows[0].n;
}

describe('the life cycle', () => {
  test('proposed, accepted, ended: states, dates and one event per person at each step, never the code', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { mandate, code, codeExpiresAt } = await store.propose(
      proposal(yvonne, jean.pivot, ['housing', 'transport']),
    );
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);
    expect(codeExpiresAt.getTime() - Date.now()).toBeGreaterThan(7 * 86400_000 - 60_000);
    expect(codeExpiresAt.getTime() - Date.now()).toBeLessThanOrEqual(7 * 86400_000);
    // Domains in catalogue order whatever the order given.
    expect(mandate).toMatchObject({ state: 'proposed', domains: ['transport', 'housing'], representative: undefined });
    expect((await store.listOf(yvonne.accountId)).given.map((m) => m.id)).toEqual([mandate.id]);
    expect((await store.listOf(jean.accountId)).received).toEqual([]);

    // The invitation, typed the way a person reads it out.
    expect((await store.invitation(displayInvitationCode(code).toLowerCase()))?.id).toBe(mandate.id);
    const accepted = await store.accept(code, jean);
    expect(accepted).toMatchObject({ state: 'active', representative: jean, acceptedAt: expect.any(Date) });
    expect((await store.activeFor(jean.accountId)).map((m) => m.id)).toEqual([mandate.id]);
    expect((await store.listOf(jean.accountId)).received.map((m) => m.id)).toEqual([mandate.id]);
    expect((await store.find(mandate.id, jean.accountId))?.state).toBe('active');

    const ended = await store.end(mandate.id, yvonne.accountId);
    expect(ended).toMatchObject({ state: 'revoked', endedBy: 'mandator', endedAt: expect.any(Date) });
    expect(await store.activeFor(jean.accountId)).toEqual([]);

    const details = {
      mandateId: mandate.id,
      domains: ['transport', 'housing'],
      startsAt: mandate.startsAt.toISOString(),
      endsAt: mandate.endsAt.toISOString(),
    };
    expect(await eventsOf(yvonne.accountId)).toEqual([
      { kind: 'broker.mandate_proposed', data: { ...details, role: 'mandator' } },
      { kind: 'broker.mandate_accepted', data: { ...details, role: 'mandator' } },
      { kind: 'broker.mandate_ended', data: { ...details, role: 'mandator', by: 'mandator' } },
    ]);
    expect(await eventsOf(jean.accountId)).toEqual([
      { kind: 'broker.mandate_accepted', data: { ...details, role: 'representative' } },
      { kind: 'broker.mandate_ended', data: { ...details, role: 'representative', by: 'mandator' } },
    ]);
    const { rows } = await pool.query("SELECT data::text AS d FROM audit.events WHERE kind LIKE 'broker.mandate_%'");
    expect(rows.map((r) => r.d).join()).not.toContain(code);
    // Only the code's hash is stored.
    const stored = await pool.query('SELECT code_hash, used_at FROM auth.mandate_invitations WHERE mandate_id = $1', [
      mandate.id,
    ]);
    expect(stored.rows).toEqual([{ code_hash: expect.not.stringContaining(code), used_at: expect.any(Date) }]);
    expect(await verifyChain(pool, [])).toMatchObject({ ok: true });
  });

  test('declined by the invited person: the code is spent, the mandate over, both told', async () => {
    const camille = person('camille.petit');
    const marie = person('marie.dupont');
    const { mandate, code } = await store.propose(proposal(camille, marie.pivot, ['housing']));
    expect(await store.decline(code, marie)).toMatchObject({ state: 'declined', endedBy: 'representative' });
    expect(await codeOf(store.accept(code, marie))).toBe('MANDATE_INVITATION_INVALID');
    expect(await store.invitation(code)).toBeUndefined();
    expect(await codeOf(store.end(mandate.id, camille.accountId))).toBe('MANDATE_STATE_INVALID');
    expect((await eventsOf(marie.accountId)).map((e) => [e.kind, e.data.role])).toEqual([
      ['broker.mandate_declined', 'representative'],
    ]);
    expect((await eventsOf(camille.accountId)).map((e) => e.kind)).toEqual([
      'broker.mandate_proposed',
      'broker.mandate_declined',
    ]);
  });

  test('the representative can end it too; a proposed one can be withdrawn by its mandator, its code then dead', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const first = await store.propose(proposal(yvonne, jean.pivot));
    await store.accept(first.code, jean);
    expect(await store.end(first.mandate.id, jean.accountId)).toMatchObject({
      state: 'revoked',
      endedBy: 'representative',
    });
    expect((await eventsOf(yvonne.accountId)).at(-1)).toMatchObject({
      kind: 'broker.mandate_ended',
      data: { role: 'mandator', by: 'representative' },
    });

    const second = await store.propose(proposal(yvonne, jean.pivot));
    expect(await store.end(second.mandate.id, yvonne.accountId)).toMatchObject({ state: 'revoked' });
    expect(await codeOf(store.accept(second.code, jean))).toBe('MANDATE_INVITATION_INVALID');
  });
});

describe('bad inputs', () => {
  test('forged, malformed, reused and expired codes all read MANDATE_INVITATION_INVALID; nothing changes', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { mandate, code } = await store.propose(proposal(yvonne, jean.pivot));
    for (const typed of [
      '',
      'ABCD',
      'ABCDEFGHJKLM',
      `${code}X`,
      code.replace(/./, 'I'),
      'é'.repeat(12),
      'A'.repeat(65),
    ])
      expect(await codeOf(store.accept(typed, jean))).toBe('MANDATE_INVITATION_INVALID');
    expect(await store.invitation('not a code')).toBeUndefined();

    await pool.query(
      "UPDATE auth.mandate_invitations SET expires_at = now() - interval '1 second' WHERE mandate_id = $1",
      [mandate.id],
    );
    expect(await store.invitation(code)).toBeUndefined();
    expect(await codeOf(store.accept(code, jean))).toBe('MANDATE_INVITATION_INVALID');
    expect(await codeOf(store.decline(code, jean))).toBe('MANDATE_INVITATION_INVALID');
    expect((await store.find(mandate.id, yvonne.accountId))?.state).toBe('proposed');

    const again = await store.propose(proposal(yvonne, jean.pivot));
    await store.accept(again.code, jean);
    expect(await codeOf(store.accept(again.code, jean))).toBe('MANDATE_INVITATION_INVALID');
    expect(await codeOf(store.decline(again.code, jean))).toBe('MANDATE_INVITATION_INVALID');
    expect((await eventsOf(jean.accountId)).map((e) => e.kind)).toEqual(['broker.mandate_accepted']);
  });

  test('the mandator accepting their own invitation, and a mandate to oneself, are refused', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { code } = await store.propose(proposal(yvonne, jean.pivot));
    expect(await codeOf(store.accept(code, yvonne))).toBe('MANDATE_TO_ONESELF');
    expect(await codeOf(store.decline(code, yvonne))).toBe('MANDATE_TO_ONESELF');
    // Typed differently, still Yvonne herself (accents, case).
    const herself = { family_name: 'MARTIN', given_name: 'yvonne', birthdate: '1948-02-14' };
    expect(await codeOf(store.propose({ ...proposal(yvonne, jean.pivot), representative: herself }))).toBe(
      'MANDATE_TO_ONESELF',
    );
    expect(await mandateCount(yvonne.accountId)).toBe(1);
    // The invitation is still Jean's to answer.
    expect((await store.accept(code, jean)).state).toBe('active');
  });

  test('someone else than the person described cannot accept (MANDATE_REPRESENTATIVE_MISMATCH); the right one still can', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { code } = await store.propose(proposal(yvonne, jean.pivot));
    const lucas = person('lucas.bernard');
    expect(await codeOf(store.accept(code, lucas))).toBe('MANDATE_REPRESENTATIVE_MISMATCH');
    expect(await codeOf(store.decline(code, lucas))).toBe('MANDATE_REPRESENTATIVE_MISMATCH');
    // Same names, another birthdate: someone else.
    const namesake = { accountId: lucas.accountId, pivot: { ...jean.pivot, birthdate: '1972-11-04' } };
    expect(await codeOf(store.accept(code, namesake))).toBe('MANDATE_REPRESENTATIVE_MISMATCH');
    expect(await eventsOf(lucas.accountId)).toEqual([]);
    expect((await store.accept(code, jean)).representative?.accountId).toBe(jean.accountId);
  });

  test('only the two people of a mandate can see or end it; ending twice is refused', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const lucas = person('lucas.bernard');
    const { mandate, code } = await store.propose(proposal(yvonne, jean.pivot));
    await store.accept(code, jean);
    expect(await codeOf(store.end(mandate.id, lucas.accountId))).toBe('MANDATE_NOT_FOUND');
    expect(await codeOf(store.end('mdt_unknown', yvonne.accountId))).toBe('MANDATE_NOT_FOUND');
    expect(await store.find(mandate.id, lucas.accountId)).toBeUndefined();
    expect((await store.find(mandate.id, yvonne.accountId))?.state).toBe('active');
    await store.end(mandate.id, yvonne.accountId);
    expect(await codeOf(store.end(mandate.id, yvonne.accountId))).toBe('MANDATE_STATE_INVALID');
    expect(await codeOf(store.end(mandate.id, jean.accountId))).toBe('MANDATE_STATE_INVALID');
    expect((await eventsOf(jean.accountId)).filter((e) => e.kind === 'broker.mandate_ended')).toHaveLength(1);
  });

  test('domains that do not exist, and none at all, are refused: nothing stored', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    for (const domains of [[], ['health'], ['transport', 'TRANSPORT'], ['transport', '__proto__']])
      expect(await codeOf(store.propose(proposal(yvonne, jean.pivot, domains as Domain[])))).toBe(
        'MANDATE_DOMAINS_INVALID',
      );
    expect(await mandateCount(yvonne.accountId)).toBe(0);
  });

  test('a start in the past, an end before the start, more than 12 months, invalid dates: MANDATE_DATES_INVALID', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const start = today();
    const day = 86400_000;
    const periods: Array<[Date, Date]> = [
      [new Date(start.getTime() - day), new Date(start.getTime() + 30 * day)],
      [start, start],
      [start, new Date(start.getTime() - day)],
      [start, new Date(latestEnd(start).getTime() + 1)],
      [new Date('nope'), latestEnd(start)],
      [start, new Date('nope')],
    ];
    for (const [startsAt, endsAt] of periods)
      expect(await codeOf(store.propose({ ...proposal(yvonne, jean.pivot), startsAt, endsAt }))).toBe(
        'MANDATE_DATES_INVALID',
      );
    expect(await mandateCount(yvonne.accountId)).toBe(0);
    // Exactly 12 months, starting later: accepted.
    const later = new Date(start.getTime() + 10 * day);
    expect(
      (await store.propose({ ...proposal(yvonne, jean.pivot), startsAt: later, endsAt: latestEnd(later) })).mandate
        .state,
    ).toBe('proposed');
  });

  test('an invitation to a mandate already past its end cannot be accepted', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { mandate, code } = await store.propose(proposal(yvonne, jean.pivot));
    await pool.query(
      "UPDATE auth.mandates SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' WHERE id = $1",
      [mandate.id],
    );
    expect(await codeOf(store.accept(code, jean))).toBe('MANDATE_INVITATION_INVALID');
  });
});

describe('grants and expiry', () => {
  /** A grant the representative obtained under `mandateId` (the consent step links it in its transaction). */
  async function linkedGrant(mandateId: string): Promise<string> {
    const grantId = `grant-${randomBytes(8).toString('hex')}`;
    await inTransaction(pool, (client) => store.linkGrant(client, grantId, mandateId));
    return grantId;
  }

  async function revoked(grantIds: string[]) {
    const { rows } = await pool.query<{ grant_id: string; reason: string }>(
      'SELECT grant_id, reason FROM gateway.revoked_grants WHERE grant_id = ANY($1::text[]) ORDER BY grant_id',
      [grantIds],
    );
    return rows;
  }

  test('ending a mandate revokes every grant obtained under it (reason mandate_ended), and no other', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { mandate, code } = await store.propose(proposal(yvonne, jean.pivot));
    await store.accept(code, jean);
    const grants = [await linkedGrant(mandate.id), await linkedGrant(mandate.id)].sort();
    const other = await store.propose(proposal(yvonne, jean.pivot));
    await store.accept(other.code, jean);
    const untouched = await linkedGrant(other.mandate.id);

    await store.end(mandate.id, jean.accountId);
    expect(await revoked([...grants, untouched])).toEqual(
      grants.map((grant_id) => ({ grant_id, reason: 'mandate_ended' })),
    );
    const revocations = (await eventsOf(jean.accountId)).filter((e) => e.kind === 'broker.grant_revoked');
    expect(revocations.map((e) => e.data).sort((a, b) => String(a.grantId).localeCompare(String(b.grantId)))).toEqual(
      grants.map((grantId) => ({ grantId, reason: 'mandate_ended' })),
    );
  });

  test('the sweep expires active mandates past their end (events, grants revoked), once; listOf sweeps first', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { mandate, code } = await store.propose(proposal(yvonne, jean.pivot));
    await store.accept(code, jean);
    const grant = await linkedGrant(mandate.id);
    const alive = await store.propose(proposal(yvonne, jean.pivot));
    await store.accept(alive.code, jean);
    await pool.query(
      "UPDATE auth.mandates SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 second' WHERE id = $1",
      [mandate.id],
    );
    // Past its end it already reads expired, and cannot be used nor ended.
    expect((await store.find(mandate.id, yvonne.accountId))?.state).toBe('expired');
    expect((await store.activeFor(jean.accountId)).map((m) => m.id)).toEqual([alive.mandate.id]);
    expect(await codeOf(store.end(mandate.id, yvonne.accountId))).toBe('MANDATE_STATE_INVALID');

    expect(await store.expireDue(jean.accountId)).toBe(1);
    expect(await store.expireDue()).toBe(0);
    const { given } = await store.listOf(yvonne.accountId);
    expect(given.map((m) => [m.id, m.state])).toEqual(
      expect.arrayContaining([
        [mandate.id, 'expired'],
        [alive.mandate.id, 'active'],
      ]),
    );
    expect((await store.find(mandate.id, yvonne.accountId))?.endedBy).toBe('system');
    expect(await revoked([grant])).toEqual([{ grant_id: grant, reason: 'mandate_ended' }]);
    for (const [accountId, role] of [
      [yvonne.accountId, 'mandator'],
      [jean.accountId, 'representative'],
    ] as const)
      expect((await eventsOf(accountId)).filter((e) => e.kind === 'broker.mandate_expired')).toEqual([
        {
          kind: 'broker.mandate_expired',
          data: expect.objectContaining({ mandateId: mandate.id, role, by: 'system' }),
        },
      ]);
  });

  test('two acceptances of one code at once: exactly one wins', async () => {
    const yvonne = person('yvonne.martin');
    const jean = person('jean.martin');
    const { code } = await store.propose(proposal(yvonne, jean.pivot));
    const results = await Promise.allSettled([store.accept(code, jean), store.decline(code, jean)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await eventsOf(jean.accountId)).filter((e) => e.kind !== 'broker.mandate_proposed')).toHaveLength(1);
  });
});
