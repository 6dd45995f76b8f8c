import { freePort } from './ports.ts';
import { Writable } from 'node:stream';
import { startBroker, type RunningBroker } from '../auth/broker.ts';
import type { Pool } from '../lib/db/database.ts';
import { startGateway } from '../gateway/index.ts';
import type { RunningComponent } from '../lib/component.ts';
import type { Config } from '../lib/config/load.ts';
import { loadPlatformConfig } from '../bin/config.ts';
import { createLogger } from '../lib/log.ts';
import { subgraphComponent } from '../lib/subgraph/start.ts';
import { SANDBOX_IDP_NAMES, sandboxIdentityProvider } from '../sandbox/idps/index.ts';
import { seedSandbox } from '../sandbox/seed/seed.ts';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { providerFolders } from '../lib/federation/provider-folders.ts';

/**
 * The whole platform in this process, for end-to-end tests: the four sandbox identity
 * providers, the broker, the gateway and the data providers' subgraphs, each on a
 * loopback port of its own, over one fresh test database (DATABASE_URL, else an
 * embedded PostgreSQL) holding the sandbox registries. Components are the real ones,
 * started as `passerelle start` starts them, with the sandbox configuration; only the
 * ports differ (chosen up front: each component must know the others' URLs).
 *
 * Each data provider sits behind a counting proxy (`providers.<name>.graphqlCalls()`):
 * a test proves a refusal reached no provider. Every component logs, as JSON lines,
 * into `logs`: a test can check that no token or personal data was logged.
 *
 * Companions: `citizen.ts` (a citizen's browser without a browser: chooser, IdP login,
 * consent page) and `service-provider.ts` (a sandbox SP with openid-client).
 */
export interface TestPlatform {
  config: Config;
  database: TestDatabase;
  /** A small pool on the platform's database, for tests to look at what was stored. */
  pool: Pool;
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
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Configuration overrides (key path, value), on top of the sandbox configuration. */
  overrides?: Array<[string, unknown]>;
  /** Data providers to start (default: all of the configuration). */
  providers?: string[];
}

export async function startTestPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const sandbox = loadPlatformConfig({ env: {} });
  const providerNames = options.providers ?? sandbox.dataProviders.map((p) => p.name);
  const started: Array<{ close(): Promise<void> }> = [];
  const database = await createTestDatabase();
  try {
    const proxies: Record<string, CountingProxy> = {};
    for (const name of providerNames) {
      proxies[name] = await startCountingProxy();
      started.push(proxies[name]);
    }
    const ports = { broker: await freePort(), gateway: await freePort() };
    const idpPorts = Object.fromEntries(
      await Promise.all(SANDBOX_IDP_NAMES.map(async (name) => [name, await freePort()] as const)),
    );
    const config = loadPlatformConfig({
      env: {},
      overrides: [
        ['logLevel', 'info'],
        ['broker.url', `http://localhost:${ports.broker}`],
        ['gateway.url', `http://127.0.0.1:${ports.gateway}`],
        ...SANDBOX_IDP_NAMES.map(
          (name) => [`identityProviders.${name}.issuer`, `http://localhost:${idpPorts[name]}`] as [string, unknown],
        ),
        ...providerNames.map((name) => [`dataProviders.${name}.url`, proxies[name]!.url] as [string, unknown]),
        ...(options.overrides ?? []),
      ],
    });
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
    const context = { config, database, logger };

    const pool = database.pool({ max: 2 });
    await seedSandbox(pool, providerFolders(config, providerNames));
    await pool.end();
    for (const name of providerNames) {
      const subgraph = await subgraphComponent(name, { jwksCooldownMs: 0 })(context, { port: 0 });
      started.push(subgraph);
      proxies[name]!.target = subgraph.url;
    }
    const gateway: RunningComponent = await startGateway(context, { port: ports.gateway });
    started.push(gateway);
    for (const name of SANDBOX_IDP_NAMES)
      started.push(await sandboxIdentityProvider(name)(context, { port: idpPorts[name]! }));
    const broker = await startBroker(context, { port: ports.broker });
    started.push(broker);
    const testPool = database.pool({ max: 2 });
    started.push({ close: () => testPool.end() });

    return {
      config,
      database,
      broker,
      logs,
      pool: testPool,
      issuer: broker.issuer,
      graphqlUrl: `${gateway.url}/graphql`,
      providers: proxies,
      providerCalls: () => Object.values(proxies).reduce((n, p) => n + p.graphqlCalls().length, 0),
      async close() {
        await closeAll(started);
        await database.drop();
      },
    };
  } catch (error) {
    await closeAll(started);
    await database.drop();
    throw error;
  }
}

/** Closes in reverse start order: the broker and gateway before what they call. */
async function closeAll(components: Array<{ close(): Promise<void> }>): Promise<void> {
  for (const component of [...components].reverse()) await component.close().catch(() => {});
}
