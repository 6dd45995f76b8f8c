import DataLoader from 'dataloader';
import type { RequestDatabase } from '../../lib/subgraph/request-database.ts';
import { ATTESTATION_VALIDITY_MONTHS } from './nomenclatures.ts';

/** A company's contribution account, with the attestation's end of validity. */
export interface AccountRow {
  siren: string;
  checked_on: string;
  up_to_date: boolean;
  valid_until: string | null;
  attestation_number: string | null;
  employees_band: string;
}

// One query for every company of the request (the primary key).
const ACCOUNTS = `SELECT siren, to_char(checked_on, 'YYYY-MM-DD') AS checked_on, up_to_date,
    CASE WHEN up_to_date THEN to_char(checked_on + interval '${ATTESTATION_VALIDITY_MONTHS} months', 'YYYY-MM-DD') END AS valid_until,
    attestation_number, employees_band
  FROM urssaf.contribution_account WHERE siren = ANY ($1::text[])`;

export interface UrssafLoaders {
  account: DataLoader<string, AccountRow | null>;
}

export function createLoaders(db: RequestDatabase): UrssafLoaders {
  return {
    account: new DataLoader(async (sirens) => {
      const rows = await db.query<AccountRow>('urssaf_accounts', ACCOUNTS, [sirens]);
      const bySiren = new Map(rows.map((row) => [row.siren, row]));
      return sirens.map((siren) => bySiren.get(siren) ?? null);
    }),
  };
}
