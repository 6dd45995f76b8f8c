import { closeServer, listen } from '../../lib/http/server.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { StartComponent } from '../../lib/component.ts';
import { isPasserelleError } from '../../lib/errors/define.ts';
import { dsfrAssets } from '../../lib/web/assets.ts';
import { PAGE_HEADERS } from '../../lib/web/csp.ts';
import { FormError } from '../../lib/web/form.ts';
import { BrokerClient } from './broker-client.ts';
import { parkingErrors } from './errors.ts';
import { createParkingPages } from './pages.ts';
import { csrfOf, parkingRoutes, type CitizenSession, type PendingSignIn } from './routes.ts';
import { ExpiringStore } from './sessions.ts';
import { parkingSettings } from './settings.ts';

/** How long a citizen may take between the "Se connecter" button and the way back. */
const SIGN_IN_TTL_MS = 15 * 60_000;

/**
 * The sandbox parking service of a city (`parking-nimes`): an OpenID client of
 * the broker and a GraphQL client of the gateway, pricing a resident parking
 * permit from the data the citizen agreed to share. Settings: `parking` in the
 * configuration (sandbox/parking/settings.ts).
 */
export const startParking: StartComponent = async ({ config, logger: rootLogger }, options = {}) => {
  const logger = rootLogger.child({ component: 'parking' });
  let settings = parkingSettings(config);
  const server = createServer();
  await listen(server, options.port ?? settings.port, settings.host);
  if (options.port !== undefined)
    settings = parkingSettings(config, `http://localhost:${(server.address() as AddressInfo).port}`);

  const pages = createParkingPages({
    serviceName: settings.serviceName,
    tariff: settings.tariff,
    issuer: settings.issuer,
    sandbox: config.sandbox,
  });
  const sessions = new ExpiringStore<CitizenSession>(settings.sessionTtlSeconds * 1000);
  const routes = parkingRoutes({
    settings,
    pages,
    sessions,
    logger,
    broker: new BrokerClient(settings, logger),
    signIns: new ExpiringStore<PendingSignIn>(SIGN_IN_TTL_MS),
  });

  const app = new Koa({ keys: settings.cookieKeys, proxy: new URL(settings.url).protocol === 'https:' });
  app.use(async (ctx, next) => {
    // Every answer, redirects included (the callback's URL holds a code): not cached, not referred.
    ctx.set(PAGE_HEADERS);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) pages.error(ctx, parkingErrors.error('PARKING_PAGE_NOT_FOUND'));
    } catch (error) {
      const shown = isPasserelleError(error)
        ? error
        : error instanceof FormError
          ? parkingErrors.error('PARKING_FORM_INVALID')
          : parkingErrors.error('PARKING_INTERNAL_ERROR');
      if (shown.code === 'PARKING_INTERNAL_ERROR') logger.error({ err: error, path: ctx.path }, 'parking page failed');
      pages.error(ctx, shown, { csrf: csrfOf(ctx, sessions) });
    }
  });
  app.use(dsfrAssets());
  app.use(routes.routes());
  app.use(routes.allowedMethods());
  server.on('request', app.callback());

  logger.info(
    { url: settings.url, issuer: settings.issuer, gateway: settings.gatewayEndpoint },
    'parking service listening',
  );
  return { name: 'parking', url: settings.url, close: () => closeServer(server) };
};
