import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import { serveEmbedded } from './embedded-server.ts';

/**
 * An embedded PostgreSQL (PGlite) served on a loopback port, so that the same `pg`
 * code and migrations run with or without a PostgreSQL server.
 * `dataDir` undefined = in memory (tests); otherwise persisted in that folder.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  try {
    const db = await PGlite.create(options.dataDir ?? 'memory://');
    // PGlite is a single session: the server multiplexes clients request by request,
    // keeping each client's transaction whole (embedded-server.ts).
    const server = await serveEmbedded(db, { host: '127.0.0.1', port: options.port ?? 0 });
    return {
      url: `postgres://postgres@127.0.0.1:${server.port}/postgres?sslmode=disable`,
      async stop() {
        await server.close();
        await db.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
