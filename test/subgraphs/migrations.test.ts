import { inTransaction, type Pool } from '../../lib/db/database.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { loadProviderModule } from '../../lib/subgraph/provider.ts';
import { migrateRegistry } from '../../lib/subgraph/registry-schema.ts';
import { loadRegistrySeed } from '../../sandbox/seed/registry-seed.ts';
import { seedSandbox } from '../../sandbox/seed/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { providerFoldersOf } from '../helpers/providers.ts';

/**
 * The runtime owns the `person` table every registry shares (lib/subgraph/migrations/);
 * the first three providers' 001 migrations used to create it themselves. A database
 * migrated by that code (the migrations as they were: ./fixtures/migrations-before-runtime-person/)
 * must migrate cleanly with today's, keep its data, and end in the same schema as a
 * fresh one.
 */
const BEFORE = ['dgfip', 'ants', 'cnaf'];
const before = (name: string) => new URL(`./fixtures/migrations-before-runtime-person/${name}/`, import.meta.url);

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool({ max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/** Tables, columns, constraints and indexes of a schema, with the schema's name taken out. */
async function structure(schema: string): Promise<string[]> {
  const strip = (text: string) => text.replaceAll(`${schema}.`, '');
  const columns = await pool.query(
    `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default, is_identity
    FROM information_schema.columns WHERE table_schema = $1 AND table_name NOT LIKE '%migrations' ORDER BY table_name, ordinal_position`,
    [schema],
  );
  const constraints = await pool.query(
    `SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = $1 AND c.conrelid::regclass::text NOT LIKE '%migrations' ORDER BY 1, 2`,
    [schema],
  );
  const indexes = await pool.query(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename NOT LIKE '%migrations' ORDER BY 1`,
    [schema],
  );
  return [...columns.rows, ...constraints.rows, ...indexes.rows].map((row) => strip(JSON.stringify(row)));
}

test.each(BEFORE)(
  '%s: a schema migrated before the runtime owned person migrates cleanly, to the same schema as a fresh one',
  async (name) => {
    const provider = await loadProviderModule(providerFoldersOf([name])[0]!);
    const legacy = `before_${name}`;
    const fresh = `fresh_${name}`;
    await migrate(pool, legacy, before(name));
    const legacyStructure = await structure(legacy);

    await migrateRegistry(pool, legacy, provider);
    await migrateRegistry(pool, fresh, provider);
    await migrateRegistry(pool, legacy, provider);
    // What the old code created is untouched; the provider's later migrations (dgfip's 002) only add.
    const migrated = await structure(legacy);
    expect(migrated).toEqual(expect.arrayContaining(legacyStructure));
    expect(await structure(fresh)).toEqual(migrated);
    expect(legacyStructure.some((line) => line.includes('person_identity_key_idx'))).toBe(true);

    // The provider's history keeps the checksum the old code recorded; the runtime's has its own.
    const history = await pool.query(`SELECT version, name FROM ${legacy}.schema_migrations ORDER BY version`);
    expect(history.rows[0]).toEqual({ version: 1, name: 'registry' });
    const runtime = await pool.query(`SELECT version, name FROM ${legacy}.runtime_migrations`);
    expect(runtime.rows).toEqual([{ version: 1, name: 'person' }]);
  },
);

test('registries loaded by the old code keep their data and are seeded again by the new one', async () => {
  const folders = providerFoldersOf(BEFORE);
  const count = async (table: string) =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  for (const folder of folders) {
    // What `passerelle start` did before: the provider's own migrations, then the sandbox records.
    await migrate(pool, folder.name, before(folder.name));
    const provider = await loadProviderModule(folder);
    const seed = (await loadRegistrySeed(folder))!;
    // The old code's records: no companies (dgfip's company_tax_compliance came later).
    const { companies: _companies, ...records } = seed.sandboxRecords(new Date()) as Record<string, unknown>;
    await inTransaction(pool, (client) => provider.writeRecords(client, records, { replace: true }));
  }
  const people: Record<string, number> = Object.fromEntries(
    await Promise.all(BEFORE.map(async (name) => [name, await count(`${name}.person`)])),
  );
  expect(Object.values(people).every((n) => n > 0)).toBe(true);

  expect(await seedSandbox(pool, folders)).toEqual(BEFORE);
  expect(
    Object.fromEntries(await Promise.all(BEFORE.map(async (name) => [name, await count(`${name}.person`)]))),
  ).toEqual(people);
});
