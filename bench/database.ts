import pg from 'pg';
import { openDatabase, type Database } from '../lib/db/database.ts';
import type { ProviderFolder } from '../lib/federation/provider-folders.ts';
import { seedSandbox, seedSynthetic, syntheticProgress } from '../sandbox/seed/seed.ts';

/**
 * The benchmark's database: a prepared one (`--database-url`), or its own
 * `passerelle_bench` database on the DATABASE_URL server, created when absent.
 * The registries are seeded up to `citizens` synthetic citizens each when they hold
 * fewer (resumable, done once: later runs find them ready).
 */
export const BENCH_DATABASE = 'passerelle_bench';

export async function openBenchDatabase(
  options: {
    databaseUrl?: string | undefined;
    serverUrl?: string | undefined;
  },
  name = BENCH_DATABASE,
): Promise<Database> {
  if (options.databaseUrl) return openDatabase({ databaseUrl: options.databaseUrl });
  if (!options.serverUrl) {
    throw new Error(
      'the benchmark needs a PostgreSQL server: set DATABASE_URL (it creates its own database there), or give --database-url of a prepared one',
    );
  }
  const admin = new pg.Client({ connectionString: options.serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(options.serverUrl);
  url.pathname = `/${name}`;
  return openDatabase({ databaseUrl: url.toString() });
}

export interface SeedReport {
  /** Synthetic citizens and households per provider after seeding. */
  registries: Array<{ provider: string; households: number; citizens: number }>;
  /** Seconds spent seeding in this run (0 when the registries were ready). */
  seconds: number;
}

export async function ensureRegistries(
  database: Database,
  providers: readonly ProviderFolder[],
  citizens: number,
  log: (line: string) => void,
): Promise<SeedReport> {
  const pool = database.pool({ max: providers.length + 1, applicationName: 'passerelle-bench-seed' });
  try {
    const before = await syntheticProgress(pool);
    const ready = providers.every((p) => (before.find((r) => r.provider === p.name)?.citizens ?? 0) >= citizens);
    if (ready) return { registries: before, seconds: 0 };
    log(
      `seeding the registries up to ${citizens.toLocaleString('en')} synthetic citizens each (once; later runs reuse them)…`,
    );
    const started = performance.now();
    await seedSandbox(pool, providers);
    let lastReport = 0;
    await seedSynthetic(pool, providers, {
      citizens,
      onProgress(progress) {
        if (progress.seconds - lastReport < 15) return;
        lastReport = progress.seconds;
        log(
          `  ${progress.provider}: ${progress.citizens.toLocaleString('en')} citizens (${progress.seconds.toFixed(0)} s)`,
        );
      },
    });
    const seconds = (performance.now() - started) / 1000;
    log(`seeding took ${seconds.toFixed(0)} s`);
    return { registries: await syntheticProgress(pool), seconds };
  } finally {
    await pool.end();
  }
}
