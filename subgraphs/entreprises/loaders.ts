import DataLoader from 'dataloader';
import type { PersonId } from '../../lib/subgraph/citizen-matcher.ts';
import { groupByPerson } from '../../lib/subgraph/provider.ts';
import type { RequestDatabase } from '../../lib/subgraph/request-database.ts';
import type { LegalRepresentativeRole } from './nomenclatures.ts';

/**
 * One query per request for every person asked: their terms open today, each with its
 * company and the company's establishments (a correlated subquery on
 * `establishment_siren_idx`; terms through `legal_representative_person_idx`). "Today" is
 * the database's `current_date`, so every process of the provider agrees.
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

export interface RepresentationRow {
  person_id: number;
  role: LegalRepresentativeRole;
  since: string;
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

const REPRESENTATIONS = `SELECT r.person_id, r.role, to_char(r.since, 'YYYY-MM-DD') AS since,
    c.siren, c.legal_name, c.legal_form, c.naf_code,
    to_char(c.created_on, 'YYYY-MM-DD') AS created_on, to_char(c.ceased_on, 'YYYY-MM-DD') AS ceased_on,
    (c.ceased_on IS NULL OR c.ceased_on > current_date) AS active,
    (SELECT json_agg(json_build_object(
        'siret', e.siret, 'head_office', e.head_office,
        'active', e.closed_on IS NULL OR e.closed_on > current_date,
        'lines', e.address_lines, 'postal_code', e.postal_code, 'city', e.city, 'city_code', e.city_code)
      ORDER BY e.head_office DESC, e.siret)
      FROM entreprises.establishment e WHERE e.siren = c.siren) AS establishments
  FROM entreprises.legal_representative r
  JOIN entreprises.company c ON c.siren = r.siren
  WHERE r.person_id = ANY ($1::bigint[]) AND r.since <= current_date AND (r.until IS NULL OR r.until >= current_date)
  ORDER BY r.since, c.siren`;

export interface EntreprisesLoaders {
  /** The person's open terms; [] when none. */
  representations: DataLoader<PersonId, RepresentationRow[]>;
}

export function createLoaders(db: RequestDatabase): EntreprisesLoaders {
  return {
    representations: new DataLoader(async (personIds) => {
      const rows = await db.query<RepresentationRow>('entreprises_representations', REPRESENTATIONS, [personIds]);
      return groupByPerson(personIds, rows);
    }),
  };
}
