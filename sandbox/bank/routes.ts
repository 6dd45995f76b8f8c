import Router from '@koa/router';
import type { Logger } from '../../lib/log.ts';
import type { BrokerClient } from '../service-provider/broker-client.ts';
import { runOperation } from '../service-provider/gateway-client.ts';
import {
  addSignInRoutes,
  sessionCookies,
  type CitizenSession as SharedSession,
  type PendingSignIn as SharedPending,
} from '../service-provider/routes.ts';
import type { ExpiringStore } from '../service-provider/sessions.ts';
import { bankFail } from './errors.ts';
import { chosenDuration, estimateLoan, type LoanEstimate } from './loan.ts';
import { LOAN_APPLICATION_OPERATION, LoanApplicationResult } from './operation.ts';
import type { BankPages } from './pages.ts';
import type { BankSettings } from './settings.ts';

/** What the applicant asked for on the home page: the loan's duration. */
export interface Asked {
  durationYears: number;
}

/** The estimate, once the data is read (none when the DGFiP knows no tax household). */
export interface Application {
  estimate: LoanEstimate | undefined;
  readAt: Date;
}

export type PendingSignIn = SharedPending<Asked>;
export type CitizenSession = SharedSession<Application>;

export const BANK_COOKIE_PREFIX = 'banque';

/**
 *   GET  /                     home: the loan application, the duration, "Se connecter avec Passerelle"
 *   POST /login                pushes the authorization request (eidas2), sends the applicant to the broker
 *   GET  /callback             the broker's answer: code → tokens → the gateway → the estimate
 *   GET  /application          the estimate, the data read and the computation
 *   POST /logout, GET /logged-out, POST /backchannel-logout   as every sandbox service
 *
 * The sign-in and logout routes are the shared ones (sandbox/service-provider/routes.ts).
 */
export function bankRoutes(deps: {
  settings: BankSettings;
  broker: BrokerClient;
  pages: BankPages;
  signIns: ExpiringStore<PendingSignIn>;
  sessions: ExpiringStore<CitizenSession>;
  logger: Logger;
}): Router {
  const { settings, broker, pages, signIns, sessions, logger } = deps;
  const cookies = sessionCookies({ sessions, cookiePrefix: BANK_COOKIE_PREFIX });
  const router = new Router();

  router.get('/', (ctx) => {
    pages.home(ctx, { signedIn: !!cookies.sessionOf(ctx).session });
  });

  addSignInRoutes<Asked, Application>(
    router,
    {
      settings,
      broker,
      signIns,
      sessions,
      loggedOut: pages.loggedOut,
      logger,
      fail: bankFail,
      cookiePrefix: BANK_COOKIE_PREFIX,
    },
    {
      request: (form) => ({
        // The applicant's name; the figures come from the consented operation only.
        request: {
          scope: 'openid given_name family_name',
          operationName: settings.operationName,
          purpose: settings.purpose,
        },
        asked: { durationYears: chosenDuration(form.get('duration'), settings.loan) },
      }),
      async signedIn(signedIn, asked) {
        const { me } = await runOperation({
          post: (body) => broker.postToGateway(signedIn, settings.gatewayEndpoint, body),
          operation: LOAN_APPLICATION_OPERATION,
          result: LoanApplicationResult,
          logger,
          fail: bankFail,
        });
        const estimate = me.taxHousehold
          ? estimateLoan(me.taxHousehold, settings.loan, asked.durationYears)
          : undefined;
        logger.info({ estimated: !!estimate, durationYears: asked.durationYears }, 'loan estimated');
        return { estimate, readAt: new Date() };
      },
      resultPath: '/application',
    },
  );

  router.get('/application', (ctx) => {
    const { session } = cookies.sessionOf(ctx);
    if (!session?.result) {
      ctx.status = 303;
      return ctx.redirect('/');
    }
    pages.application(ctx, { ...session.result, name: session.name, csrf: session.csrf });
  });

  return router;
}
