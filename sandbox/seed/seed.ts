import { inTransaction, type Pool, type PoolClient } from '../../lib/db/database.ts';
import { migrate } from '../../lib/db/migrate.ts';
import type { ProviderFolder } from '../../lib/federation/provider-folders.ts';
import { loadProviderModule } from '../../lib/subgraph/provider.ts';
import { migrateRegistry } from '../../lib/subgraph/registry-schema.ts';
import { MAX_SYNTHETIC_COMPANIES, syntheticCompanies, type SyntheticCompany } from './companies.ts';
import { syntheticHousehold, type SyntheticHousehold } from './households.ts';
import { loadRegistrySeed } from './registry-seed.ts';

/**
 * Loading the sandbox registries, each from the `seed.ts` of its provider's folder
 * (./registry-seed.ts), for the providers' folders given (`providerFolders(config)`):
 * - `seedSandbox`: the sandbox citizens (./identities.ts), written again on every call
 *   (replacing the same records), so it is idempotent and cheap (`passerelle start`
 *   runs it on a sandbox configuration);
 * - `seedSynthetic`: synthetic households up to N citizens per registry, in batches of
 *   multi-row inserts, each batch committed with its progress (resumable; running it
 *   again with the same N does nothing; a larger N adds the missing households);
 * - `seedSyntheticCompanies`: synthetic companies 0 .. N-1 (./companies.ts) into every
 *   registry that knows companies, the same way (batches committed with their progress,
 *   `company_progress`).
 */
export const SEED_SCHEMA = 'sandbox_seed';
const SEED_MIGRATIONS = new URL('./migrations/', import.meta.url);

export async function seedSandbox(
  pool: Pool,
  providers: readonly ProviderFolder[],
  today: Date = new Date(),
): Promise<string[]> {
  const seeded: string[] = [];
  for (const folder of providers) {
    const { name } = folder;
    const seed = await loadRegistrySeed(folder);
    if (!seed) continue;
    const provider = await loadProviderModule(folder);
    await migrateRegistry(pool, name, provider);
    await inTransaction(pool, async (client) => {
      await lockProvider(client, name);
      await provider.writeRecords(client, seed.sandboxRecords(today), { replace: true });
    });
    seeded.push(name);
  }
  return seeded;
}

export interface SyntheticOptions {
  /** Adults (citizens) each registry's synthetic population should hold. */
  citizens: number;
  /** Households per transaction. */
  batchHouseholds?: number;
  today?: Date;
  /** Load the providers side by side (one generates while another's batch is in PostgreSQL). */
  parallel?: boolean;
  onProgress?(progress: SyntheticProgress): void;
}

export interface SyntheticProgress {
  provider: string;
  households: number;
  citizens: number;
  seconds: number;
}

export async function seedSynthetic(
  pool: Pool,
  providers: readonly ProviderFolder[],
  options: SyntheticOptions,
): Promise<SyntheticProgress[]> {
  await migrate(pool, SEED_SCHEMA, SEED_MIGRATIONS);
  const results: Array<SyntheticProgress | undefined> = [];
  if (options.parallel)
    results.push(...(await Promise.all(providers.map((folder) => seedProvider(pool, folder, options)))));
  else for (const folder of providers) results.push(await seedProvider(pool, folder, options));
  return results.filter((r): r is SyntheticProgress => r !== undefined);
}

export interface SyntheticCompanyOptions {
  /** Companies each registry that knows companies should hold. */
  companies: number;
  /** Companies per transaction. */
  batchCompanies?: number;
  today?: Date;
  parallel?: boolean;
  onProgress?(progress: SyntheticCompanyProgress): void;
}

export interface SyntheticCompanyProgress {
  provider: string;
  companies: number;
  seconds: number;
}

export async function seedSyntheticCompanies(
  pool: Pool,
  providers: readonly ProviderFolder[],
  options: SyntheticCompanyOptions,
): Promise<SyntheticCompanyProgress[]> {
  if (options.companies > MAX_SYNTHETIC_COMPANIES - 1)
    throw new Error(`at most ${MAX_SYNTHETIC_COMPANIES - 1} synthetic companies`);
  await migrate(pool, SEED_SCHEMA, SEED_MIGRATIONS);
  const batches = sharedBatches();
  const run = (folder: ProviderFolder) => seedProviderCompanies(pool, folder, options, batches);
  const results = options.parallel
    ? await Promise.all(providers.map(run))
    : await providers.reduce<Promise<Array<SyntheticCompanyProgress | undefined>>>(
        async (done, folder) => [...(await done), await run(folder)],
        Promise.resolve([]),
      );
  return results.filter((r): r is SyntheticCompanyProgress => r !== undefined);
}

/**
 * Company k costs tens of microseconds to draw (its founder's household): registries
 * loading side by side take each batch from here, drawn once for all of them.
 */
function sharedBatches(): (from: number, count: number) => SyntheticCompany[] {
  const recent = new Map<string, SyntheticCompany[]>();
  return (from, count) => {
    const key = `${from}+${count}`;
    let batch = recent.get(key);
    if (!batch) {
      batch = syntheticCompanies(from, count);
      recent.set(key, batch);
      // A few batches are enough for registries that started together; drop the oldest.
      if (recent.size > 4) recent.delete(recent.keys().next().value!);
    }
    return batch;
  };
}

async function seedProviderCompanies(
  pool: Pool,
  folder: ProviderFolder,
  options: SyntheticCompanyOptions,
  batchOf: (from: number, count: number) => SyntheticCompany[],
): Promise<SyntheticCompanyProgress | undefined> {
  const { name } = folder;
  const seed = await loadRegistrySeed(folder);
  const companyRecords = seed?.syntheticCompanyRecords;
  if (!companyRecords) return undefined;
  const provider = await loadProviderModule(folder);
  await migrateRegistry(pool, name, provider);
  const started = performance.now();
  const batchSize = options.batchCompanies ?? 10_000;
  const today = options.today ?? new Date();
  for (;;) {
    const progress = await inTransaction(pool, async (client) => {
      await lockProvider(client, name);
      const done = await readCompanyProgress(client, name);
      if (done >= options.companies) return undefined;
      const count = Math.min(batchSize, options.companies - done);
      await provider.writeRecords(client, companyRecords(batchOf(done, count), today));
      await client.query(
        `INSERT INTO ${SEED_SCHEMA}.company_progress (provider, companies) VALUES ($1, $2)
        ON CONFLICT (provider) DO UPDATE SET companies = EXCLUDED.companies, updated_at = now()`,
        [name, done + count],
      );
      return done + count;
    });
    if (progress === undefined) break;
    options.onProgress?.({ provider: name, companies: progress, seconds: (performance.now() - started) / 1000 });
  }
  const companies = await readCompanyProgress(pool, name);
  await analyze(pool, name);
  return { provider: name, companies, seconds: (performance.now() - started) / 1000 };
}

async function readCompanyProgress(client: Pool | PoolClient, provider: string): Promise<number> {
  const { rows } = await client.query<{ companies: number }>(
    `SELECT companies FROM ${SEED_SCHEMA}.company_progress WHERE provider = $1`,
    [provider],
  );
  return rows[0]?.companies ?? 0;
}

async function seedProvider(
  pool: Pool,
  folder: ProviderFolder,
  options: SyntheticOptions,
): Promise<SyntheticProgress | undefined> {
  const { name } = folder;
  const seed = await loadRegistrySeed(folder);
  const syntheticRecords = seed?.syntheticRecords;
  if (!syntheticRecords) return undefined;
  const provider = await loadProviderModule(folder);
  await migrateRegistry(pool, name, provider);
  const started = performance.now();
  const batchSize = options.batchHouseholds ?? 4_000;
  const today = options.today ?? new Date();
  for (;;) {
    const progress = await inTransaction(pool, async (client) => {
      await lockProvider(client, name);
      const done = await readProgress(client, name);
      if (done.citizens >= options.citizens) return undefined;
      const batch = householdsFrom(done, batchSize, options.citizens);
      await provider.writeRecords(client, syntheticRecords(batch.households, today));
      const households = batch.households.at(-1)!.index + 1;
      await client.query(
        `INSERT INTO ${SEED_SCHEMA}.synthetic_progress (provider, households, citizens) VALUES ($1, $2, $3)
        ON CONFLICT (provider) DO UPDATE SET households = EXCLUDED.households, citizens = EXCLUDED.citizens, updated_at = now()`,
        [name, households, batch.citizens],
      );
      return { households, citizens: batch.citizens };
    });
    if (!progress) break;
    options.onProgress?.({ provider: name, ...progress, seconds: (performance.now() - started) / 1000 });
  }
  const final = await readProgress(pool, name);
  await analyze(pool, name);
  return { provider: name, ...final, seconds: (performance.now() - started) / 1000 };
}

/** The next households after `done`, up to `size` of them or the citizen target (the last one trimmed to fit). */
function householdsFrom(
  done: { households: number; citizens: number },
  size: number,
  target: number,
): { households: SyntheticHousehold[]; citizens: number } {
  const households: SyntheticHousehold[] = [];
  let citizens = done.citizens;
  for (let index = done.households; households.length < size && citizens < target; index++) {
    const household = syntheticHousehold(index);
    const adults = household.adults.slice(0, target - citizens);
    households.push({ ...household, adults });
    citizens += adults.length;
  }
  return { households, citizens };
}

async function readProgress(
  client: Pool | PoolClient,
  provider: string,
): Promise<{ households: number; citizens: number }> {
  const { rows } = await client.query<{ households: number; citizens: number }>(
    `SELECT households, citizens FROM ${SEED_SCHEMA}.synthetic_progress WHERE provider = $1`,
    [provider],
  );
  return rows[0] ?? { households: 0, citizens: 0 };
}

/** Two seeders of one registry (two `npm start`, a seed during a start) take turns. */
async function lockProvider(client: PoolClient, provider: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`passerelle.seed.${provider}`]);
}

/** Fresh planner statistics after a bulk load, so lookups use the indexes right away. */
async function analyze(pool: Pool, schema: string): Promise<void> {
  const { rows } = await pool.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [
    schema,
  ]);
  for (const { tablename } of rows) await pool.query(`ANALYZE ${schema}.${tablename}`);
}

/** Synthetic registry sizes per provider (for reports). */
export async function syntheticProgress(
  pool: Pool,
): Promise<Array<{ provider: string; households: number; citizens: number }>> {
  await migrate(pool, SEED_SCHEMA, SEED_MIGRATIONS);
  const { rows } = await pool.query<{ provider: string; households: number; citizens: number }>(
    `SELECT provider, households, citizens FROM ${SEED_SCHEMA}.synthetic_progress ORDER BY provider`,
  );
  return rows;
}
