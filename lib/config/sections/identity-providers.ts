import { z } from 'zod';
import { AcrLevel } from '../../contracts/eidas.ts';
import { HttpUrl, SecretRef } from '../common.ts';

/** An identity provider the broker signs citizens in with (as an OpenID relying party). */
export const IdentityProvider = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _')
    .describe("The IdP's name: `idp_hint` value, callback path `/idp/<name>/callback`, name in the audit trail."),
  displayName: z.string().min(1).describe('Its name on the chooser and in the dashboard.'),
  logo: z
    .string()
    .optional()
    .describe("Path of the IdP's logo, relative to the configuration file (not shown by the broker's pages yet)."),
  issuer: HttpUrl.describe('Its OpenID issuer; discovery at `<issuer>/.well-known/openid-configuration`.'),
  clientId: z.string().min(1).describe("The broker's client id at this IdP."),
  clientSecret: SecretRef.describe("The broker's client secret at this IdP."),
  maxAcr: AcrLevel.describe('Highest eIDAS level this IdP can assert (the `acr` given to SPs is capped at it).'),
  minAcr: AcrLevel.default('eidas1').describe('Lowest level the IdP accepts to be asked for.'),
  enabled: z.boolean().default(true).describe('A disabled IdP stays on the chooser, unavailable (`IDP_DISABLED`).'),
});
export type IdentityProvider = z.infer<typeof IdentityProvider>;

export const IdentityProvidersSection = z
  .array(IdentityProvider)
  .default([])
  .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'identity provider names must be unique')
  .describe("The identity providers citizens sign in with, in the chooser's order (docs/broker.md); names unique.");
