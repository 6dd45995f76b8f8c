import { z } from 'zod';
import { Service, SecretRef, HttpUrl } from '../common.ts';

export const GatewaySection = z.strictObject({
  ...Service,
  /** `iss` of the internal tokens the gateway mints; defaults to `url`. */
  issuer: HttpUrl.optional(),
  /** Public JWKS of the gateway that data providers trust; defaults to `<url>/.well-known/jwks.json`. */
  jwksUri: HttpUrl.optional(),
  /** Private JWKS: ES256 signing keys (internal tokens) and ECDH-ES keys (pivot reference decryption). */
  keys: SecretRef,
  /** Timeout of one subgraph fetch, after which that provider's part is null with an error. */
  providerTimeoutMs: z.number().int().positive().default(3000),
  /** Lifetime of the internal per-provider tokens. */
  providerTokenTtlSeconds: z.number().int().positive().max(120).default(30),
});
