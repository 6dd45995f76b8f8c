import { z } from 'zod';
import { AcrLevel } from '../../contracts/eidas.ts';
import { SecretRef } from '../common.ts';

/** A service provider: an OpenID client of the broker and a GraphQL client of the gateway. */
export const ServiceProvider = z.strictObject({
  clientId: z.string().min(1),
  displayName: z.string().min(1),
  /** Pairwise subjects are computed per sector: SPs of one sector share them. */
  sectorIdentifier: z.string().min(1),
  /** Scopes (identity and data) this SP is entitled to request. */
  scopes: z.array(z.string().min(1)).min(1),
  requirePar: z.boolean().default(false),
  /** Level used when the SP sends no acr_values. */
  defaultAcr: AcrLevel.default('eidas1'),
  /** Secret for `client_secret_post` (a reference: env, file, or inline in the sandbox). */
  clientSecret: SecretRef.optional(),
  /** JWKS of the SP's public keys for `private_key_jwt` (private members, if any, are dropped). */
  jwks: SecretRef.optional(),
  /** OpenID client metadata (redirect_uris, token_endpoint_auth_method, post_logout_redirect_uris, backchannel_logout_uri...). */
  metadata: z.looseObject({ redirect_uris: z.array(z.string()).min(1) }),
  /** Named GraphQL operations the SP registered, usable in authorization_details. */
  operations: z.record(z.string(), z.string()).default({}),
});
export type ServiceProvider = z.infer<typeof ServiceProvider>;

export const ServiceProvidersSection = z.array(ServiceProvider).default([])
  .refine((list) => new Set(list.map((p) => p.clientId)).size === list.length, 'service provider client ids must be unique');
