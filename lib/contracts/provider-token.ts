import { z } from 'zod';
import { ACR_LEVELS } from './eidas.ts';
import { PivotIdentitySchema } from './pivot-identity.ts';
import { COMPANY_ROLES } from './pivot-token.ts';

/**
 * The internal provider token (docs/tokens.md): for each subgraph fetch the gateway mints
 * one token for that data provider only (gateway/provider-token.ts); the provider's
 * subgraph verifies it (lib/subgraph/token-verifier.ts) and reads its claims
 * (lib/subgraph/claims.ts). What both sides must agree on is here.
 */

/** JWS header `typ`: an internal provider token is never mistaken for another JWT. */
export const PROVIDER_TOKEN_TYPE = 'passerelle-dp+jwt';
export const PROVIDER_TOKEN_SIGNING_ALG = 'ES256';
/** Longest lifetime (`exp - iat`) a provider accepts; the gateway's `providerTokenTtlSeconds` is at most this. */
export const PROVIDER_TOKEN_MAX_LIFETIME_SECONDS = 120;

/** A provider's audience when its configuration names none (`dataProviders[].audience`). */
export function defaultProviderAudience(providerName: string): string {
  return `urn:passerelle:dp:${providerName}`;
}

/**
 * The payload besides `iss`, `aud`, `iat`, `exp` (checked by the verifier): this
 * provider's own pairwise subject for the citizen (never the service provider's), the
 * pivot identity, this provider's granted scopes (space-separated), the sign-in level,
 * the service provider (only when the provider's catalog needs it), the token id, the
 * gateway's request id, and under a mandate the actor and the mandate.
 */
export const ProviderTokenClaimsSchema = z.object({
  sub: z.string().min(1).max(255),
  pivot: PivotIdentitySchema,
  scope: z.string().max(4096),
  acr: z.enum(ACR_LEVELS).optional(),
  client_id: z.string().optional(),
  jti: z.string().optional(),
  rid: z.string().optional(),
  /**
   * Present when a representative acts under a mandate (docs/mandates.md): `sub` and `pivot`
   * are then the mandator's, whose data is read, and `act.sub` is this provider's own
   * identifier for the representative; `mandate_id` names the mandate. A provider may log
   * them or ignore them: what it answers is about `sub`.
   */
  act: z.object({ sub: z.string().min(1).max(255) }).optional(),
  mandate_id: z.string().min(1).max(256).optional(),
  /**
   * Present when the person (`sub`, `pivot`) acts for a company (docs/companies.md): the
   * only `Company` the provider may then read (its `siren`), the establishment chosen, and
   * why the person may act (`legal_representative` or `mandated`).
   */
  company: z
    .object({
      siren: z.string().regex(/^\d{9}$/),
      siret: z.string().regex(/^\d{14}$/),
      role: z.enum(COMPANY_ROLES),
    })
    .optional(),
});
export type ProviderTokenClaims = z.output<typeof ProviderTokenClaimsSchema>;
