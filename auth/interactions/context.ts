import type Provider from 'oidc-provider';
import type { Config } from '../../lib/config/load.ts';
import type { Pool } from '../../lib/db/database.ts';
import type { Logger } from '../../lib/log.ts';
import type { AccountStore } from '../accounts.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import type { EventRecorder } from '../events.ts';
import type { IdpPreferenceStore } from '../idp-preferences.ts';
import type { IdpAvailability } from '../idp/availability.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import type { IdpRoundTrips } from '../idp/round-trip.ts';
import type { CompanyGrants } from '../companies/company-grants.ts';
import type { CompanyRegistry } from '../companies/registry.ts';
import type { RepresentationChoices } from '../mandates/representation-choices.ts';
import type { MandateStore } from '../mandates/store.ts';
import type { BrokerPages } from '../pages.ts';
import type { ConsentForms } from './consent-forms.ts';

/** An interaction as oidc-provider describes it (its prompt, the request's parameters, the session). */
export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What the interaction pages need: wired once by auth/broker.ts. */
export interface InteractionDeps {
  provider: Provider;
  config: Config;
  pages: BrokerPages;
  idps: IdpRegistry;
  /** Which IdPs answer now (auth/idp/availability.ts). */
  availability: IdpAvailability;
  trips: IdpRoundTrips;
  accounts: AccountStore;
  events: EventRecorder;
  /** The citizen's IdP preferences, enforced at sign-in (auth/idp-preferences.ts). */
  idpPreferences: IdpPreferenceStore;
  pairwiseSecret: string;
  logger: Logger;
  consent: {
    contract: BrokerContract;
    forms: ConsentForms;
  };
  /** Acting for someone (auth/interactions/representation.ts): the mandates and the "for whom" answers. */
  mandates: {
    store: MandateStore;
    choices: RepresentationChoices;
    /** Where a grant is recorded under its mandate (`store.linkGrant` runs in a transaction of it). */
    pool: Pool;
  };
  /** Acting for a company (auth/interactions/company.ts): the register's read, the grants for a company. */
  companies: {
    registry: CompanyRegistry;
    grants: CompanyGrants;
  };
}
