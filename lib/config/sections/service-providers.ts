import { z } from 'zod';
import { AcrLevel } from '../../contracts/eidas.ts';
import { SecretRef } from '../common.ts';

/**
 * Its habilitation limits, counted in fixed windows shared by every process (lib/quota/);
 * going over is refused with 429 and the `RateLimit` headers (docs/service-providers.md#quotas).
 */
export const ServiceProviderQuotas = z
  .strictObject({
    gatewayRequestsPerSecond: z
      .number()
      .int()
      .positive()
      .default(50)
      .describe('GraphQL requests to the gateway per second, all operations together (429 `RATE_LIMIT_EXCEEDED`).'),
    gatewayRequestsPerDayPerOperation: z
      .number()
      .int()
      .positive()
      .default(100_000)
      .describe(
        'Requests per UTC day for each operation (its document hash), counted once consent is checked (429 `DAILY_QUOTA_EXCEEDED`).',
      ),
    signInsPerSecond: z
      .number()
      .int()
      .positive()
      .default(20)
      .describe(
        'Authorization requests to the broker per second, at `/authorize` or `/par` (a pushed request counts once), redirected back with `temporarily_unavailable` or answered 429 (`SIGN_IN_RATE_LIMIT_EXCEEDED`).',
      ),
  })
  .prefault({})
  .describe('Its quotas at the gateway and the broker (lib/quota/).');
export type ServiceProviderQuotas = z.output<typeof ServiceProviderQuotas>;

/** A service provider: an OpenID client of the broker and a GraphQL client of the gateway. */
export const ServiceProvider = z.strictObject({
  clientId: z.string().min(1).describe('Its OpenID client id at the broker.'),
  displayName: z
    .string()
    .min(1)
    .describe(
      "Its name on the broker's pages and in the dashboard (its OpenID `client_name` unless the metadata gives one).",
    ),
  private: z
    .boolean()
    .default(false)
    .describe(
      'A private company (a bank, an insurer…), not a public service: the consent page says so, and it may be entitled only to scopes whose catalog entry allows private service providers (`privateServiceProviders: true`), checked at start-up (docs/service-providers.md#private-service-providers).',
    ),
  sectorIdentifier: z
    .string()
    .min(1)
    .describe('Pairwise subjects are computed per sector: SPs of one sector share them (docs/broker.md).'),
  scopes: z.array(z.string().min(1)).min(1).describe('Scopes (identity and data) this SP is entitled to request.'),
  requirePar: z.boolean().default(false).describe('Its authorization requests must be pushed to `/par` first.'),
  defaultAcr: AcrLevel.default('eidas1').describe('Level used when the SP sends no `acr_values`.'),
  clientSecret: SecretRef.optional().describe('Secret for `client_secret_post` (at least 32 characters).'),
  jwks: SecretRef.optional().describe(
    "JWKS of the SP's public keys for `private_key_jwt` (private members, if any, are dropped).",
  ),
  metadata: z
    .looseObject({
      redirect_uris: z
        .array(z.string())
        .min(1)
        .describe('Where the broker may send the citizen back, compared character for character.'),
    })
    .describe(
      'OpenID client metadata (`redirect_uris`, `token_endpoint_auth_method`, `post_logout_redirect_uris`, `backchannel_logout_uri`, `id_token_signed_response_alg`…).',
    ),
  operations: z
    .record(
      z.string(),
      z.string().describe('One operation: its name (the key) → its GraphQL document, whose operation has that name.'),
    )
    .default({})
    .describe(
      'Named GraphQL operations the SP registered (name → document), usable by name in `authorization_details`; checked at start-up.',
    ),
  quotas: ServiceProviderQuotas,
});
export type ServiceProvider = z.infer<typeof ServiceProvider>;

export const ServiceProvidersSection = z
  .array(ServiceProvider)
  .default([])
  .refine(
    (list) => new Set(list.map((p) => p.clientId)).size === list.length,
    'service provider client ids must be unique',
  )
  .describe('The service providers registered at the broker (docs/service-providers.md); client ids unique.');
