import type Router from '@koa/router';
import type { Config } from '../../lib/config/load.ts';
import type { Pool } from '../../lib/db/database.ts';
import type { Logger } from '../../lib/log.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import type { GrantRevoker } from '../grants.ts';
import type { BrokerPages } from '../pages.ts';
import { createConsents } from './consents.ts';
import { createVocabulary } from './event-view.ts';
import { createHistory } from './history.ts';
import type { IdpPreferenceStore } from '../idp-preferences.ts';
import { createAccountStore } from '../accounts.ts';
import type { CompanyRegistry } from '../companies/registry.ts';
import type { MandateStore } from '../mandates/store.ts';
import { dashboardRoutes } from './routes.ts';
import { createSessionStore } from './session.ts';
import { createDashboardSignIn } from './sign-in.ts';

export { dashboardClientMetadata } from './sign-in.ts';

/** The citizen's dashboard (`/mon-compte`), wired by auth/broker.ts once the broker's URL is known. */
export function createDashboard(inputs: {
  config: Config;
  pool: Pool;
  pages: BrokerPages;
  contract: BrokerContract;
  grants: GrantRevoker;
  preferences: IdpPreferenceStore;
  mandates: MandateStore;
  companies: CompanyRegistry;
  issuer: string;
  url: string;
  logger: Logger;
}): Router {
  const { config, pool, contract } = inputs;
  const settings = config.broker.dashboard;
  return dashboardRoutes({
    config,
    pool,
    contract,
    pages: inputs.pages,
    signIn: createDashboardSignIn(config, inputs.issuer, inputs.url),
    sessions: createSessionStore(pool, {
      idleSeconds: settings.sessionIdleSeconds,
      maxSeconds: settings.sessionMaxSeconds,
    }),
    history: createHistory(pool, contract),
    consents: createConsents(pool, inputs.grants),
    words: createVocabulary(config, contract),
    preferences: inputs.preferences,
    mandates: inputs.mandates,
    companies: inputs.companies,
    accounts: createAccountStore(pool),
    origin: new URL(inputs.url).origin,
    logger: inputs.logger.child({ part: 'dashboard' }),
  });
}
