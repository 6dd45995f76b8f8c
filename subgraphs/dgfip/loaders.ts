import DataLoader from 'dataloader';
import type { PersonId } from '../../lib/subgraph/citizen-matcher.ts';
import { groupByPerson } from '../../lib/subgraph/provider.ts';
import type { RequestDatabase } from '../../lib/subgraph/request-database.ts';

/** The latest tax household a person declares in, with its address. */
export interface HouseholdRow {
  person_id: number;
  income_year: number;
  reference_tax_income: number;
  shares: number;
  family_situation: string;
  address_lines: string[];
  postal_code: string;
  city: string;
  city_code: string;
}

// One query for every person of the request (indexes: household_declarant_person_idx, tax_household pkey).
const HOUSEHOLDS = `SELECT DISTINCT ON (d.person_id) d.person_id, h.income_year, h.reference_tax_income, h.shares,
    h.family_situation, h.address_lines, h.postal_code, h.city, h.city_code
  FROM dgfip.household_declarant d
  JOIN dgfip.tax_household h ON h.id = d.household_id
  WHERE d.person_id = ANY ($1::bigint[])
  ORDER BY d.person_id, h.income_year DESC`;

/** A company's tax compliance (attestation de régularité fiscale), by SIREN. */
export interface TaxComplianceRow {
  siren: string;
  as_of: string;
  up_to_date: boolean;
  shortfalls: Array<{ tax: string; kind: string; period: string }>;
}

// One query for every company of the request (the primary key).
const TAX_COMPLIANCE = `SELECT siren, to_char(as_of, 'YYYY-MM-DD') AS as_of, up_to_date, shortfalls
  FROM dgfip.company_tax_compliance WHERE siren = ANY ($1::text[])`;

export interface DgfipLoaders {
  household: DataLoader<PersonId, HouseholdRow | null>;
  taxCompliance: DataLoader<string, TaxComplianceRow | null>;
}

export function createLoaders(db: RequestDatabase): DgfipLoaders {
  return {
    household: new DataLoader(async (personIds) => {
      const rows = await db.query<HouseholdRow>('dgfip_households', HOUSEHOLDS, [personIds]);
      return groupByPerson(personIds, rows).map((group) => group[0] ?? null);
    }),
    taxCompliance: new DataLoader(async (sirens) => {
      const rows = await db.query<TaxComplianceRow>('dgfip_tax_compliance', TAX_COMPLIANCE, [sirens]);
      const bySiren = new Map(rows.map((row) => [row.siren, row]));
      return sirens.map((siren) => bySiren.get(siren) ?? null);
    }),
  };
}
