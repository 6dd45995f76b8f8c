import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';

// Return bigint/numeric columns as JS numbers where they fit: counts, amounts.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// DATE columns stay 'YYYY-MM-DD' strings: no time-zone shifts on birthdates.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Pool = pg.Pool;

/** How long a caller waits for a connection before the pool says the database is unavailable. */
export const CONNECTION_TIMEOUT_MS = 10_000;
export type PoolClient = pg.PoolClient;

export interface Database {
  url: string;
  /** Whether this process started an embedded PostgreSQL (PGlite). */
  embedded: boolean;
  /** A new pool on the database; closed by `close()` with the others. */
  pool(options?: { max?: number; applicationName?: string }): Pool;
  close(): Promise<void>;
}

/**
 * Opens the platform database: `databaseUrl` when given, otherwise an embedded
 * PostgreSQL persisted in `embeddedDataDir` (in memory when that is undefined too).
 */
export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  embeddedDataDir?: string | undefined;
}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(options.embeddedDataDir ? { dataDir: options.embeddedDataDir } : {});
    url = embedded.url;
  }
  const pools: Pool[] = [];
  const connectionString = url;
  return {
    url,
    embedded: Boolean(embedded),
    pool({ max = 10, applicationName = 'passerelle' } = {}) {
      const pool = new pg.Pool({
        connectionString,
        max,
        application_name: applicationName,
        // A server that hangs (frozen, network black hole) must not hold callers forever:
        // getting a connection (new, or a free slot of a full pool) fails after this, as
        // "unavailable" (auth/database-failure.ts), and TCP keep-alive finds dead sockets.
        connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
        keepAlive: true,
      });
      // An idle client losing its connection must not crash the process.
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async close() {
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      await embedded?.stop();
    },
  };
}

/** Runs `work` in a transaction on one client of `pool`; rolls back on error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // Checked out, the client has no listener of the pool's: a lost connection must reject the work, not end the process.
  let broken = false;
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken || undefined);
  }
}

/**
 * Whether `pool`'s server is an embedded PostgreSQL (PGlite) served by another process:
 * one session for every connection, where two connections' named statements collide.
 */
export async function servesOneSession(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ version: string }>('SELECT version()');
  return rows[0]!.version.includes('PGlite');
}
