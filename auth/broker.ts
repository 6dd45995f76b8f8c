import { closeServer, listen } from '../lib/http/server.ts';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import type { ComponentContext, RunningComponent, StartOptions } from '../lib/component.ts';
import { ConfigError, listenPort } from '../lib/config/load.ts';
import { migrate } from '../lib/db/migrate.ts';
import { CheckpointSigner, checkpointKey, migrateAudit } from '../lib/audit/index.ts';
import type { Jwks } from '../lib/keys.ts';
import { QuotaLimiter, migrateQuota, quotaRules } from '../lib/quota/index.ts';
import { dsfrAssets } from '../lib/web/assets.ts';
import { FormError } from '../lib/web/form.ts';
import { accessibilityStatementRoutes } from './accessibility-statement.ts';
import { createAccountStore } from './accounts.ts';
import { sweepExpired } from './adapter/postgres-adapter.ts';
import { loadBrokerContract } from './authorization-details/operation-schema.ts';
import { checkRegisteredOperations } from './authorization-details/registered-operations.ts';
import { checkPrivateServiceProviders } from '../lib/federation/private-service-providers.ts';
import { buildConfiguration } from './configuration.ts';
import { discoveryAsEnforced } from './discovery.ts';
import { framingRefused } from './framing.ts';
import { createDashboard, dashboardClientMetadata } from './dashboard/index.ts';
import { isDatabaseUnavailable } from './database-failure.ts';
import { createEventRecorder } from './events.ts';
import { createCompanyGrants } from './companies/company-grants.ts';
import { createCompanyRegistry } from './companies/registry.ts';
import { createGatewayReader } from './gateway-reader.ts';
import { createGrantRevoker, revocationPropagator, warnIfNoRevocationTable, type GrantRevoker } from './grants.ts';
import { createRepresentationChoices } from './mandates/representation-choices.ts';
import { createMandateStore } from './mandates/store.ts';
import { createRepresentedAccounts } from './mandates/represented-account.ts';
import { createIdpPreferenceStore, type IdpPreferenceStore } from './idp-preferences.ts';
import { createIdpAvailability } from './idp/availability.ts';
import { createIdpRegistry } from './idp/registry.ts';
import { createIdpRoundTrips } from './idp/round-trip.ts';
import { brokerRequestSpan } from './tracing.ts';
import { createConsentForms } from './interactions/consent-forms.ts';
import { interactionRoutes } from './interactions/routes.ts';
import { loadSigningKeys } from './keys.ts';
import { BrokerMetrics } from './metrics.ts';
import { operatorRoutes } from './operator-routes.ts';
import { createBrokerPages } from './pages.ts';
import { loadGatewayEncryptionKey } from './pivot-token.ts';
import { signInQuotaCheck } from './sign-in-quota.ts';
import { createPivotTokenRegistry, pivotTokenRevocation } from './token-revocation.ts';

/** How often expired rows (codes, sessions, accounts, IdP round trips) are deleted. */
const SWEEP_INTERVAL_MS = 60_000;

export interface RunningBroker extends RunningComponent {
  issuer: string;
  provider: Provider;
  /** Revokes a grant everywhere (the citizen's dashboard calls it; auth/grants.ts). */
  grants: GrantRevoker;
  /** The citizen's IdP preferences (the dashboard changes them; auth/idp-preferences.ts). */
  idpPreferences: IdpPreferenceStore;
}

/**
 * The broker (FranceConnect): OpenID provider of the service providers, relying party of
 * the identity providers. Starts with its migrations, then one HTTP server running
 * oidc-provider with the broker's pages mounted on it.
 *
 * A sign-in with data, step by step — oidc-provider drives the order; each step's code:
 *  1. authorization request, at `/authorize` or pushed first at `/par` (oidc-provider,
 *     configuration.ts): client and redirect_uri (clients.ts), PAR when the SP's
 *     `requirePar` says so (clients.ts), PKCE S256, entitled scopes (clients.ts), then
 *     nonce, state, acr_values, idp_hint (request-checks.ts), the SP's sign-in quota
 *     (sign-in-quota.ts) and `authorization_details`
 *     (authorization-details/rich-authorization-requests.ts). A refusal goes back to the
 *     SP with our code, or is a page (pages.ts `codeForProviderError`).
 *  2. sign-in interaction (interactions/routes.ts, the pages in order): the IdP chooser or
 *     `idp_hint` (interactions/sign-in.ts), the round trip to the IdP (idp/round-trip.ts),
 *     its answer (interactions/callback.ts: acr, pivot identity lib/pivot/validate.ts,
 *     the citizen's IdP preferences idp-preferences.ts, the account accounts.ts).
 *  3. consent (interactions/consent.ts): the operations resolved again, shown, decided;
 *     a new grant for exactly what was allowed; the decision in the audit chain (events.ts).
 *     Before it, for an SP asking for `representation`, "for whom" (interactions/representation.ts):
 *     a grant obtained under a mandate is recorded with it (mandates/), and its tokens describe
 *     the mandator with the representative as `act` (mandates/represented-account.ts).
 *  4. code, then token (oidc-provider): the pivot token (pivot-token.ts), remembered so
 *     that the SP can revoke it (token-revocation.ts); revocations reach the gateways
 *     through the revocation list (grants.ts, lib/contracts/revoked-grants.ts).
 */
export async function startBroker(
  { config, database, logger }: ComponentContext,
  options: StartOptions = {},
): Promise<RunningBroker> {
  const log = logger.child({ component: 'broker' });
  const pool = database.pool({ applicationName: 'passerelle-broker' });
  const metrics = new BrokerMetrics();
  metrics.pools.watch('main', pool);
  await migrate(pool, 'auth', new URL('./migrations/', import.meta.url));
  await migrateAudit(pool, config.audit);
  await migrateQuota(pool);

  // Listen first: with a port override (tests: 0) the URL, and so the issuer, is known only now.
  const server = createServer();
  const port = options.port ?? listenPort(config.broker);
  const actualPort = await listen(server, port, config.broker.host);
  const url = options.port === undefined ? config.broker.url.replace(/\/+$/, '') : `http://localhost:${actualPort}`;
  // A derived issuer (the broker's URL) moves with a port override; a configured one stays.
  const issuer = options.port !== undefined && config.isDerived('broker.issuer') ? url : config.broker.issuer;

  try {
    const pages = createBrokerPages({ sandbox: config.sandbox });
    const accounts = createAccountStore(pool);
    const contract = loadBrokerContract(config);
    checkPrivateServiceProviders(config.serviceProviders, contract.scopes);
    checkRegisteredOperations(config, contract);
    const grants = createGrantRevoker(pool);
    const mandates = createMandateStore(pool);
    const pairwiseSecret = config.secret(config.broker.pairwiseSecret, 'broker.pairwiseSecret');
    const companyGrants = createCompanyGrants(pool);
    const represented = createRepresentedAccounts({
      config,
      accounts,
      mandates,
      companies: companyGrants,
      pairwiseSecret,
    });
    await warnIfNoRevocationTable(pool, log);
    const revocations = revocationPropagator(grants, log);
    const signInQuota = new QuotaLimiter(pool, {
      component: 'broker',
      logger: log,
      onUnavailable: (quota) => metrics.quotaUnchecked.inc({ quota }),
    });
    const signingKeys = loadSigningKeys(config);
    const gatewayEncryption = loadGatewayEncryptionKey(config);
    const provider = new Provider(
      issuer,
      buildConfiguration({
        config,
        pool,
        keys: signingKeys,
        accounts,
        represented,
        contract,
        gatewayEncryption,
        onGrantRevoked: revocations.adapterRevoked,
        pages,
        firstPartyClients: [dashboardClientMetadata(config, url)],
        requestQuota: signInQuotaCheck(signInQuota, quotaRules(config), (clientId) =>
          metrics.signInQuotaRefusals.inc({ client_id: clientId }),
        ),
      }),
    );
    await checkClients(provider, config);
    revocations.listen(provider);
    const idps = createIdpRegistry(config, issuer);
    const availability = createIdpAvailability({
      idps: idps.list(),
      intervalMs: config.broker.idpProbeIntervalMs,
      timeoutMs: config.broker.idpProbeTimeoutMs,
      logger: log,
      onState: (idp, up) => metrics.idpUp.set({ idp }, up ? 1 : 0),
    });
    const trips = createIdpRoundTrips(pool, idps, config.broker.interactionTtlSeconds, (idp, code) => {
      metrics.idpFailures.inc({ idp, code });
      if (code === 'IDP_UNAVAILABLE') availability.reportUnreachable(idp);
    });
    const events = createEventRecorder(pool);
    const idpPreferences = createIdpPreferenceStore(
      pool,
      idps.list().map((idp) => idp.name),
    );
    const consent = { contract, forms: createConsentForms(pool) };
    const companyRegistry = createCompanyRegistry(
      createGatewayReader({ config, issuer, keys: signingKeys, encryption: gatewayEncryption, pairwiseSecret }),
    );
    const routes = interactionRoutes({
      provider,
      config,
      pages,
      idps,
      availability,
      trips,
      accounts,
      events,
      idpPreferences,
      pairwiseSecret,
      logger: log,
      consent,
      mandates: { store: mandates, choices: createRepresentationChoices(pool), pool },
      companies: {
        registry: companyRegistry,
        grants: companyGrants,
      },
    });

    for (const event of [
      'server_error',
      'authorization.error',
      'grant.error',
      'end_session.error',
      'backchannel.error',
      'pushed_authorization_request.error',
      'revocation.error',
      'userinfo.error',
    ]) {
      (provider as unknown as { on(name: string, listener: (...args: unknown[]) => void): void }).on(
        event,
        (...args: unknown[]) => {
          const error = args.find((a) => a instanceof Error) as
            (Error & { error?: string; status?: number }) | undefined;
          const level = event === 'server_error' || (error?.status ?? 500) >= 500 ? 'error' : 'info';
          log[level](
            {
              event,
              error: error?.error,
              description: (error as { error_description?: string } | undefined)?.error_description,
              err: level === 'error' ? error : undefined,
            },
            'openid provider error',
          );
        },
      );
    }

    provider.use(brokerRequestSpan);
    provider.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        if (error instanceof FormError) {
          pages.error(ctx, { code: 'FORM_INVALID', description: error.message });
          return;
        }
        if (isDatabaseUnavailable(error)) {
          log.warn({ reason: (error as Error).message, path: ctx.path }, 'broker page failed: database unavailable');
          pages.error(ctx, { code: 'BROKER_DATABASE_UNAVAILABLE' });
          return;
        }
        log.error({ err: error, path: ctx.path }, 'broker page failed');
        pages.error(ctx, { code: 'BROKER_INTERNAL_ERROR' });
      }
      if (ctx.status === 404 && ctx.body === undefined) pages.error(ctx, { code: 'PAGE_NOT_FOUND' });
    });
    provider.use(discoveryAsEnforced());
    provider.use(framingRefused());
    provider.use(pivotTokenRevocation({ registry: createPivotTokenRegistry(pool), revoker: grants, logger: log }));
    provider.use(operatorRoutes({ pool, metrics, logger: log }).routes());
    provider.use(dsfrAssets());
    provider.use(routes.routes());
    const dashboard = createDashboard({
      config,
      pool,
      pages,
      contract,
      grants,
      preferences: idpPreferences,
      mandates,
      companies: companyRegistry,
      issuer,
      url,
      logger: log,
    });
    provider.use(dashboard.routes());
    provider.use(accessibilityStatementRoutes({ config, pages }).routes());
    server.on('request', provider.callback());

    const sweeper = setInterval(() => {
      sweepExpired(pool).catch((error) => log.warn({ err: error }, 'sweeping expired broker rows failed'));
      mandates.expireDue().catch((error) => log.warn({ err: error }, 'expiring ended mandates failed'));
    }, SWEEP_INTERVAL_MS);
    sweeper.unref();
    // Signed checkpoints of the audit chain, one broker at a time (lib/audit/checkpoint-signer.ts).
    const checkpoints = new CheckpointSigner(
      pool,
      await checkpointKey(config.secretJson<Jwks>(config.broker.keys, 'broker.keys')),
      {
        intervalSeconds: config.audit.checkpointIntervalSeconds,
        logger: log,
      },
    );
    checkpoints.start();
    availability.start();

    log.info({ url, issuer }, 'broker listening');
    return {
      name: 'broker',
      url,
      issuer,
      provider,
      grants,
      idpPreferences,
      async close() {
        clearInterval(sweeper);
        availability.stop();
        await checkpoints.stop();
        await closeServer(server);
        await signInQuota.close();
      },
    };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}

/** oidc-provider validates client metadata lazily: do it now, so a bad SP entry stops start-up. */
async function checkClients(provider: Provider, config: ComponentContext['config']): Promise<void> {
  for (const sp of config.serviceProviders) {
    try {
      if (!(await provider.Client.find(sp.clientId))) throw new Error('not loaded');
    } catch (error) {
      const detail = (error as { error_description?: string }).error_description ?? (error as Error).message;
      throw new ConfigError(`serviceProviders[${sp.clientId}]: invalid client metadata: ${detail}`);
    }
  }
}
