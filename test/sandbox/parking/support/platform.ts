import type { PlatformConfig } from '../../../../bin/config.ts';
import { createLogger } from '../../../../lib/log.ts';
import { startPlatform, type RunningPlatform } from '../../../../bin/platform.ts';
import { componentRegistry } from '../../../../bin/components.ts';
import { testConfig } from '../../../auth/support/broker.ts';
import { freePort } from '../../../../harness/ports.ts';
import { createTestDatabase, type TestDatabase } from '../../../../harness/database.ts';

/**
 * The whole platform in the test process, as `passerelle start` runs it (same
 * code: bin/platform.ts), on free loopback ports and a test database of its own:
 * the three subgraphs, the four sandbox IdPs, the broker, the gateway and the
 * parking service, with the sandbox registries loaded.
 */
export interface WholePlatform {
  config: PlatformConfig;
  /** The configuration overrides it was started with (key path, value). */
  overrides: Array<[string, unknown]>;
  database: TestDatabase;
  running: RunningPlatform;
  /** Base URLs by component name (parking, broker, gateway, dgfip, impots, …). */
  urls: Record<string, string>;
  /** Stops one component (to test how the others cope). */
  stop(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startWholePlatform(
  options: { components?: string[]; overrides?: Array<[string, unknown]> } = {},
): Promise<WholePlatform> {
  const urls: Record<string, string> = {};
  const overrides: Array<[string, unknown]> = [];
  const place = async (name: string, setting: string) => {
    urls[name] = `http://localhost:${await freePort()}`;
    overrides.push([setting, urls[name]]);
  };
  // Every component's URL, before any starts: each must know the others'.
  const defaults = testConfig();
  for (const entry of componentRegistry(defaults).values()) await place(entry.name, entry.address(defaults).setting);
  const parking = defaults.parking!.clientId;
  overrides.push(
    [`serviceProviders.${parking}.metadata.redirect_uris`, [`${urls.parking}/callback`]],
    [`serviceProviders.${parking}.metadata.post_logout_redirect_uris`, [`${urls.parking}/logged-out`]],
    [`serviceProviders.${parking}.metadata.backchannel_logout_uri`, `${urls.parking}/backchannel-logout`],
    ...(options.overrides ?? []),
  );
  const config = testConfig(overrides);
  const database = await createTestDatabase();
  const logger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  let running: RunningPlatform;
  try {
    running = await startPlatform({ config, database, logger }, options.components);
  } catch (error) {
    await database.drop();
    throw error;
  }
  return {
    config,
    overrides,
    database,
    running,
    urls,
    async stop(name) {
      const index = running.components.findIndex((c) => c.name === name || c.name === `idp-${name}`);
      if (index < 0) throw new Error(`no running component ${name}`);
      const [component] = running.components.splice(index, 1);
      await component!.close();
    },
    async close() {
      await running.close();
      await database.drop();
    },
  };
}
