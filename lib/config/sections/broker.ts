import { z } from 'zod';
import { Service, SecretRef, HttpUrl } from '../common.ts';

export const BrokerSection = z.strictObject({
  ...Service,
  /** OpenID issuer identifier; defaults to `url`. */
  issuer: HttpUrl.optional(),
  /** Private JWKS of the broker (ID token and pivot token signing). */
  keys: SecretRef,
  /** Server secret mixed into pairwise subjects. */
  pairwiseSecret: SecretRef,
  /** Keys signing the broker's cookies (first one signs, all verify). */
  cookieKeys: SecretRef,
  /** Lifetime of pivot tokens (access tokens for the gateway). */
  accessTokenTtlSeconds: z.number().int().positive().max(600).default(60),
});
