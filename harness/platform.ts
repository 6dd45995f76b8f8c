import { Writable } from 'node:stream';
import type { RunningBroker } from '../auth/broker.ts';
import { componentRegistry } from '../bin/components.ts';
import { loadPlatformConfig, type PlatformConfig } from '../bin/config.ts';
import { startPlatform, type RunningPlatform } from '../bin/platform.ts';
import type { Pool } from '../lib/db/database.ts';
import { createLogger } from '../lib/log.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { freePort } from './ports.ts';

/**
 * The platform for end-to-end tests and benchmarks, started by the same code as
 * `npm start` (bin/platform.ts: the sandbox registries loaded, then the components in
 * the registry's order), with the sandbox configuration, on a fresh test database
 * (DATABASE_URL, else an embedded PostgreSQL). Only the ports differ: every component
 * gets a free loopback port, chosen up front because each must know the others' URLs.
 *
 * Each data provider sits behind a counting proxy (`providers.<name>`): the gateway
 * calls the proxy, which forwards to the subgraph's own port, so a test can prove a
 * refusal reached no provider, read the internal tokens the gateway sent, or make a
 * provider hang. Every component logs, as JSON lines, into `logs`: a test can check
 * that no token or personal data was logged.
 *
 * Companions: `citizen.ts` (a citizen's browser without a browser: chooser, IdP login,
 * consent page); test/helpers/service-provider.ts (a sandbox SP with openid-client).
 */
export interface TestPlatform {
  config: PlatformConfig;
  /** The configuration overrides it was started with (key path, value): another process can join with them. */
  overrides: Array<[string, unknown]>;
  database: TestDatabase;
  /** A small pool on the platform's database, for tests to look at what was stored. */
  pool: Pool;
  running: RunningPlatform;
  /** Base URLs by component name (broker, gateway, parking, impots, dgfip, …): the proxy's for a data provider. */
  urls: Record<string, string>;
  /** The broker, when started. */
  broker: RunningBroker;
  /** The broker's issuer (service providers discover it). */
  issuer: string;
  /** The gateway's GraphQL endpoint, as service providers call it. */
  graphqlUrl: string;
  /** Counting proxy in front of each data provider, by name. */
  providers: Record<string, CountingProxy>;
  /** GraphQL calls that reached any data provider so far. */
  providerCalls(): number;
  logs: string[];
  /** Stops one component (to test how the others cope). */
  stop(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Configuration overrides (key path, value), on top of the sandbox configuration. */
  overrides?: Array<[string, unknown]>;
  /** Components to start, by name (default: all of them, as `npm start`, but the sandbox service providers). */
  components?: string[];
  /**
   * The sandbox parking service too (default: no). Its registration then points to the
   * port it got; without it, `parking-nimes` keeps the sandbox's redirect URIs, which
   * tests acting as that SP (test/helpers/service-provider.ts) stop at.
   */
  parking?: boolean;
  /** The sandbox bank too (default: no), on the same terms as `parking`. */
  bank?: boolean;
}

export async function startTestPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const sandbox = loadPlatformConfig({ env: {} });
  const registry = componentRegistry(sandbox);
  const wanted = [...registry.values()].filter((e) =>
    options.components
      ? options.components.includes(e.name)
      : (e.name !== 'parking' || options.parking) && (e.name !== 'bank' || options.bank),
  );
  const providerNames = new Set(sandbox.dataProviders.map((p) => p.name));

  const urls: Record<string, string> = {};
  const overrides: Array<[string, unknown]> = [['logLevel', 'info']];
  const proxies: Record<string, CountingProxy> = {};
  const started: Array<{ close(): Promise<void> }> = [];
  const closeStarted = async () => {
    for (const item of started.reverse()) await item.close().catch(() => {});
  };
  try {
    for (const entry of wanted) {
      const port = await freePort();
      const { setting } = entry.address(sandbox);
      if (providerNames.has(entry.name)) {
        // The gateway calls the proxy; the subgraph listens on its own port behind it.
        const proxy = await startCountingProxy(`http://127.0.0.1:${port}`);
        started.push(proxy);
        proxies[entry.name] = proxy;
        urls[entry.name] = proxy.url;
        overrides.push([setting, proxy.url], [`dataProviders.${entry.name}.port`, port]);
      } else {
        // Pages the browser sees are on localhost (the sandbox's own host name); the gateway on loopback.
        urls[entry.name] = `http://${entry.name === 'gateway' ? '127.0.0.1' : 'localhost'}:${port}`;
        overrides.push([setting, urls[entry.name]]);
      }
    }
    // A sandbox service provider started: its registration points to the port it got.
    for (const [name, clientId] of [
      ['parking', sandbox.parking?.clientId],
      ['bank', sandbox.bank?.clientId],
    ] as const) {
      const url = urls[name];
      if (!url || !clientId) continue;
      overrides.push(
        [`serviceProviders.${clientId}.metadata.redirect_uris`, [`${url}/callback`]],
        [`serviceProviders.${clientId}.metadata.post_logout_redirect_uris`, [`${url}/logged-out`]],
        [`serviceProviders.${clientId}.metadata.backchannel_logout_uri`, `${url}/backchannel-logout`],
      );
    }
    overrides.push(...(options.overrides ?? []));
  } catch (error) {
    await closeStarted();
    throw error;
  }

  const config = loadPlatformConfig({ env: {}, overrides });
  const logs: string[] = [];
  const logger = createLogger(
    'platform',
    process.env.TEST_LOG_LEVEL ?? 'info',
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const database = await createTestDatabase();
  let running: RunningPlatform;
  try {
    running = await startPlatform(
      { config, database, logger },
      wanted.map((e) => e.name),
    );
  } catch (error) {
    await closeStarted();
    await database.drop();
    throw error;
  }
  const pool = database.pool({ max: 2 });
  const broker = running.components.find((c) => c.name === 'broker') as unknown as RunningBroker | undefined;
  return {
    config,
    overrides,
    database,
    pool,
    running,
    urls,
    broker: broker!,
    issuer: broker?.issuer ?? config.broker.url,
    graphqlUrl: `${urls.gateway ?? config.gateway.url}/graphql`,
    providers: proxies,
    providerCalls: () => Object.values(proxies).reduce((n, p) => n + p.graphqlCalls().length, 0),
    logs,
    async stop(name) {
      const index = running.components.findIndex((c) => c.name === name || c.name === `idp-${name}`);
      if (index < 0) throw new Error(`no running component ${name}`);
      const [component] = running.components.splice(index, 1);
      await component!.close();
    },
    async close() {
      await pool.end().catch(() => {});
      await running.close();
      await closeStarted();
      await database.drop();
    },
  };
}
