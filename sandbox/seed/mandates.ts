import { appendEvents } from '../../lib/audit/index.ts';
import type { Domain } from '../../lib/contracts/domains.ts';
import { inTransaction, type Pool } from '../../lib/db/database.ts';
import { toAuditEvent, type BrokerEventKind } from '../../auth/events.ts';
import { accountIdFor } from '../../auth/pairwise.ts';
import { latestEnd } from '../../auth/mandates/rules.ts';
import type { MandateCompany } from '../../auth/mandates/store.ts';
import { registrySeed as companyRegister } from '../../subgraphs/entreprises/seed.ts';
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
  /** A company mandate: the company's name in the sandbox register (the mandator is its legal representative). */
  company?: string;
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
  // Marie's bakery lets Anne-Sophie (its accountant) answer calls for tenders for it.
  {
    id: 'mdt_sandbox_boulangerie_anne_sophie',
    mandator: 'marie.dupont',
    representative: 'anne-sophie.lefevre-roy',
    domains: ['business'],
    active: true,
    company: 'BOULANGERIE DUPONT',
  },
];

/** A sandbox company as a company mandate records it (its establishments in activity, head office first). */
function sandboxCompany(legalName: string): MandateCompany {
  const company = companyRegister.sandboxRecords(new Date()).companies.find((c) => c.legalName === legalName);
  if (!company) throw new Error(`no sandbox company ${legalName}`);
  return {
    siren: company.siren,
    legalName,
    establishments: company.establishments
      .filter((e) => !e.closedOn)
      .map((e) => ({
        siret: e.siret,
        headOffice: e.headOffice,
        active: true,
        address: [...e.address.lines, `${e.address.postalCode} ${e.address.city}`].join(', '),
      })),
  };
}

export async function seedSandboxMandates(pool: Pool, pairwiseSecret: string, today = new Date()): Promise<string[]> {
  const seeded: string[] = [];
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  for (const mandate of SEEDED) {
    const mandator = who[mandate.mandator]!;
    const representative = who[mandate.representative]!;
    const mandatorId = accountIdFor(mandator, pairwiseSecret);
    const representativeId = accountIdFor(representative, pairwiseSecret);
    const company = mandate.company ? sandboxCompany(mandate.company) : undefined;
    const written = await inTransaction(pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO auth.mandates (id, mandator_account_id, mandator_pivot, representative_expected,
           representative_account_id, representative_pivot, domains, starts_at, ends_at, state, accepted_at, company)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6::jsonb, $7::text[], $8, $9, $10, $11, $12::jsonb)
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
          company ? JSON.stringify(company) : null,
        ],
      );
      if (!rowCount) return false;
      const details = {
        mandateId: mandate.id,
        domains: mandate.domains,
        startsAt: start.toISOString(),
        endsAt: latestEnd(start).toISOString(),
        ...(company ? { company: { siren: company.siren, name: company.legalName } } : {}),
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
