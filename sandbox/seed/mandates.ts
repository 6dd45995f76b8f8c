import { appendEvents } from '../../lib/audit/index.ts';
import type { Domain } from '../../lib/contracts/domains.ts';
import { inTransaction, type Pool } from '../../lib/db/database.ts';
import { toAuditEvent, type BrokerEventKind } from '../../auth/events.ts';
import { accountIdFor } from '../../auth/pairwise.ts';
import { latestEnd } from '../../auth/mandates/rules.ts';
import { SANDBOX_IDENTITIES as who } from './identities.ts';

/**
 * The sandbox's mandates (docs/sandbox.md "Mandates"): Yvonne Martin lets her son Jean act
 * for her for transport and housing, for one year from the first seed; Camille Petit has
 * invited Marie Dupont, who has not answered yet (its code is unknown to anyone: the
 * invitation only shows in the dashboards). Written once, with the events a real mandate
 * leaves, by the broker at start-up on a sandbox configuration; later starts leave them
 * as they are (ended or expired included: a mandate does not come back by itself).
 */
interface SeededMandate {
  id: string;
  mandator: string;
  representative: string;
  domains: Domain[];
  active: boolean;
}

const SEEDED: readonly SeededMandate[] = [
  {
    id: 'mdt_sandbox_yvonne_jean',
    mandator: 'yvonne.martin',
    representative: 'jean.martin',
    domains: ['transport', 'housing'],
    active: true,
  },
  {
    id: 'mdt_sandbox_camille_marie',
    mandator: 'camille.petit',
    representative: 'marie.dupont',
    domains: ['housing'],
    active: false,
  },
];

export async function seedSandboxMandates(pool: Pool, pairwiseSecret: string, today = new Date()): Promise<string[]> {
  const seeded: string[] = [];
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  for (const mandate of SEEDED) {
    const mandator = who[mandate.mandator]!;
    const representative = who[mandate.representative]!;
    const mandatorId = accountIdFor(mandator, pairwiseSecret);
    const representativeId = accountIdFor(representative, pairwiseSecret);
    const written = await inTransaction(pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO auth.mandates (id, mandator_account_id, mandator_pivot, representative_expected,
           representative_account_id, representative_pivot, domains, starts_at, ends_at, state, accepted_at)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6::jsonb, $7::text[], $8, $9, $10, $11)
         ON CONFLICT (id) DO NOTHING`,
        [
          mandate.id,
          mandatorId,
          JSON.stringify(mandator),
          JSON.stringify({
            family_name: representative.family_name,
            given_name: representative.given_name.split(' ')[0],
            birthdate: representative.birthdate,
          }),
          mandate.active ? representativeId : null,
          mandate.active ? JSON.stringify(representative) : null,
          mandate.domains,
          start,
          latestEnd(start),
          mandate.active ? 'active' : 'proposed',
          mandate.active ? start : null,
        ],
      );
      if (!rowCount) return false;
      const details = {
        mandateId: mandate.id,
        domains: mandate.domains,
        startsAt: start.toISOString(),
        endsAt: latestEnd(start).toISOString(),
      };
      const event = (kind: BrokerEventKind, accountId: string, role: string) =>
        toAuditEvent({ kind, accountId, details: { ...details, role } });
      await appendEvents(client, [
        event('broker.mandate_proposed', mandatorId, 'mandator'),
        ...(mandate.active
          ? [
              event('broker.mandate_accepted', mandatorId, 'mandator'),
              event('broker.mandate_accepted', representativeId, 'representative'),
            ]
          : []),
      ]);
      return true;
    });
    if (written) seeded.push(mandate.id);
  }
  return seeded;
}
