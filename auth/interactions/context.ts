import type Provider from 'oidc-provider';
import type { Config } from '../../lib/config/load.ts';
import type { Logger } from '../../lib/log.ts';
import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import type { AccountStore } from '../accounts.ts';
import type { BrokerContract } from '../authorization-details/operation-schema.ts';
import type { EventRecorder } from '../events.ts';
import type { IdpPreferenceStore } from '../idp-preferences.ts';
import type { IdpRegistry } from '../idp/registry.ts';
import type { IdpRoundTrips } from '../idp/round-trip.ts';
import type { BrokerPages } from '../pages.ts';
import type { ConsentForms } from './consent-forms.ts';

/** Validation of the claims an IdP sent (lib/pivot/validate.ts). */
export type ValidatePivotIdentity = (claims: Record<string, unknown>) =>
  | { ok: true; identity: PivotIdentity }
  | { ok: false; errors: Array<{ code: string; claim: string; message: string }> };

/** What the interaction pages need: wired once by auth/index.ts. */
export interface InteractionDeps {
  provider: Provider;
  config: Config;
  pages: BrokerPages;
  idps: IdpRegistry;
  trips: IdpRoundTrips;
  accounts: AccountStore;
  events: EventRecorder;
  /** The citizen's IdP preferences, enforced at sign-in (auth/idp-preferences.ts). */
  idpPreferences: IdpPreferenceStore;
  validatePivotIdentity: ValidatePivotIdentity;
  pairwiseSecret: string;
  logger: Logger;
  consent: {
    contract: BrokerContract;
    forms: ConsentForms;
    /** The gateway's audience (resource indicator of pivot tokens). */
    gatewayAudience: string;
  };
}
