import { z } from 'zod';
import { AcrLevel } from '../../lib/contracts/eidas.ts';
import { HttpUrl, SecretRef, Service } from '../../lib/config/common.ts';

/** A city's resident parking tariff (sandbox/parking/pricing.ts); amounts in euro cents. */
const TariffSection = z.strictObject({
  /** INSEE code of the city whose residents get the permit. */
  cityCode: z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'must be an INSEE commune code'),
  cityName: z.string().min(1),
  /** Ascending family-quotient brackets: the price when QF ≤ upTo. */
  brackets: z.array(z.strictObject({ upTo: z.number().int().nonnegative(), monthlyCents: z.number().int().nonnegative() })).min(1)
    .refine((list) => list.every((b, i) => i === 0 || b.upTo > list[i - 1]!.upTo), 'brackets must be in ascending upTo order'),
  /** Price above the last bracket, or for a citizen who is not a CAF/MSA beneficiary. */
  defaultMonthlyCents: z.number().int().nonnegative(),
  /** Crit'Air classes that get the reduction, and the reduction (0.5 = half price). */
  reducedCritAir: z.array(z.number().int().min(0).max(5)),
  reductionRate: z.number().min(0).max(1),
});

/**
 * The `parking` section of the configuration (sandbox configurations only): the sandbox
 * parking service's own settings, as a city would configure its service — an OpenID
 * client of the broker and a GraphQL client of the gateway. Its registration at the
 * broker is the `serviceProviders` entry with the same `clientId`. The platform's
 * loader does not know it: the composition root hands it in (bin/config.ts).
 */
export const ParkingSection = z.strictObject({
  ...Service,
  clientId: z.string().min(1).default('parking-nimes'),
  /** Title of the service's pages. */
  serviceName: z.string().min(1),
  /** The broker's issuer; defaults to `broker.issuer`, else `broker.url`. */
  issuer: HttpUrl.optional(),
  /** Private JWKS of the service (`private_key_jwt` client authentication): the first key signs. */
  keys: SecretRef,
  /** Where the broker sends the citizen back; defaults to `<url>/callback`. */
  redirectUri: HttpUrl.optional(),
  /** Where the broker sends the citizen after logout; defaults to `<url>/logged-out`. */
  postLogoutRedirectUri: HttpUrl.optional(),
  /** The gateway's GraphQL endpoint; defaults to `<gateway.url>/graphql`. */
  gatewayUrl: HttpUrl.optional(),
  /** The gateway's resource indicator (RFC 8707); defaults to `gateway.audience`, else `gateway.url`. */
  gatewayAudience: z.string().min(1).optional(),
  /** The name under which the service registered its operation (`serviceProviders[].operations`). */
  operationName: z.string().min(1).default('Parking'),
  /** Why the city reads the data: shown to the citizen on the consent page. */
  purpose: z.string().min(1).max(300),
  /** Level of assurance asked for (`acr_values`); none: the broker's default for this service. */
  acr: AcrLevel.optional(),
  /** Keys signing the service's cookies (a JSON list: the first signs, all verify). */
  cookieKeys: SecretRef,
  /** How long a signed-in citizen's page (and the data it shows) is kept. */
  sessionTtlSeconds: z.number().int().positive().max(86400).default(900),
  /** Timeout of one call to the broker or the gateway. */
  requestTimeoutMs: z.number().int().positive().max(60000).default(5000),
  tariff: TariffSection,
});
export type ParkingConfig = z.output<typeof ParkingSection>;
