import { parseSiren } from '../../lib/contracts/company-identifiers.ts';
import type { PoolClient } from '../../lib/db/database.ts';
import {
  bulkInsert,
  deletePersons,
  insertPersons,
  personIdOf,
  reserveIds,
  type RegistryPerson,
} from '../../lib/subgraph/registry-writer.ts';

/** What the DGFiP registry holds, as loaded by seeds and imports. */
export interface DgfipRecords {
  /** Taxpayers; `ref` is the numéro fiscal (13 digits). */
  persons: RegistryPerson[];
  households: TaxHouseholdRecord[];
  /** The tax compliance of companies, by SIREN (docs/companies.md). */
  companies?: CompanyTaxComplianceRecord[];
}

export type CompanyTax = 'TVA' | 'IS' | 'CFE' | 'IR_PRO';
export type ShortfallKind = 'RETURN_NOT_FILED' | 'PAYMENT_OVERDUE';

export interface CompanyTaxComplianceRecord {
  siren: string;
  asOf: string;
  /** The obligations not met as of `asOf`; [] when the company is up to date. */
  shortfalls: Array<{ tax: CompanyTax; kind: ShortfallKind; period: string }>;
}

export type FamilySituation = 'SINGLE' | 'MARRIED' | 'CIVIL_PARTNERSHIP' | 'DIVORCED' | 'WIDOWED';

export interface TaxHouseholdRecord {
  noticeReference: string;
  incomeYear: number;
  referenceTaxIncome: number;
  shares: number;
  familySituation: FamilySituation;
  address: { lines: string[]; postalCode: string; city: string; cityCode: string };
  /** `ref` of the first declarant and, for a joint return, of the second. */
  declarants: [string] | [string, string];
}

/**
 * Writes the records in a few multi-row statements. `replace`: the same taxpayers and
 * notices are deleted first, so writing the same records again changes nothing.
 */
export async function writeRecords(
  client: PoolClient,
  records: DgfipRecords,
  options: { replace?: boolean } = {},
): Promise<void> {
  const companies = records.companies ?? [];
  for (const c of companies) parseSiren(c.siren);
  if (options.replace) {
    if (companies.length)
      await client.query('DELETE FROM dgfip.company_tax_compliance WHERE siren = ANY ($1::text[])', [
        companies.map((c) => c.siren),
      ]);
    await deletePersons(
      client,
      'dgfip',
      records.persons.map((p) => p.ref),
    );
    await client.query('DELETE FROM dgfip.tax_household WHERE notice_reference = ANY ($1::text[])', [
      records.households.map((h) => h.noticeReference),
    ]);
  }
  const personIds = await insertPersons(client, 'dgfip', records.persons);
  const householdIds = await reserveIds(client, 'dgfip.tax_household', records.households.length);
  await bulkInsert(
    client,
    'dgfip.tax_household',
    [
      { name: 'id', type: 'bigint' },
      { name: 'notice_reference', type: 'text' },
      { name: 'income_year', type: 'smallint' },
      { name: 'reference_tax_income', type: 'integer' },
      { name: 'shares', type: 'numeric' },
      { name: 'family_situation', type: 'text' },
      { name: 'address_lines', type: 'text[]' },
      { name: 'postal_code', type: 'text' },
      { name: 'city', type: 'text' },
      { name: 'city_code', type: 'text' },
    ],
    records.households.map((h, i) => [
      householdIds[i],
      h.noticeReference,
      h.incomeYear,
      h.referenceTaxIncome,
      h.shares,
      h.familySituation,
      h.address.lines,
      h.address.postalCode,
      h.address.city,
      h.address.cityCode,
    ]),
  );
  await bulkInsert(
    client,
    'dgfip.household_declarant',
    [
      { name: 'household_id', type: 'bigint' },
      { name: 'person_id', type: 'bigint' },
      { name: 'rank', type: 'smallint' },
    ],
    records.households.flatMap((h, i) =>
      h.declarants.map((ref, rank) => [householdIds[i], personIdOf(personIds, ref), rank + 1]),
    ),
  );
  await bulkInsert(
    client,
    'dgfip.company_tax_compliance',
    [
      { name: 'siren', type: 'text' },
      { name: 'as_of', type: 'date' },
      { name: 'up_to_date', type: 'boolean' },
      { name: 'shortfalls', type: 'jsonb' },
    ],
    companies.map((c) => [c.siren, c.asOf, c.shortfalls.length === 0, JSON.stringify(c.shortfalls)]),
  );
}
