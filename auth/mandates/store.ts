import { randomBytes } from 'node:crypto';
import { appendEvents, type AuditEvent } from '../../lib/audit/index.ts';
import type { Domain } from '../../lib/contracts/domains.ts';
import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import type { CompanyEstablishment } from '../companies/registry.ts';
import { inTransaction, type Pool, type PoolClient } from '../../lib/db/database.ts';
import { toAuditEvent, type BrokerEventKind } from '../events.ts';
import { revokeGrantIn } from '../grants.ts';
import { storedHash } from '../stored-hash.ts';
import { mandateErrors } from './errors.ts';
import { canonicalInvitationCode, INVITATION_DAYS, newInvitationCode } from './invitation-code.ts';
import { checkPeriod, isExpectedPerson, parseDomains, type ExpectedRepresentative } from './rules.ts';

/**
 * Mandates (docs/mandates.md, auth/migrations/005_mandates.sql): their life cycle —
 * proposed by the mandator with a one-time invitation, accepted or declined by the
 * representative, ended by either, expired at their end — each step with its audit events
 * in the same transaction, in BOTH people's histories (one event per person, `role` says
 * which side they are on). Events carry the mandate id, domains and dates: never the code,
 * never a name (the dashboard reads the names from the mandate).
 */
export type MandateState = 'proposed' | 'active' | 'declined' | 'revoked' | 'expired';
export type MandateSide = 'mandator' | 'representative';

export interface MandatePerson {
  accountId: string;
  pivot: PivotIdentity;
}

/** The company a company mandate is given for (docs/companies.md "Company mandates"). */
export interface MandateCompany {
  siren: string;
  legalName: string;
  /** As the register gave them when the mandate was created. */
  establishments: CompanyEstablishment[];
}

export interface Mandate {
  id: string;
  mandator: MandatePerson;
  /** For a company mandate: the company; `mandator` is then the legal representative who gave it. */
  company: MandateCompany | undefined;
  /** What the mandator typed about the person invited. */
  expected: ExpectedRepresentative;
  /** Set once accepted. */
  representative: MandatePerson | undefined;
  domains: Domain[];
  startsAt: Date;
  endsAt: Date;
  /** `active` past `endsAt` reads `expired` even before the sweep writes it. */
  state: MandateState;
  createdAt: Date;
  acceptedAt: Date | undefined;
  endedAt: Date | undefined;
  endedBy: MandateSide | 'system' | undefined;
}

export interface Proposal {
  mandator: MandatePerson;
  /** For a company mandate, checked by the caller against the mandator's legal representations. */
  company?: MandateCompany | undefined;
  representative: ExpectedRepresentative;
  domains: Domain[];
  startsAt: Date;
  endsAt: Date;
}

export interface MandateStore {
  /** A proposed mandate and its invitation code (shown once, only its hash is kept). */
  propose(proposal: Proposal): Promise<{ mandate: Mandate; code: string; codeExpiresAt: Date }>;
  /** The proposed mandate a still-valid code invites to, if any (the page that asks to accept it). */
  invitation(code: string): Promise<Mandate | undefined>;
  /** The representative's acceptance: the code is spent, the mandate active. */
  accept(code: string, representative: MandatePerson): Promise<Mandate>;
  /** The representative's refusal: the code is spent, the mandate declined. */
  decline(code: string, representative: MandatePerson): Promise<Mandate>;
  /** Ends a mandate `accountId` is part of (proposed or active); revokes every grant obtained under it. */
  end(mandateId: string, accountId: string): Promise<Mandate>;
  /** Every mandate `accountId` gave or received, newest first (expired ones swept first). */
  listOf(accountId: string): Promise<{ given: Mandate[]; received: Mandate[] }>;
  /** One mandate `accountId` is part of, or undefined. */
  find(mandateId: string, accountId: string): Promise<Mandate | undefined>;
  /** The mandates `representativeId` can act under right now (started, not ended), oldest first. */
  activeFor(representativeId: string): Promise<Mandate[]>;
  /** Records, in the caller's transaction, that `grantId` was obtained under `mandateId`. */
  linkGrant(client: PoolClient, grantId: string, mandateId: string): Promise<void>;
  /** The mandate `grantId` was obtained under, whatever its state now; undefined for a grant of one's own. */
  forGrant(grantId: string): Promise<Mandate | undefined>;
  /** Writes `expired` (events, grants revoked) on active mandates past their end; returns how many. */
  expireDue(accountId?: string): Promise<number>;
}

/**
 * An invitation still usable: unused, not past its 7 days, its mandate still proposed and
 * not already over (a mandate may end before its invitation does).
 */
const LIVE_INVITATION = `i.used_at IS NULL AND i.expires_at > now() AND m.state = 'proposed' AND m.ends_at > now()`;

const COLUMNS = `id, mandator_account_id, mandator_pivot, representative_expected, representative_account_id,
  representative_pivot, domains, starts_at, ends_at, state, created_at, accepted_at, ended_at, ended_by, company`;

export function createMandateStore(pool: Pool): MandateStore {
  /** The proposed mandate of a live, unused code, locked with its invitation for the rest of the transaction. */
  const lockInvitation = async (client: PoolClient, code: string): Promise<Mandate> => {
    const canonical = canonicalInvitationCode(code);
    if (!canonical) throw mandateErrors.error('MANDATE_INVITATION_INVALID');
    const { rows } = await client.query<MandateRow>(
      `SELECT ${prefixed('m')} FROM auth.mandate_invitations i JOIN auth.mandates m ON m.id = i.mandate_id
       WHERE i.code_hash = $1 AND ${LIVE_INVITATION} FOR UPDATE OF i, m`,
      [storedHash(canonical)],
    );
    if (!rows[0]) throw mandateErrors.error('MANDATE_INVITATION_INVALID');
    return toMandate(rows[0]);
  };

  /** Spends the code and writes the representative's answer, with both people's events. */
  const answer = (code: string, representative: MandatePerson, accepted: boolean) =>
    inTransaction(pool, async (client) => {
      const mandate = await lockInvitation(client, code);
      if (mandate.mandator.accountId === representative.accountId) throw mandateErrors.error('MANDATE_TO_ONESELF');
      if (!isExpectedPerson(representative.pivot, mandate.expected))
        throw mandateErrors.error('MANDATE_REPRESENTATIVE_MISMATCH');
      await client.query('UPDATE auth.mandate_invitations SET used_at = now() WHERE mandate_id = $1', [mandate.id]);
      const { rows } = await client.query<MandateRow>(
        `UPDATE auth.mandates SET representative_account_id = $2, representative_pivot = $3::jsonb, state = $4,
           accepted_at = CASE WHEN $4 = 'active' THEN now() END,
           ended_at = CASE WHEN $4 = 'declined' THEN now() END,
           ended_by = CASE WHEN $4 = 'declined' THEN 'representative' END
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [mandate.id, representative.accountId, JSON.stringify(representative.pivot), accepted ? 'active' : 'declined'],
      );
      const updated = toMandate(rows[0]!);
      await appendEvents(client, bothSides(accepted ? 'broker.mandate_accepted' : 'broker.mandate_declined', updated));
      return updated;
    });

  /** Ends `mandate` (locked by the caller) as `state`, revoking its grants, in one transaction. */
  const close = async (
    client: PoolClient,
    mandate: Mandate,
    state: 'revoked' | 'expired',
    by: MandateSide | 'system',
  ): Promise<Mandate> => {
    await client.query(
      'UPDATE auth.mandate_invitations SET used_at = now() WHERE mandate_id = $1 AND used_at IS NULL',
      [mandate.id],
    );
    const { rows } = await client.query<MandateRow>(
      `UPDATE auth.mandates SET state = $2, ended_at = now(), ended_by = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
      [mandate.id, state, by],
    );
    const ended = toMandate(rows[0]!);
    const events = bothSides(state === 'expired' ? 'broker.mandate_expired' : 'broker.mandate_ended', ended, { by });
    const grants = await client.query<{ grant_id: string }>(
      'SELECT grant_id FROM auth.mandate_grants WHERE mandate_id = $1',
      [mandate.id],
    );
    for (const { grant_id } of grants.rows) {
      const revoked = await revokeGrantIn(client, grant_id, 'mandate_ended', {
        accountId: mandate.representative?.accountId,
      });
      if (revoked) events.push(revoked);
    }
    await appendEvents(client, events);
    return ended;
  };

  const expireDue = async (accountId?: string): Promise<number> => {
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM auth.mandates WHERE state = 'active' AND ends_at <= now()
         AND ($1::text IS NULL OR mandator_account_id = $1 OR representative_account_id = $1)`,
      [accountId ?? null],
    );
    let expired = 0;
    for (const { id } of rows) {
      const done = await inTransaction(pool, async (client) => {
        const locked = await client.query<MandateRow>(
          `SELECT ${COLUMNS} FROM auth.mandates WHERE id = $1 AND state = 'active' AND ends_at <= now() FOR UPDATE`,
          [id],
        );
        if (!locked.rows[0]) return false;
        await close(client, toMandate(locked.rows[0]), 'expired', 'system');
        return true;
      });
      if (done) expired++;
    }
    return expired;
  };

  return {
    async propose(proposal) {
      const domains = parseDomains(proposal.domains);
      checkPeriod(proposal.startsAt, proposal.endsAt);
      if (isExpectedPerson(proposal.mandator.pivot, proposal.representative))
        throw mandateErrors.error('MANDATE_TO_ONESELF');
      const code = newInvitationCode();
      const id = `mdt_${randomBytes(12).toString('base64url')}`;
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<MandateRow>(
          `INSERT INTO auth.mandates (id, mandator_account_id, mandator_pivot, representative_expected, domains, starts_at, ends_at, company)
           VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::text[], $6, $7, $8::jsonb) RETURNING ${COLUMNS}`,
          [
            id,
            proposal.mandator.accountId,
            JSON.stringify(proposal.mandator.pivot),
            JSON.stringify(proposal.representative),
            domains,
            proposal.startsAt,
            proposal.endsAt,
            proposal.company ? JSON.stringify(proposal.company) : null,
          ],
        );
        const invitation = await client.query<{ expires_at: Date }>(
          `INSERT INTO auth.mandate_invitations (code_hash, mandate_id, expires_at)
           VALUES ($1, $2, now() + make_interval(days => $3)) RETURNING expires_at`,
          [storedHash(code), id, INVITATION_DAYS],
        );
        const mandate = toMandate(rows[0]!);
        await appendEvents(client, bothSides('broker.mandate_proposed', mandate));
        return { mandate, code, codeExpiresAt: invitation.rows[0]!.expires_at };
      });
    },

    async invitation(code) {
      const canonical = canonicalInvitationCode(code);
      if (!canonical) return undefined;
      const { rows } = await pool.query<MandateRow>(
        `SELECT ${prefixed('m')} FROM auth.mandate_invitations i JOIN auth.mandates m ON m.id = i.mandate_id
         WHERE i.code_hash = $1 AND ${LIVE_INVITATION}`,
        [storedHash(canonical)],
      );
      return rows[0] ? toMandate(rows[0]) : undefined;
    },

    accept: (code, representative) => answer(code, representative, true),
    decline: (code, representative) => answer(code, representative, false),

    end(mandateId, accountId) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<MandateRow>(
          `SELECT ${COLUMNS} FROM auth.mandates WHERE id = $1
             AND (mandator_account_id = $2 OR representative_account_id = $2) FOR UPDATE`,
          [mandateId, accountId],
        );
        if (!rows[0]) throw mandateErrors.error('MANDATE_NOT_FOUND');
        const mandate = toMandate(rows[0]);
        if (mandate.state !== 'proposed' && mandate.state !== 'active')
          throw mandateErrors.error('MANDATE_STATE_INVALID');
        // An active mandate past its end reads `expired` (toMandate): already over, like a revoked one.
        const side: MandateSide = mandate.mandator.accountId === accountId ? 'mandator' : 'representative';
        return close(client, mandate, 'revoked', side);
      });
    },

    async listOf(accountId) {
      await expireDue(accountId);
      const { rows } = await pool.query<MandateRow>(
        `SELECT ${COLUMNS} FROM auth.mandates WHERE mandator_account_id = $1 OR representative_account_id = $1
         ORDER BY created_at DESC, id`,
        [accountId],
      );
      const mandates = rows.map(toMandate);
      return {
        given: mandates.filter((m) => m.mandator.accountId === accountId),
        received: mandates.filter((m) => m.representative?.accountId === accountId),
      };
    },

    async find(mandateId, accountId) {
      const { rows } = await pool.query<MandateRow>(
        `SELECT ${COLUMNS} FROM auth.mandates WHERE id = $1 AND (mandator_account_id = $2 OR representative_account_id = $2)`,
        [mandateId, accountId],
      );
      return rows[0] ? toMandate(rows[0]) : undefined;
    },

    async activeFor(representativeId) {
      const { rows } = await pool.query<MandateRow>(
        `SELECT ${COLUMNS} FROM auth.mandates WHERE representative_account_id = $1 AND state = 'active'
           AND starts_at <= now() AND ends_at > now() ORDER BY accepted_at, id`,
        [representativeId],
      );
      return rows.map(toMandate);
    },

    async linkGrant(client, grantId, mandateId) {
      await client.query(
        'INSERT INTO auth.mandate_grants (grant_id, mandate_id) VALUES ($1, $2) ON CONFLICT (grant_id) DO NOTHING',
        [grantId, mandateId],
      );
    },

    async forGrant(grantId) {
      const { rows } = await pool.query<MandateRow>(
        `SELECT ${prefixed('m')} FROM auth.mandate_grants g JOIN auth.mandates m ON m.id = g.mandate_id
         WHERE g.grant_id = $1`,
        [grantId],
      );
      return rows[0] ? toMandate(rows[0]) : undefined;
    },

    expireDue,
  };
}

/** One event per person of the mandate (the representative only once known), each in their history. */
function bothSides(kind: BrokerEventKind, mandate: Mandate, extra: Record<string, string> = {}): AuditEvent[] {
  const details = {
    mandateId: mandate.id,
    domains: mandate.domains,
    startsAt: mandate.startsAt.toISOString(),
    endsAt: mandate.endsAt.toISOString(),
    // A company mandate is filed under the company too (SIREN and name: public register data).
    ...(mandate.company ? { company: { siren: mandate.company.siren, name: mandate.company.legalName } } : {}),
    ...extra,
  };
  const sides: Array<[MandateSide, string | undefined]> = [
    ['mandator', mandate.mandator.accountId],
    ['representative', mandate.representative?.accountId],
  ];
  return sides
    .filter((side): side is [MandateSide, string] => side[1] !== undefined)
    .map(([role, accountId]) => toAuditEvent({ kind, accountId, details: { ...details, role } }));
}

interface MandateRow {
  id: string;
  mandator_account_id: string;
  mandator_pivot: PivotIdentity;
  representative_expected: ExpectedRepresentative;
  representative_account_id: string | null;
  representative_pivot: PivotIdentity | null;
  domains: Domain[];
  starts_at: Date;
  ends_at: Date;
  state: MandateState;
  created_at: Date;
  accepted_at: Date | null;
  ended_at: Date | null;
  ended_by: MandateSide | 'system' | null;
  company: MandateCompany | null;
}

function prefixed(alias: string): string {
  return COLUMNS.split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

function toMandate(row: MandateRow): Mandate {
  const expiredNow = row.state === 'active' && row.ends_at <= new Date();
  return {
    id: row.id,
    mandator: { accountId: row.mandator_account_id, pivot: row.mandator_pivot },
    company: row.company ?? undefined,
    expected: row.representative_expected,
    representative:
      row.representative_account_id && row.representative_pivot
        ? { accountId: row.representative_account_id, pivot: row.representative_pivot }
        : undefined,
    domains: row.domains,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    state: expiredNow ? 'expired' : row.state,
    createdAt: row.created_at,
    acceptedAt: row.accepted_at ?? undefined,
    endedAt: row.ended_at ?? undefined,
    endedBy: row.ended_by ?? undefined,
  };
}
