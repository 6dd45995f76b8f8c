import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlatformConfig, type PlatformConfig } from '../../../bin/config.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { freePort } from '../../../harness/ports.ts';
import { startComponent, type ComponentProcess } from '../../../harness/processes.ts';
import type { Pool } from '../../../lib/db/database.ts';
import { SANDBOX_IDP_NAMES } from '../../../sandbox/idps/index.ts';
import { environmentOf } from './platform.ts';

/**
 * The sign-in side of the platform for the fault tests: the four sandbox identity providers
 * and the broker, each a process of its own (`passerelle start <name>`) on one database of
 * the test's own. Pages the browser sees are on `localhost` (the sandbox's host name), as
 * in harness/platform.ts; `config` is what those processes run with, so that a test can
 * act as a sandbox service provider (test/helpers/service-provider.ts).
 */
export interface BrokerPlatform {
  database: TestDatabase;
  pool: Pool;
  config: PlatformConfig;
  issuer: string;
  broker: ComponentProcess;
  idps: Record<string, ComponentProcess>;
  logDir: string;
  close(): Promise<void>;
}

export async function startBrokerPlatform(
  settings: Record<string, unknown> = {},
  options: { database?: TestDatabase } = {},
): Promise<BrokerPlatform> {
  const logDir = mkdtempSync(join(tmpdir(), 'passerelle-faults-'));
  const database = options.database ?? (await createTestDatabase());
  const pool = database.pool({ max: 2 });
  const started: ComponentProcess[] = [];
  const close = async () => {
    await Promise.all(started.map((c) => c.stop()));
    await pool.end();
    await database.drop();
  };
  try {
    const urls: Record<string, string> = {};
    for (const name of [...SANDBOX_IDP_NAMES, 'broker']) urls[name] = `http://localhost:${await freePort()}`;
    const all: Record<string, unknown> = {
      logLevel: 'warn',
      'broker.url': urls.broker,
      ...Object.fromEntries(SANDBOX_IDP_NAMES.map((n) => [`identityProviders.${n}.issuer`, urls[n]])),
      ...settings,
    };
    const config = loadPlatformConfig({ env: {}, overrides: Object.entries(all) });
    const env = { DATABASE_URL: database.url, ...environmentOf(all) };
    const idps: Record<string, ComponentProcess> = {};
    // The identity providers together (no database), then the broker that discovers them.
    await Promise.all(
      SANDBOX_IDP_NAMES.map(async (name) => {
        idps[name] = await startComponent({
          name,
          url: urls[name]!,
          readyUrl: `${urls[name]}/.well-known/openid-configuration`,
          env,
          logDir,
        });
        started.push(idps[name]);
      }),
    );
    const broker = await startComponent({ name: 'broker', url: urls.broker!, env, logDir });
    started.push(broker);
    return { database, pool, config, issuer: config.broker.issuer, broker, idps, logDir, close };
  } catch (error) {
    await close();
    throw error;
  }
}
