import type { Pool } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import type { DataProviderModule } from './provider.ts';

/**
 * A registry's PostgreSQL schema (named like its provider) holds two sets of tables:
 * the runtime's, shared by every registry (`person` and its match index,
 * ./migrations/, history in `<name>.runtime_migrations`), then the provider's own
 * (its `migrations/`, history in `<name>.schema_migrations`), which may refer to them.
 */
const RUNTIME_MIGRATIONS = new URL('./migrations/', import.meta.url);

export async function migrateRegistry(
  pool: Pool,
  name: string,
  provider: Pick<DataProviderModule, 'migrations'>,
): Promise<void> {
  await migrate(pool, name, RUNTIME_MIGRATIONS, { history: 'runtime_migrations' });
  await migrate(pool, name, provider.migrations);
}
