import type { PoolClient } from '../../lib/db/database.ts';
import { parseSiren, parseSiret } from '../../lib/contracts/company-identifiers.ts';
import {
  bulkInsert,
  deletePersons,
  insertPersons,
  personIdOf,
  type RegistryPerson,
} from '../../lib/subgraph/registry-writer.ts';
import { LEGAL_FORMS, NAF_ACTIVITIES, type LegalRepresentativeRole } from './nomenclatures.ts';

/** What the company register holds, as loaded by seeds and imports. */
export interface EntreprisesRecords {
  /** Legal representatives; `ref` is the register's number for the person (PP + 10 digits). */
  persons: RegistryPerson[];
  companies: CompanyRecord[];
}

export interface CompanyRecord {
  siren: string;
  legalName: string;
  /** INSEE legal category, 4 digits (./nomenclatures.ts). */
  legalForm: string;
  /** NAF rév. 2 code, e.g. `10.71C`. */
  nafCode: string;
  createdOn: string;
  ceasedOn?: string;
  /** The head office first. */
  establishments: Array<{
    siret: string;
    headOffice: boolean;
    closedOn?: string;
    address: { lines: string[]; postalCode: string; city: string; cityCode: string };
  }>;
  representatives: Array<{ ref: string; role: LegalRepresentativeRole; since: string; until?: string }>;
}

/** A record the register would not hold: a bad identifier, an unknown code, no or two head offices. */
export class CompanyRecordError extends Error {
  override name = 'CompanyRecordError';
}

function checkCompany(company: CompanyRecord): void {
  const where = `company ${company.siren} (${company.legalName})`;
  try {
    parseSiren(company.siren);
    for (const e of company.establishments) parseSiret(e.siret);
  } catch (error) {
    throw new CompanyRecordError(`${where}: ${(error as Error).message}`);
  }
  const foreign = company.establishments.find((e) => !e.siret.startsWith(company.siren));
  if (foreign) throw new CompanyRecordError(`${where}: establishment ${foreign.siret} belongs to another SIREN`);
  if (company.establishments.filter((e) => e.headOffice).length !== 1)
    throw new CompanyRecordError(`${where}: exactly one establishment must be the head office`);
  if (!Object.hasOwn(LEGAL_FORMS, company.legalForm))
    throw new CompanyRecordError(`${where}: unknown legal category ${company.legalForm}`);
  if (!Object.hasOwn(NAF_ACTIVITIES, company.nafCode))
    throw new CompanyRecordError(`${where}: unknown NAF code ${company.nafCode}`);
}

/**
 * Writes the records in a few multi-row statements, after checking every SIREN and SIRET.
 * `replace`: the same people and companies are deleted first, so writing the same records
 * again changes nothing.
 */
export async function writeRecords(
  client: PoolClient,
  records: EntreprisesRecords,
  options: { replace?: boolean } = {},
): Promise<void> {
  const { companies } = records;
  for (const company of companies) checkCompany(company);
  if (options.replace) {
    await deletePersons(
      client,
      'entreprises',
      records.persons.map((p) => p.ref),
    );
    await client.query('DELETE FROM entreprises.company WHERE siren = ANY($1::text[])', [
      companies.map((c) => c.siren),
    ]);
  }
  const personIds = await insertPersons(client, 'entreprises', records.persons);
  await bulkInsert(
    client,
    'entreprises.company',
    [
      { name: 'siren', type: 'text' },
      { name: 'legal_name', type: 'text' },
      { name: 'legal_form', type: 'text' },
      { name: 'naf_code', type: 'text' },
      { name: 'created_on', type: 'date' },
      { name: 'ceased_on', type: 'date' },
    ],
    companies.map((c) => [c.siren, c.legalName, c.legalForm, c.nafCode, c.createdOn, c.ceasedOn ?? null]),
  );
  await bulkInsert(
    client,
    'entreprises.establishment',
    [
      { name: 'siret', type: 'text' },
      { name: 'siren', type: 'text' },
      { name: 'head_office', type: 'boolean' },
      { name: 'closed_on', type: 'date' },
      { name: 'address_lines', type: 'text[]' },
      { name: 'postal_code', type: 'text' },
      { name: 'city', type: 'text' },
      { name: 'city_code', type: 'text' },
    ],
    companies.flatMap((c) =>
      c.establishments.map((e) => [
        e.siret,
        c.siren,
        e.headOffice,
        e.closedOn ?? null,
        e.address.lines,
        e.address.postalCode,
        e.address.city,
        e.address.cityCode,
      ]),
    ),
  );
  await bulkInsert(
    client,
    'entreprises.legal_representative',
    [
      { name: 'siren', type: 'text' },
      { name: 'person_id', type: 'bigint' },
      { name: 'role', type: 'text' },
      { name: 'since', type: 'date' },
      { name: 'until', type: 'date' },
    ],
    companies.flatMap((c) =>
      c.representatives.map((r) => [c.siren, personIdOf(personIds, r.ref), r.role, r.since, r.until ?? null]),
    ),
  );
}
