import type { PoolClient } from '../db/database.ts';
import { registryMatchKeys, type RegistryIdentity } from '../pivot/normalize.ts';

/**
 * Loading records into a registry, fast enough for millions of rows: each call is one
 * multi-row `INSERT ... SELECT FROM unnest($1::type[], $2::type[], ...)` (one round
 * trip, one statement, whatever the number of rows). Shared by every provider's
 * `writeRecords`; the person table and its match keys are common to all registries.
 */
export interface Column {
  name: string;
  /** PostgreSQL type of one value, e.g. `text`, `bigint`, `date`, `text[]`. */
  type: string;
}

/** unnest() flattens multi-dimensional arrays, so array values travel as joined text. */
const ARRAY_SEPARATOR = '\u001f';

export async function bulkInsert(
  client: PoolClient,
  table: string,
  columns: Column[],
  rows: unknown[][],
): Promise<void> {
  if (!rows.length) return;
  const params = columns.map((column, i) => {
    const values = rows.map((row) => row[i] ?? null);
    return column.type.endsWith('[]')
      ? values.map((v) => (v === null ? null : (v as unknown[]).join(ARRAY_SEPARATOR)))
      : values;
  });
  const inputs = columns.map((c, i) => `$${i + 1}::${c.type.endsWith('[]') ? 'text' : c.type}[]`).join(', ');
  const names = columns.map((c) => c.name);
  const selected = columns.map((c) =>
    c.type.endsWith('[]') ? `string_to_array(${c.name}, E'\\x1f')::${c.type}` : c.name,
  );
  await client.query(
    `INSERT INTO ${table} (${names.join(', ')}) SELECT ${selected.join(', ')} FROM unnest(${inputs}) AS input(${names.join(', ')})`,
    params,
  );
}

/** Takes `count` ids from the sequence of `table.id`, so that rows can be linked before they are inserted. */
export async function reserveIds(client: PoolClient, table: string, count: number): Promise<number[]> {
  if (!count) return [];
  const { rows } = await client.query<{ ids: number[] }>(
    `SELECT array_agg(nextval(pg_get_serial_sequence($1, 'id'))::bigint) AS ids FROM generate_series(1, $2)`,
    [table, count],
  );
  return rows[0]!.ids.map(Number);
}

/** A person as a registry records them: its own reference and the civil identity. */
export interface RegistryPerson extends RegistryIdentity {
  /** The registry's identifier of the person (DGFiP: numéro fiscal; ANTS, CNAF: person number). */
  ref: string;
}

const PERSON_COLUMNS: Column[] = [
  { name: 'id', type: 'bigint' },
  { name: 'ref', type: 'text' },
  { name: 'given_names', type: 'text' },
  { name: 'family_name', type: 'text' },
  { name: 'birthdate', type: 'text' },
  { name: 'gender', type: 'text' },
  { name: 'birth_country', type: 'text' },
  { name: 'birth_place', type: 'text' },
  { name: 'identity_key', type: 'text' },
  { name: 'given_name_keys', type: 'text[]' },
];

/** Inserts people into `<schema>.person` with their match keys; returns ref → id. */
export async function insertPersons(
  client: PoolClient,
  schema: string,
  persons: RegistryPerson[],
): Promise<Map<string, number>> {
  const ids = await reserveIds(client, `${schema}.person`, persons.length);
  const rows = persons.map((p, i) => {
    const keys = registryMatchKeys(p);
    return [
      ids[i],
      p.ref,
      p.givenNames,
      p.familyName,
      p.birthdate,
      keys.gender,
      p.birthCountry,
      p.birthPlace ?? null,
      keys.identityKey,
      keys.givenNameKeys,
    ];
  });
  await bulkInsert(client, `${schema}.person`, PERSON_COLUMNS, rows);
  return new Map(persons.map((p, i) => [p.ref, ids[i]!]));
}

/** Removes people (and, by cascade, their links) before records are written again. */
export async function deletePersons(client: PoolClient, schema: string, refs: string[]): Promise<void> {
  if (refs.length) await client.query(`DELETE FROM ${schema}.person WHERE ref = ANY($1::text[])`, [refs]);
}

/** The id of each referenced person, failing loudly on a dangling reference. */
export function personIdOf(ids: ReadonlyMap<string, number>, ref: string): number {
  const id = ids.get(ref);
  if (id === undefined) throw new Error(`record refers to person ${ref}, who is not in the records`);
  return id;
}
