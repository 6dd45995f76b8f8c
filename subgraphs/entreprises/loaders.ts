import DataLoader from 'dataloader';
import type { PersonId } from '../../lib/subgraph/citizen-matcher.ts';
import { groupByPerson } from '../../lib/subgraph/provider.ts';
import type { RequestDatabase } from '../../lib/subgraph/request-database.ts';
import type { LegalRepresentativeRole } from './nomenclatures.ts';

/**
 * One query per request and per kind of read, whatever the number of keys asked:
 * - a person's terms open today, each with its company and the company's establishments
 *   (terms through `legal_representative_person_idx`, establishments by a correlated
 *   subquery on `establishment_siren_idx`);
 * - a company by SIREN (the primary key), with its establishments: the `Company` the
 *   person acting for it reads (docs/companies.md), ceased or not;
 * - a company's legal representatives whose term is open today (the primary key's
 *   leading `siren`), with their names.
 * "Today" is the database's `current_date`, so every process of the provider agrees.
 */
export interface EstablishmentRow {
  siret: string;
  head_office: boolean;
  active: boolean;
  lines: string[];
  postal_code: string;
  city: string;
  city_code: string;
}

export interface CompanyRow {
  siren: string;
  legal_name: string;
  legal_form: string;
  naf_code: string;
  created_on: string;
  ceased_on: string | null;
  active: boolean;
  /** Head office first, then by SIRET. */
  establishments: EstablishmentRow[];
}

export interface RepresentationRow extends CompanyRow {
  person_id: number;
  role: LegalRepresentativeRole;
  since: string;
}

export interface RepresentativeRow {
  siren: string;
  family_name: string;
  given_names: string;
  role: LegalRepresentativeRole;
  since: string;
}

const COMPANY_COLUMNS = `c.siren, c.legal_name, c.legal_form, c.naf_code,
    to_char(c.created_on, 'YYYY-MM-DD') AS created_on, to_char(c.ceased_on, 'YYYY-MM-DD') AS ceased_on,
    (c.ceased_on IS NULL OR c.ceased_on > current_date) AS active,
    (SELECT json_agg(json_build_object(
        'siret', e.siret, 'head_office', e.head_office,
        'active', e.closed_on IS NULL OR e.closed_on > current_date,
        'lines', e.address_lines, 'postal_code', e.postal_code, 'city', e.city, 'city_code', e.city_code)
      ORDER BY e.head_office DESC, e.siret)
      FROM entreprises.establishment e WHERE e.siren = c.siren) AS establishments`;

const OPEN_TERM = `r.since <= current_date AND (r.until IS NULL OR r.until >= current_date)`;

const REPRESENTATIONS = `SELECT r.person_id, r.role, to_char(r.since, 'YYYY-MM-DD') AS since, ${COMPANY_COLUMNS}
  FROM entreprises.legal_representative r
  JOIN entreprises.company c ON c.siren = r.siren
  WHERE r.person_id = ANY ($1::bigint[]) AND ${OPEN_TERM}
  ORDER BY r.since, c.siren`;

const COMPANIES = `SELECT ${COMPANY_COLUMNS} FROM entreprises.company c WHERE c.siren = ANY ($1::text[])`;

const REPRESENTATIVES = `SELECT r.siren, p.family_name, p.given_names, r.role, to_char(r.since, 'YYYY-MM-DD') AS since
  FROM entreprises.legal_representative r
  JOIN entreprises.person p ON p.id = r.person_id
  WHERE r.siren = ANY ($1::text[]) AND ${OPEN_TERM}
  ORDER BY r.since, p.family_name, p.given_names`;

export interface EntreprisesLoaders {
  /** The person's open terms; [] when none. */
  representations: DataLoader<PersonId, RepresentationRow[]>;
  /** A company by SIREN; null when the register does not hold it. */
  company: DataLoader<string, CompanyRow | null>;
  /** A company's representatives with an open term; [] when none. */
  representatives: DataLoader<string, RepresentativeRow[]>;
}

export function createLoaders(db: RequestDatabase): EntreprisesLoaders {
  return {
    representations: new DataLoader(async (personIds) => {
      const rows = await db.query<RepresentationRow>('entreprises_representations', REPRESENTATIONS, [personIds]);
      return groupByPerson(personIds, rows);
    }),
    company: new DataLoader(async (sirens) => {
      const rows = await db.query<CompanyRow>('entreprises_companies', COMPANIES, [sirens]);
      const bySiren = new Map(rows.map((row) => [row.siren, row]));
      return sirens.map((siren) => bySiren.get(siren) ?? null);
    }),
    representatives: new DataLoader(async (sirens) => {
      const rows = await db.query<RepresentativeRow>('entreprises_representatives', REPRESENTATIVES, [sirens]);
      const bySiren = new Map<string, RepresentativeRow[]>();
      for (const row of rows) bySiren.set(row.siren, [...(bySiren.get(row.siren) ?? []), row]);
      return sirens.map((siren) => bySiren.get(siren) ?? []);
    }),
  };
}
