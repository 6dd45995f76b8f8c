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
  if (options.replace) {
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
}
