import type { StartComponent } from '../../lib/component.ts';
import { BrokerClient } from '../service-provider/broker-client.ts';
import { sessionCookies } from '../service-provider/routes.ts';
import { SIGN_IN_TTL_MS, startServiceProvider } from '../service-provider/server.ts';
import { ExpiringStore } from '../service-provider/sessions.ts';
import { bankFail } from './errors.ts';
import { createBankPages } from './pages.ts';
import { BANK_COOKIE_PREFIX, bankRoutes, type CitizenSession, type PendingSignIn } from './routes.ts';
import { bankSettings } from './settings.ts';

/**
 * The sandbox bank `banque-exemple`, a private service provider: a home loan application
 * ("Demande de prêt immobilier") that reads, with the applicant's consent at eidas2, only the
 * tax household's reference tax income and number of shares (DGFiP), and shows an indicative
 * borrowing capacity (sandbox/bank/loan.ts). Settings: `bank` in the configuration
 * (sandbox/bank/settings.ts); everything else is the shared sandbox/service-provider/.
 */
export const startBank: StartComponent = async (context, options = {}) =>
  startServiceProvider(context, options, {
    name: 'bank',
    settingsFor: (baseUrl) => bankSettings(context.config, baseUrl),
    fail: bankFail,
    app(settings, logger) {
      const pages = createBankPages({
        serviceName: settings.serviceName,
        issuer: settings.issuer,
        sandbox: context.config.sandbox,
        loan: settings.loan,
      });
      const sessions = new ExpiringStore<CitizenSession>(settings.sessionTtlSeconds * 1000);
      const router = bankRoutes({
        settings,
        pages,
        sessions,
        logger,
        broker: new BrokerClient(settings, logger, bankFail),
        signIns: new ExpiringStore<PendingSignIn>(SIGN_IN_TTL_MS),
      });
      return {
        router,
        error: pages.error,
        csrfOf: sessionCookies({ sessions, cookiePrefix: BANK_COOKIE_PREFIX }).csrfOf,
      };
    },
  });
