import { closeServer, listen } from '../lib/http/server.ts';
import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import type { StartComponent } from '../lib/component.ts';
import { ensurePartitions, migrateAudit } from '../lib/audit/index.ts';
import { listenPort } from '../lib/config/load.ts';
import { migrate } from '../lib/db/migrate.ts';
import { QuotaLimiter, migrateQuota, quotaRules } from '../lib/quota/index.ts';
import { composeContract } from '../lib/federation/compose.ts';
import { loadContract } from '../lib/federation/contract.ts';
import { checkPrivateServiceProviders } from '../lib/federation/private-service-providers.ts';
import { OperationAnalyzer } from './analyzer.ts';
import { startApollo } from './apollo.ts';
import { citizenDataSource } from './citizen-subgraph.ts';
import { ProviderDataSource } from './data-sources.ts';
import { DpopJtiStore } from './dpop-jti-store.ts';
import { gatewayErrors } from '../lib/contracts/gateway-errors.ts';
import type { ExchangeContext } from './exchange-context.ts';
import { ExchangeRecorder } from './exchange-events.ts';
import { graphqlRoute } from './graphql-route.ts';
import { errorBody, requestIdOf } from './http.ts';
import { tracedRequest } from './tracing.ts';
import { tracingEnabled } from '../lib/telemetry/tracing.ts';
import { loadGatewayKeys } from './keys.ts';
import { GatewayMetrics } from './metrics.ts';
import { PivotTokenVerifier } from './pivot-token.ts';
import { ProviderDisclosure } from './provider-disclosure.ts';
import { ProviderTokenMinter } from './provider-token.ts';
import { GatewayQuotas } from './quotas.ts';
import { Readiness } from './readiness.ts';
import { RevocationList } from './revocation.ts';

/**
 * The data-exchange gateway (docs/architecture.md#flows, flow 5): `/graphql` for service providers,
 * `/.well-known/jwks.json` for data providers and the broker, health and metrics.
 */
const PARTITION_CHECK_MS = 6 * 3600_000;
/** Used DPoP jtis only matter for about a minute (gateway/dpop-proof.ts); older rows go. */
const DPOP_JTI_PURGE_MS = 60_000;
const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

export const startGateway: StartComponent = async ({ config, database, logger }, options = {}) => {
  const settings = config.gateway;
  const keys = loadGatewayKeys(config);
  const contract = loadContract(config);
  const providers = config.dataProviders.map((p) => ({
    name: p.name,
    url: subgraphEndpoint(p.url),
    audience: p.audience,
  }));
  const composed = composeContract(contract, Object.fromEntries(providers.map((p) => [p.name, p.url])));
  // The broker's start-up check, here too: a gateway never serves a configuration that lets a company read closed data.
  checkPrivateServiceProviders(config.serviceProviders, composed.scopes);
  const metrics = new GatewayMetrics();

  // Migrations, partitions and revocation polls; the exchange recorder has its own connections.
  const pool = database.pool({ max: 2, applicationName: 'passerelle-gateway' });
  await migrate(pool, 'gateway', MIGRATIONS_DIR);
  await migrateAudit(pool, config.audit);
  await migrateQuota(pool);
  // One counter increment or two per request: a pool of their own (lib/quota/).
  const quotaPool = database.pool({ max: 4, applicationName: 'passerelle-gateway-quota' });
  const quotas = new GatewayQuotas(
    new QuotaLimiter(quotaPool, {
      component: 'gateway',
      logger,
      onUnavailable: (quota) => metrics.quotaUnchecked.inc({ quota }),
    }),
    quotaRules(config),
    metrics,
  );
  const auditPool = database.pool({ max: settings.audit.concurrency, applicationName: 'passerelle-gateway-audit' });
  const exchanges = new ExchangeRecorder(auditPool, {
    ...settings.audit,
    onBatch: (events, seconds) => {
      metrics.auditBatch.observe(events);
      metrics.auditWrite.observe(seconds);
    },
    onFailure: (reason) => metrics.auditWriteFailures.inc({ reason }),
  });
  metrics.pools.watch('main', pool);
  metrics.pools.watch('quota', quotaPool);
  metrics.pools.watch('audit', auditPool);
  const partitionTimer = setInterval(() => {
    ensurePartitions(pool, config.audit.partitionsAhead).catch((error: Error) =>
      logger.error({ err: error.message }, 'cannot create audit partitions'),
    );
  }, PARTITION_CHECK_MS).unref();

  const pivot = settings.pivotToken;
  const revocations = new RevocationList(
    pool,
    {
      pollIntervalMs: settings.revocation.pollIntervalMs,
      maxStalenessMs: settings.revocation.maxStalenessMs,
      windowSeconds: pivot.maxLifetimeSeconds + pivot.clockToleranceSeconds,
    },
    logger,
  );
  await revocations.start();
  metrics.revocationAge = () => revocations.ageSeconds();
  const verifier = new PivotTokenVerifier({ ...pivot, audience: settings.audience, decryptionKeys: keys.decryption });
  const dpopJtis = new DpopJtiStore(pool, settings.dpopReplayCheckTimeoutMs);
  const dpopPurgeTimer = setInterval(() => {
    dpopJtis
      .purgeExpired()
      .catch((error: Error) => logger.warn({ err: error.message }, 'cannot purge used DPoP proof ids'));
  }, DPOP_JTI_PURGE_MS).unref();

  const minter = new ProviderTokenMinter({
    issuer: settings.issuer,
    kid: keys.signing.kid,
    key: keys.signing.key,
    ttlSeconds: settings.providerTokenTtlSeconds,
  });
  const disclosure = new ProviderDisclosure(
    config.secret(settings.providerSubjectSecret, 'gateway.providerSubjectSecret'),
    providers.map((p) => ({
      ...p,
      receivesServiceProvider: !!contract.providers.find((c) => c.name === p.name)?.catalog.provider
        .serviceProviderIdentity,
    })),
  );
  const analyzer = new OperationAnalyzer({
    scopes: composed.scopes,
    cacheSize: 1000,
    limits: settings.limits,
  });

  const apollo = await startApollo({
    supergraphSdl: composed.supergraphSdl,
    citizen: citizenDataSource(contract),
    providerSource: (name, url) =>
      new ProviderDataSource<ExchangeContext>({
        name,
        url,
        timeoutMs: settings.providerTimeoutMs,
        citizenIds: ({ claims }) => disclosure.citizenIds(name, claims),
        authorize: async (context, sub) => `Bearer ${await minter.mint(disclosure.tokenRequest(name, context, sub))}`,
        onCall: (call) => {
          metrics.providerDuration.observe(
            { provider: call.provider, outcome: call.ok ? 'ok' : 'error' },
            call.seconds,
          );
          if (call.code) metrics.providerErrors.inc({ provider: call.provider, code: call.code });
        },
      }) as never,
    onSchema: (apiSchema, sdl) => analyzer.update(apiSchema, sdl),
    logger,
  });

  const readiness = new Readiness({
    providers: config.dataProviders.map(({ name, url }) => ({ name, url })),
    supergraphLoaded: () => analyzer.ready,
    revocationListFresh: () => !revocations.isStale(),
  });

  // Known once listening: a test or benchmark may start the gateway on another port than its URL's.
  let graphqlUrl = `${settings.url.replace(/\/$/, '')}/graphql`;
  const router = new Router();
  const graphql = graphqlRoute({
    maxBodyBytes: settings.limits.maxBodyBytes,
    bodyTimeoutMs: settings.limits.bodyTimeoutMs,
    verifier,
    graphqlUrl: () => graphqlUrl,
    dpopJtis,
    revocations,
    analyzer,
    scopes: composed.scopes,
    apollo: apollo.server,
    exchanges,
    quotas,
    metrics,
    logger,
  });
  router.all('/graphql', graphql);
  router.get('/.well-known/jwks.json', (ctx) => {
    ctx.set('cache-control', 'public, max-age=300');
    ctx.type = 'application/jwk-set+json';
    ctx.body = keys.publicJwks;
  });
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'live' };
  });
  router.get('/health/ready', async (ctx) => {
    const report = await readiness.report();
    ctx.status = report.ready ? 200 : 503;
    ctx.body = report;
  });
  router.get('/metrics', async (ctx) => {
    metrics.revokedGrants.set(revocations.size);
    // Probed at scrape time too, so a provider down shows without traffic.
    const { checks } = await readiness.report();
    for (const { name } of providers)
      metrics.providerReady.set({ provider: name }, checks[`provider:${name}`]?.ok ? 1 : 0);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });

  const app = new Koa();
  // A connection broken mid-request (a client gone): one log line, not Koa's stack trace on stderr.
  app.on('error', (error: Error) => logger.warn({ err: error.message }, 'connection error'));
  app.use(async (ctx, next) => {
    // Tracing on: /graphql runs in a server span continuing the caller's traceparent (gateway/tracing.ts).
    if (tracingEnabled() && ctx.path === '/graphql') return tracedRequest(ctx, next);
    ctx.state.requestId = requestIdOf(ctx.get('x-request-id') || undefined);
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.type = 'application/json';
      ctx.body = errorBody([gatewayErrors.error('GATEWAY_ROUTE_NOT_FOUND')]);
    }
  });
  app.use(router.routes());

  // Headers trickled byte by byte (slowloris) are cut at headersTimeoutMs; Node checks every connectionsCheckingInterval.
  const { headersTimeoutMs } = settings.limits;
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, headersTimeoutMs) }, app.callback());
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = headersTimeoutMs;
  const port = await listen(server, options.port ?? listenPort(settings), settings.host);
  const url = `http://${settings.host}:${port}`;
  if (port !== listenPort(settings)) graphqlUrl = `${url}/graphql`;
  logger.info({ url, providers: providers.map((p) => p.name) }, 'gateway listening');

  return {
    name: 'gateway',
    url,
    async close() {
      clearInterval(partitionTimer);
      clearInterval(dpopPurgeTimer);
      await closeServer(server);
      await apollo.server.stop();
      await revocations.stop();
      await exchanges.drain();
      await quotas.close();
    },
  };
};

/** A provider's GraphQL endpoint: its configured URL, at `/graphql` when the URL has no path. */
export function subgraphEndpoint(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/graphql';
  return parsed.toString();
}
