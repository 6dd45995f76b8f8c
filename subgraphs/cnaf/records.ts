import type { PoolClient } from '../../lib/db/database.ts';
import {
  bulkInsert,
  deletePersons,
  insertPersons,
  personIdOf,
  reserveIds,
  type RegistryPerson,
} from '../../lib/subgraph/registry-writer.ts';

/** What the CNAF registry holds, as loaded by seeds and imports. */
export interface CnafRecords {
  /** Members of beneficiary files; `ref` is the fund's person number. */
  persons: RegistryPerson[];
  dossiers: DossierRecord[];
}

export type BenefitKind =
  'RSA' | 'PRIME_ACTIVITE' | 'AAH' | 'ALLOCATIONS_FAMILIALES' | 'COMPLEMENT_FAMILIAL' | 'APL' | 'PAJE';

export interface DossierRecord {
  regime: 'CAF' | 'MSA';
  /** Département number of the fund, e.g. `30` for the CAF du Gard. */
  fund: string;
  /** Numéro allocataire, 7 digits. */
  fileNumber: string;
  /** The beneficiary first; a partner may follow. */
  members: Array<{ ref: string; role: 'ALLOCATAIRE' | 'CONJOINT' }>;
  /** Family quotient per month (`YYYY-MM`). */
  quotients: Array<{ month: string; value: number }>;
  benefits: Array<{ kind: BenefitKind; monthlyAmount: number; since: string; until?: string }>;
  children: Array<{ givenNames: string; birthdate: string; dependent: boolean }>;
}

/**
 * Writes the records in a few multi-row statements. `replace`: the same people and
 * files are deleted first, so writing the same records again changes nothing.
 */
export async function writeRecords(
  client: PoolClient,
  records: CnafRecords,
  options: { replace?: boolean } = {},
): Promise<void> {
  const { dossiers } = records;
  if (options.replace) {
    await deletePersons(
      client,
      'cnaf',
      records.persons.map((p) => p.ref),
    );
    await client.query(
      `DELETE FROM cnaf.dossier d USING unnest($1::text[], $2::text[], $3::text[]) AS k(regime, fund, file_number)
      WHERE d.regime = k.regime AND d.fund = k.fund AND d.file_number = k.file_number`,
      [dossiers.map((d) => d.regime), dossiers.map((d) => d.fund), dossiers.map((d) => d.fileNumber)],
    );
  }
  const personIds = await insertPersons(client, 'cnaf', records.persons);
  const ids = await reserveIds(client, 'cnaf.dossier', dossiers.length);
  await bulkInsert(
    client,
    'cnaf.dossier',
    [
      { name: 'id', type: 'bigint' },
      { name: 'regime', type: 'text' },
      { name: 'fund', type: 'text' },
      { name: 'file_number', type: 'text' },
    ],
    dossiers.map((d, i) => [ids[i], d.regime, d.fund, d.fileNumber]),
  );
  await bulkInsert(
    client,
    'cnaf.dossier_member',
    [
      { name: 'dossier_id', type: 'bigint' },
      { name: 'person_id', type: 'bigint' },
      { name: 'role', type: 'text' },
    ],
    dossiers.flatMap((d, i) => d.members.map((m) => [ids[i], personIdOf(personIds, m.ref), m.role])),
  );
  await bulkInsert(
    client,
    'cnaf.family_quotient',
    [
      { name: 'dossier_id', type: 'bigint' },
      { name: 'month', type: 'date' },
      { name: 'value', type: 'integer' },
    ],
    dossiers.flatMap((d, i) => d.quotients.map((q) => [ids[i], `${q.month}-01`, q.value])),
  );
  await bulkInsert(
    client,
    'cnaf.benefit',
    [
      { name: 'dossier_id', type: 'bigint' },
      { name: 'kind', type: 'text' },
      { name: 'monthly_amount', type: 'numeric' },
      { name: 'since', type: 'date' },
      { name: 'until', type: 'date' },
    ],
    dossiers.flatMap((d, i) => d.benefits.map((b) => [ids[i], b.kind, b.monthlyAmount, b.since, b.until ?? null])),
  );
  await bulkInsert(
    client,
    'cnaf.child',
    [
      { name: 'dossier_id', type: 'bigint' },
      { name: 'given_names', type: 'text' },
      { name: 'birthdate', type: 'date' },
      { name: 'dependent', type: 'boolean' },
    ],
    dossiers.flatMap((d, i) => d.children.map((c) => [ids[i], c.givenNames, c.birthdate, c.dependent])),
  );
}
