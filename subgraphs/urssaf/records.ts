import { parseSiren } from '../../lib/contracts/company-identifiers.ts';
import type { PoolClient } from '../../lib/db/database.ts';
import { bulkInsert } from '../../lib/subgraph/registry-writer.ts';
import { EMPLOYEES_BANDS } from './nomenclatures.ts';

/** What URSSAF holds, as loaded by seeds and imports: one contribution account per company. */
export interface UrssafRecords {
  accounts: ContributionAccountRecord[];
}

export interface ContributionAccountRecord {
  siren: string;
  /** The date of the last check, and of the attestation when one was issued. */
  checkedOn: string;
  /** The attestation's number when the company is up to date; absent when it is not (none is issued). */
  attestationNumber?: string;
  /** INSEE tranche d'effectif (./nomenclatures.ts). */
  employeesBand: string;
}

export class ContributionAccountError extends Error {
  override name = 'ContributionAccountError';
}

/**
 * Writes the accounts in one multi-row statement, after checking SIRENs and bands.
 * `replace`: the same companies' accounts are deleted first.
 */
export async function writeRecords(
  client: PoolClient,
  records: UrssafRecords,
  options: { replace?: boolean } = {},
): Promise<void> {
  for (const account of records.accounts) {
    try {
      parseSiren(account.siren);
    } catch (error) {
      throw new ContributionAccountError(`account ${account.siren}: ${(error as Error).message}`);
    }
    if (!Object.hasOwn(EMPLOYEES_BANDS, account.employeesBand))
      throw new ContributionAccountError(`account ${account.siren}: unknown employee band ${account.employeesBand}`);
  }
  if (options.replace)
    await client.query('DELETE FROM urssaf.contribution_account WHERE siren = ANY ($1::text[])', [
      records.accounts.map((a) => a.siren),
    ]);
  await bulkInsert(
    client,
    'urssaf.contribution_account',
    [
      { name: 'siren', type: 'text' },
      { name: 'checked_on', type: 'date' },
      { name: 'up_to_date', type: 'boolean' },
      { name: 'attestation_number', type: 'text' },
      { name: 'employees_band', type: 'text' },
    ],
    records.accounts.map((a) => [
      a.siren,
      a.checkedOn,
      a.attestationNumber !== undefined,
      a.attestationNumber ?? null,
      a.employeesBand,
    ]),
  );
}
