import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../lib/db/database.ts';

/**
 * A database of the test's own: with DATABASE_URL (CI, developers with a server),
 * a fresh `passerelle_test_*` database on that server, dropped at the end;
 * without it, a fresh in-memory embedded PostgreSQL. Runs never see each other's data.
 */
export interface TestDatabase extends Database {
  /** Drops the database (server) or stops the embedded one. */
  drop(): Promise<void>;
}

/**
 * A database that is the caller's whole to throw away (the embedded one, or the one database of a
 * cluster the test owns: harness/postgres-cluster.ts): dropping it is closing it.
 */
export async function openDisposableDatabase(options: { databaseUrl?: string } = {}): Promise<TestDatabase> {
  const db = await openDatabase(options);
  return { ...db, drop: () => db.close() };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openDisposableDatabase();
  const name = `passerelle_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString() });
  return {
    ...db,
    async drop() {
      await db.close();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
