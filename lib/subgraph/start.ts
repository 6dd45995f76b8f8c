import { closeServer, listen } from '../http/server.ts';
import { createServer } from 'node:http';
import type { StartComponent } from '../component.ts';
import type { Config } from '../config/load.ts';
import { listenPort } from '../config/load.ts';
import { readContract, type ProviderContract } from '../federation/contract.ts';
import { providerFolder } from '../federation/provider-folders.ts';
import { createApolloServer } from './apollo.ts';
import { createCitizenMatcher } from './citizen-matcher.ts';
import { createRequestHandler } from './http.ts';
import { subgraphMetrics } from './metrics.ts';
import { loadProviderModule, type SubgraphContext } from './provider.ts';
import { migrateRegistry } from './registry-schema.ts';
import { requestDatabase } from './request-database.ts';
import { servesOneSession } from '../db/database.ts';
import { buildProviderSchema } from './schema.ts';
import { createTokenVerifier, type TokenVerifierOptions } from './token-verifier.ts';

/**
 * The `StartComponent` of data provider `name`: migrates its schema, builds its subgraph
 * from its folder's `schema.graphql`, `catalog.json` and `index.ts`, and listens.
 */
export function subgraphComponent(
  name: string,
  overrides: { /** tests: refetch on an unknown kid at once */ jwksCooldownMs?: number } = {},
): StartComponent {
  return async ({ config, database, logger: rootLogger }, options = {}) => {
    const entry = dataProviderEntry(config, name);
    const logger = rootLogger.child({ provider: name });
    const folder = providerFolder(config, name);
    const provider = await loadProviderModule(folder);
    const [contract] = readContract([folder]).providers as [ProviderContract];
    const schema = buildProviderSchema(contract.sdl, provider.resolvers as never, contract.catalog);

    const pool = database.pool({ max: entry.poolSize, applicationName: `passerelle-${name}` });
    await migrateRegistry(pool, name, provider);
    // An embedded database reached by URL (another process serves it) is one session too.
    const prepared = !database.embedded && !(await servesOneSession(pool));
    const apollo = createApolloServer(schema);
    await apollo.start();

    const handler = createRequestHandler({
      name,
      apollo,
      logger,
      metrics: subgraphMetrics(name),
      verifyToken: createTokenVerifier({ ...tokenVerifierOptions(config, entry), ...overrides }),
      createContext(claims, requestId, requestLogger): SubgraphContext {
        const db = requestDatabase(pool, { prepared });
        return {
          claims,
          requestId,
          logger: requestLogger,
          db,
          citizens: createCitizenMatcher(db, name),
          loaders: provider.createLoaders(db),
        };
      },
      async checkReady() {
        await pool.query('SELECT 1');
      },
    });
    const server = createServer({ keepAliveTimeout: 65_000 }, handler);
    const host = entry.host;
    let port: number;
    try {
      port = await listen(server, options.port ?? listenPort(entry), host);
    } catch (error) {
      await apollo.stop();
      await pool.end();
      throw error;
    }
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    logger.info({ url }, 'subgraph listening');
    return {
      name,
      url,
      async close() {
        await closeServer(server);
        await apollo.stop();
        await pool.end().catch(() => {});
      },
    };
  };
}

export function dataProviderEntry(config: Config, name: string): Config['dataProviders'][number] {
  const entry = config.dataProviders.find((p) => p.name === name);
  if (!entry) throw new Error(`data provider "${name}" is not in the configuration's dataProviders`);
  return entry;
}

/** Where the gateway's keys are, who issues the tokens and who they are for (docs/tokens.md). */
function tokenVerifierOptions(config: Config, entry: Config['dataProviders'][number]): TokenVerifierOptions {
  return { jwksUri: config.gateway.jwksUri, issuer: config.gateway.issuer, audience: entry.audience };
}
