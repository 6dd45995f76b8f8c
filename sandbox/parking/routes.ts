import Router from '@koa/router';
import type { Logger } from '../../lib/log.ts';
import type { BrokerClient } from '../service-provider/broker-client.ts';
import {
  addSignInRoutes,
  sessionCookies,
  type CitizenSession as SharedSession,
  type PendingSignIn as SharedPending,
} from '../service-provider/routes.ts';
import type { ExpiringStore } from '../service-provider/sessions.ts';
import { parkingFail } from './errors.ts';
import { readCitizenRecords } from './gateway-client.ts';
import type { CitizenRecords } from './operation.ts';
import type { ParkingPages } from './pages.ts';
import { quote, type Quote } from './pricing.ts';
import type { ParkingSettings } from './settings.ts';

/** What a sign-in asked for: a procedure for someone else (the `representation` scope, no family quotient). */
export interface Asked {
  forSomeone: boolean;
}

/** The permit, once the data is read: the quote and the records it was computed from. */
export interface Permit {
  quote: Quote;
  records: CitizenRecords;
  readAt: Date;
}

export type PendingSignIn = SharedPending<Asked>;
export type CitizenSession = SharedSession<Permit>;

export interface RouteDeps {
  settings: ParkingSettings;
  broker: BrokerClient;
  pages: ParkingPages;
  signIns: ExpiringStore<PendingSignIn>;
  sessions: ExpiringStore<CitizenSession>;
  logger: Logger;
}

/**
 *   GET  /                     home: what the permit is, the tariff, "Se connecter avec Passerelle"
 *   POST /login                pushes the authorization request, sends the citizen to the broker
 *                              (`for=someone`: for a relative, under a mandate: docs/parking.md)
 *   GET  /callback             the broker's answer: code → tokens → the gateway → the price
 *   GET  /permit               the price per vehicle and the data used
 *   POST /logout               forgets the session, RP-initiated logout at the broker
 *   GET  /logged-out           where the broker sends the citizen back after logout
 *   POST /backchannel-logout   the broker ends a session (OpenID Back-Channel Logout)
 *
 * The sign-in and logout routes are the shared ones (sandbox/service-provider/routes.ts).
 */
export function parkingRoutes(deps: RouteDeps): Router {
  const { settings, broker, pages, signIns, sessions, logger } = deps;
  const cookies = sessionCookies({ sessions, cookiePrefix: 'parking' });
  const router = new Router();

  router.get('/', (ctx) => {
    pages.home(ctx, { signedIn: !!cookies.sessionOf(ctx).session });
  });

  addSignInRoutes<Asked, Permit>(
    router,
    {
      settings,
      broker,
      signIns,
      sessions,
      loggedOut: pages.loggedOut,
      logger,
      fail: parkingFail,
      cookiePrefix: 'parking',
    },
    {
      request(form) {
        const forSomeone = form.get('for') === 'someone';
        const operation = forSomeone
          ? settings.forSomeone
          : { operationName: settings.operationName, purpose: settings.purpose };
        return {
          // The name the permit is issued in; everything else comes from the consented operation.
          // For someone else, `representation` too: the broker asks for whom (docs/mandates.md).
          request: {
            scope: forSomeone ? 'openid given_name family_name representation' : 'openid given_name family_name',
            ...operation,
          },
          asked: { forSomeone },
        };
      },
      async signedIn(signedIn, asked) {
        const records = await readCitizenRecords({
          post: (body) => broker.postToGateway(signedIn, settings.gatewayEndpoint, body),
          logger,
          forSomeone: asked.forSomeone,
        });
        const result = quote(records, settings.tariff);
        logger.info(
          {
            ...(result.eligible
              ? { eligible: true, vehicles: result.vehicles.length }
              : { eligible: false, reason: result.reason }),
            represented: !!signedIn.actor,
          },
          'permit priced',
        );
        return { quote: result, records, readAt: new Date() };
      },
      resultPath: '/permit',
    },
  );

  router.get('/permit', (ctx) => {
    const { session } = cookies.sessionOf(ctx);
    if (!session?.result) {
      ctx.status = 303;
      return ctx.redirect('/');
    }
    pages.permit(ctx, { ...session.result, name: session.name, actorName: session.actorName, csrf: session.csrf });
  });

  return router;
}
