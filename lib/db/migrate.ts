import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inTransaction, type Pool } from './database.ts';

/**
 * Each component owns one PostgreSQL schema and a folder of migrations named
 * `NNN_description.sql`. Pending ones are applied in order in one transaction (all
 * or nothing), each recorded in `<schema>.schema_migrations` with a checksum. Re-running is a no-op;
 * an edited migration that was already applied stops start-up (write a new one).
 * An advisory lock per schema lets several processes start at once.
 *
 * Two folders may migrate one schema, each with its own history table (`history`):
 * a data provider's schema holds the runtime's tables (lib/subgraph/migrations/) and
 * the provider's own.
 *
 * A migration whose text had to change after databases applied it (a table moved to
 * another folder's migrations) names the checksum of each earlier text in a line
 * `-- replaces checksum <sha256>`: a database that applied that text is accepted as
 * being in the state the new text describes — which a test must show.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  /** Checksums of earlier texts of this migration that leave a database in the same state. */
  replaces: string[];
}

const REPLACES = /^-- replaces checksum ([0-9a-f]{64})\s*$/gm;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

function readMigrations(dir: string | URL): Migration[] {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((file) => {
    const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
    if (!match) throw new MigrationError(`migration file "${file}" in ${path} must be named NNN_description.sql`);
    const sql = readFileSync(join(path, file), 'utf8');
    const replaces = [...sql.matchAll(REPLACES)].map((m) => m[1]!);
    return {
      version: Number(match[1]),
      name: match[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      replaces,
    };
  });
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1]!.version)
      throw new MigrationError(`two migrations in ${path} have version ${m.version}`);
  });
  return migrations;
}

export async function migrate(
  pool: Pool,
  schema: string,
  dir: string | URL,
  options: { history?: string } = {},
): Promise<{ applied: string[] }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new MigrationError(`invalid schema name "${schema}"`);
  const table = options.history ?? 'schema_migrations';
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new MigrationError(`invalid history table name "${table}"`);
  const history = `${schema}.${table}`;
  const migrations = readMigrations(dir);
  const applied: string[] = [];
  await inTransaction(pool, async (client) => {
    // A transaction-level lock: concurrent starters wait, then find nothing to do.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`passerelle.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${history} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      `SELECT version, name, checksum FROM ${history} ORDER BY version`,
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of migrations) {
      const previous = done.get(m.version);
      if (previous) {
        if (previous.checksum !== m.checksum && !m.replaces.includes(previous.checksum)) {
          throw new MigrationError(
            `migration ${schema}/${m.version}_${m.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await client.query(`SET LOCAL search_path TO ${schema}, public`);
      await client.query(m.sql);
      await client.query(`INSERT INTO ${history} (version, name, checksum) VALUES ($1, $2, $3)`, [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(`${m.version}_${m.name}`);
    }
    const known = new Set(migrations.map((m) => m.version));
    const unknown = rows.filter((r) => !known.has(r.version));
    if (unknown.length) {
      throw new MigrationError(
        `database schema ${schema} has migrations this code does not know (${unknown.map((r) => `${r.version}_${r.name}`).join(', ')}): is an older version running?`,
      );
    }
  });
  return { applied };
}
