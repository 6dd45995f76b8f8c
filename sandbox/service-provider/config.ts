import { z } from 'zod';
import { AcrLevel } from '../../lib/contracts/eidas.ts';
import { HttpUrl, SecretRef, Service } from '../../lib/config/common.ts';

/**
 * The settings every sandbox service provider has in its section of the configuration
 * (`parking`, `bank`…): where it listens, its client id and keys at the broker, the
 * broker's and the gateway's addresses, its cookies and timeouts. Each SP spreads these
 * into its own section and adds what is its own (its operation's name and purpose, a
 * tariff…). Its registration at the broker is the `serviceProviders` entry with the same
 * `clientId`; settings.ts checks that the two agree.
 */
export const serviceProviderFields = {
  ...Service,
  serviceName: z.string().min(1).describe("Title of the service's pages."),
  issuer: HttpUrl.optional().describe("The broker's issuer; default: `broker.issuer`, else `broker.url`."),
  keys: SecretRef.describe(
    'Private JWKS of the service (`private_key_jwt` client authentication): the first key signs.',
  ),
  redirectUri: HttpUrl.optional().describe('Where the broker sends the citizen back; default: `<url>/callback`.'),
  postLogoutRedirectUri: HttpUrl.optional().describe(
    'Where the broker sends the citizen after logout; default: `<url>/logged-out`.',
  ),
  gatewayUrl: HttpUrl.optional().describe("The gateway's GraphQL endpoint; default: `<gateway.url>/graphql`."),
  gatewayAudience: z
    .string()
    .min(1)
    .optional()
    .describe("The gateway's resource indicator (RFC 8707); default: `gateway.audience`, else `gateway.url`."),
  acr: AcrLevel.optional().describe(
    "Level of assurance asked for (`acr_values`); none: the broker's default for this service.",
  ),
  cookieKeys: SecretRef.describe("Keys signing the service's cookies (a JSON list: the first signs, all verify)."),
  sessionTtlSeconds: z
    .number()
    .int()
    .positive()
    .max(86400)
    .default(900)
    .describe("How long a signed-in citizen's page (and the data it shows) is kept."),
  requestTimeoutMs: z
    .number()
    .int()
    .positive()
    .max(60000)
    .default(5000)
    .describe('Timeout of one call to the broker or the gateway.'),
};

/** The shared part of a sandbox SP's section, as parsed. */
export type ServiceProviderSection = z.output<z.ZodObject<typeof serviceProviderFields>> & { clientId: string };
