import type { RunningComponent } from '../../../lib/component.ts';
import { loadPlatformConfig } from '../../../bin/config.ts';
import { createLogger } from '../../../lib/log.ts';
import { subgraphComponent } from '../../../lib/subgraph/start.ts';
import { seedSandbox } from '../../../sandbox/seed/seed.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import { startCountingProxy, type CountingProxy } from '../../../harness/counting-proxy.ts';
import { PROVIDERS, providerFoldersOf } from '../../helpers/providers.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

/**
 * The gateway in front of the real subgraphs (in-process, port 0, on a test database
 * loaded with the sandbox citizens), each behind a counting proxy that keeps what the
 * gateway sent it; the subgraphs trust the gateway's JWKS, as in production.
 */
export interface GatewayWithProviders {
  db: TestDatabase;
  gw: TestGateway;
  proxies: Record<string, CountingProxy>;
  close(): Promise<void>;
}

export async function startGatewayWithProviders(
  options: { overrides?: Array<[string, unknown]> } = {},
): Promise<GatewayWithProviders> {
  const db = await createTestDatabase();
  const seedPool = db.pool({ max: 2 });
  await seedSandbox(seedPool, providerFoldersOf());
  await seedPool.end();
  const proxies: Record<string, CountingProxy> = {};
  for (const name of PROVIDERS) proxies[name] = await startCountingProxy();
  const gw = await startTestGateway({
    database: db,
    providerUrls: Object.fromEntries(PROVIDERS.map((p) => [p, proxies[p]!.url])),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const config = loadPlatformConfig({ env: {}, overrides: [['gateway.jwksUri', `${gw.url}/.well-known/jwks.json`]] });
  const logger = createLogger('subgraphs', 'silent');
  const subgraphs: RunningComponent[] = [];
  for (const name of PROVIDERS) {
    const subgraph = await subgraphComponent(name, { jwksCooldownMs: 0 })(
      { config, database: db, logger },
      { port: 0 },
    );
    subgraphs.push(subgraph);
    proxies[name]!.target = subgraph.url;
  }
  return {
    db,
    gw,
    proxies,
    async close() {
      await gw.close();
      for (const s of subgraphs) await s.close();
      for (const p of Object.values(proxies)) await p.close();
      await db.drop();
    },
  };
}
