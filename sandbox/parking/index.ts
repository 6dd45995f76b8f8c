import type { StartComponent } from '../../lib/component.ts';
import { BrokerClient } from '../service-provider/broker-client.ts';
import { sessionCookies } from '../service-provider/routes.ts';
import { SIGN_IN_TTL_MS, startServiceProvider } from '../service-provider/server.ts';
import { ExpiringStore } from '../service-provider/sessions.ts';
import { parkingFail } from './errors.ts';
import { createParkingPages } from './pages.ts';
import { parkingRoutes, type CitizenSession, type PendingSignIn } from './routes.ts';
import { parkingSettings } from './settings.ts';

/**
 * The sandbox parking service of a city (`parking-nimes`): an OpenID client of
 * the broker and a GraphQL client of the gateway, pricing a resident parking
 * permit from the data the citizen agreed to share. Settings: `parking` in the
 * configuration (sandbox/parking/settings.ts). What every sandbox service shares
 * (broker and gateway clients, sessions, sign-in routes, error pages) is in
 * sandbox/service-provider/.
 */
export const startParking: StartComponent = async (context, options = {}) =>
  startServiceProvider(context, options, {
    name: 'parking',
    settingsFor: (baseUrl) => parkingSettings(context.config, baseUrl),
    fail: parkingFail,
    app(settings, logger) {
      const pages = createParkingPages({
        serviceName: settings.serviceName,
        tariff: settings.tariff,
        issuer: settings.issuer,
        sandbox: context.config.sandbox,
      });
      const sessions = new ExpiringStore<CitizenSession>(settings.sessionTtlSeconds * 1000);
      const router = parkingRoutes({
        settings,
        pages,
        sessions,
        logger,
        broker: new BrokerClient(settings, logger, parkingFail),
        signIns: new ExpiringStore<PendingSignIn>(SIGN_IN_TTL_MS),
      });
      return { router, error: pages.error, csrfOf: sessionCookies({ sessions, cookiePrefix: 'parking' }).csrfOf };
    },
  });
