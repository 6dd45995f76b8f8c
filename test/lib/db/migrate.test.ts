import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, MigrationError } from '../../../lib/db/migrate.ts';
import type { Pool } from '../../../lib/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
});
afterAll(async () => {
  await db.drop();
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migrations', () => {
  test('apply in order, are recorded, and are a no-op the second time', async () => {
    const dir = folder({
      '002_add_col.sql': 'ALTER TABLE thing ADD COLUMN label text;',
      '001_create.sql': 'CREATE TABLE thing (id int PRIMARY KEY);',
    });
    expect(await migrate(pool, 'mig_a', dir)).toEqual({ applied: ['1_create', '2_add_col'] });
    expect(await migrate(pool, 'mig_a', dir)).toEqual({ applied: [] });
    const { rows } = await pool.query('SELECT version, name FROM mig_a.schema_migrations ORDER BY version');
    expect(rows).toEqual([
      { version: 1, name: 'create' },
      { version: 2, name: 'add_col' },
    ]);
    await pool.query("INSERT INTO mig_a.thing VALUES (1, 'x')");
  });

  test('a failing migration leaves nothing behind', async () => {
    const dir = folder({
      '001_ok.sql': 'CREATE TABLE ok (id int);',
      '002_bad.sql': 'CREATE TABLE broken (id nosuchtype);',
    });
    await expect(migrate(pool, 'mig_b', dir)).rejects.toThrow(/nosuchtype/);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'mig_b'",
    );
    expect(rows[0].n).toBe(0);
  });

  test('an applied migration that was edited stops start-up', async () => {
    const dir = folder({ '001_create.sql': 'CREATE TABLE t (id int);' });
    await migrate(pool, 'mig_c', dir);
    writeFileSync(join(dir, '001_create.sql'), 'CREATE TABLE t (id bigint);');
    await expect(migrate(pool, 'mig_c', dir)).rejects.toThrow(MigrationError);
  });

  test('concurrent runs apply each migration once', async () => {
    const dir = folder({ '001_create.sql': 'CREATE TABLE t (id int);', '002_seed.sql': 'INSERT INTO t VALUES (1);' });
    const results = await Promise.all([1, 2, 3].map(() => migrate(pool, 'mig_d', dir)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(['1_create', '2_seed']);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM mig_d.t');
    expect(rows[0].n).toBe(1);
  });

  test('badly named files are refused', async () => {
    await expect(migrate(pool, 'mig_e', folder({ 'create.sql': 'select 1' }))).rejects.toThrow(/NNN_description/);
  });

  test('an edited migration naming the checksum of the text that was applied is accepted, and not run again', async () => {
    const first = 'CREATE TABLE t (id int); CREATE TABLE u (id int);';
    const dir = folder({ '001_create.sql': first });
    await migrate(pool, 'mig_f', dir);
    const sha = createHash('sha256').update(first).digest('hex');
    writeFileSync(
      join(dir, '001_create.sql'),
      `-- u moved to another folder's migrations\n-- replaces checksum ${sha}\nCREATE TABLE t (id int);`,
    );
    expect(await migrate(pool, 'mig_f', dir)).toEqual({ applied: [] });
    writeFileSync(join(dir, '001_create.sql'), `-- replaces checksum ${'0'.repeat(64)}\nCREATE TABLE t (id int);`);
    await expect(migrate(pool, 'mig_f', dir)).rejects.toThrow(/mig_f\/1_create was changed after it was applied/);
  });

  test('two folders migrate one schema, each with its own history', async () => {
    const shared = folder({ '001_shared.sql': 'CREATE TABLE shared (id int PRIMARY KEY);' });
    const own = folder({ '001_own.sql': 'CREATE TABLE own (shared_id int REFERENCES shared (id));' });
    expect(await migrate(pool, 'mig_g', shared, { history: 'shared_migrations' })).toEqual({ applied: ['1_shared'] });
    expect(await migrate(pool, 'mig_g', own)).toEqual({ applied: ['1_own'] });
    expect(await migrate(pool, 'mig_g', shared, { history: 'shared_migrations' })).toEqual({ applied: [] });
    expect((await pool.query('SELECT name FROM mig_g.shared_migrations')).rows).toEqual([{ name: 'shared' }]);
    expect((await pool.query('SELECT name FROM mig_g.schema_migrations')).rows).toEqual([{ name: 'own' }]);
    await expect(migrate(pool, 'mig_g', shared, { history: 'bad-name' })).rejects.toThrow(/invalid history table name/);
  });
});
