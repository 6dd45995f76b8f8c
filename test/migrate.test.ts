import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, MigrationError } from '../lib/db/migrate.ts';
import type { Pool } from '../lib/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../harness/database.ts';

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => { db = await createTestDatabase(); pool = db.pool(); });
afterAll(async () => { await db.drop(); });

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
    expect(rows).toEqual([{ version: 1, name: 'create' }, { version: 2, name: 'add_col' }]);
    await pool.query("INSERT INTO mig_a.thing VALUES (1, 'x')");
  });

  test('a failing migration leaves nothing behind', async () => {
    const dir = folder({ '001_ok.sql': 'CREATE TABLE ok (id int);', '002_bad.sql': 'CREATE TABLE broken (id nosuchtype);' });
    await expect(migrate(pool, 'mig_b', dir)).rejects.toThrow(/nosuchtype/);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'mig_b'");
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
});
