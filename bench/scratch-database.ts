import pg from 'pg';
import { openDatabase, type Database } from '../lib/db/database.ts';

/** A database of the bench's own on the bench's PostgreSQL server (dropped first if a run left it). */
export async function createScratchDatabase(serverUrl: string, name: string): Promise<Database> {
  await dropScratchDatabase(serverUrl, name);
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return openDatabase({ databaseUrl: url.toString() });
}

export function dropScratchDatabase(serverUrl: string, name: string): Promise<void> {
  return admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
