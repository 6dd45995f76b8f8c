import { z } from 'zod';
import { DomainName } from '../contracts/domains.ts';
import { AcrLevel } from '../contracts/eidas.ts';

/** A data provider's scope catalog (`catalog.json` in its folder): what the consent page shows. */
const Text = z.strictObject({ fr: z.string().min(1), en: z.string().min(1) });

export const ScopeEntry = z.strictObject({
  label: Text,
  description: Text,
  /** Lowest eIDAS level at which this data may be released. */
  minAcr: AcrLevel.optional(),
  /** The administrative domain this data belongs to (lib/contracts/domains.ts): what a mandate must cover to read it. */
  domain: DomainName,
  /**
   * Whom the data is about: the signed-in `citizen` (default), or the `company` the person
   * acts for (docs/companies.md). A pivot token for a company carries only company scopes,
   * one for a citizen only citizen scopes (the broker refuses the mix, the gateway too).
   */
  subject: z.enum(['citizen', 'company']).default('citizen'),
  /**
   * Whether a private service provider (`serviceProviders[].private`: a company, not an
   * administration) may be entitled to this scope. Absent: never — the data of public
   * services goes to private companies only where its provider says so, scope by scope
   * (docs/service-providers.md#private-service-providers). Checked at the broker's start-up.
   */
  privateServiceProviders: z.boolean().default(false),
});
export type ScopeEntry = z.infer<typeof ScopeEntry>;

export const Catalog = z.strictObject({
  provider: z.strictObject({
    name: z.string().min(1),
    label: Text,
    /**
     * Why this provider must know which service provider reads (purpose control): only a
     * provider that declares it receives the service provider's `client_id` in its internal
     * token (gateway/provider-disclosure.ts). Absent: it is never told.
     */
    serviceProviderIdentity: z.strictObject({ reason: Text }).optional(),
  }),
  scopes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'scope names are lower_snake_case'), ScopeEntry),
});
export type Catalog = z.infer<typeof Catalog>;
