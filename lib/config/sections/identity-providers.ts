import { z } from 'zod';
import { AcrLevel } from '../../contracts/eidas.ts';
import { HttpUrl, SecretRef } from '../common.ts';

/** An identity provider the broker signs citizens in with (as an OpenID relying party). */
export const IdentityProvider = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _'),
  displayName: z.string().min(1),
  logo: z.string().optional(),
  issuer: HttpUrl,
  clientId: z.string().min(1),
  clientSecret: SecretRef,
  /** Highest eIDAS level this IdP can assert. */
  maxAcr: AcrLevel,
  /** Lowest level the IdP accepts to be asked for. */
  minAcr: AcrLevel.default('eidas1'),
  enabled: z.boolean().default(true),
});
export type IdentityProvider = z.infer<typeof IdentityProvider>;

export const IdentityProvidersSection = z.array(IdentityProvider).default([])
  .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'identity provider names must be unique');
