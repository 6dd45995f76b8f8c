import { PIVOT_CLAIMS } from '../lib/contracts/pivot-identity.ts';

/**
 * Identity scopes and the claims each releases (oidc-provider's `claims` option).
 * A claim reaches a service provider only when its scope was requested AND is
 * among the SP's entitled scopes (client `scope` allow-list, auth/clients.ts).
 */
export const IDENTITY_SCOPES: Record<string, readonly string[]> = {
  openid: ['sub'],
  given_name: ['given_name'],
  family_name: ['family_name'],
  birthdate: ['birthdate'],
  gender: ['gender'],
  birthplace: ['birthplace'],
  birthcountry: ['birthcountry'],
  email: ['email'],
  identite_pivot: PIVOT_CLAIMS,
};

/**
 * The opt-in to representation (docs/mandates.md "For service providers"): a service
 * provider entitled to it and asking for it lets a signed-in representative act for a
 * mandator; the `act` claim (RFC 8693 style) then names the representative. Not an
 * identity scope (nothing about the citizen is shown for it on the consent page), but an
 * OIDC scope: a grant holds it, and `act` is released only under it.
 */
export const REPRESENTATION_SCOPE = 'representation';

/** Whether the request's `scope` asks for representation. */
export function asksForRepresentation(scope: unknown): boolean {
  return typeof scope === 'string' && scope.split(' ').includes(REPRESENTATION_SCOPE);
}

/** Claims released without any scope: the ID token's own (standard, always present or managed by oidc-provider). */
const CLAIMS_WITHOUT_SCOPE = { acr: null, auth_time: null, sid: null, iss: null } as const;

export function claimsConfiguration(): Record<string, null | string[]> {
  return {
    ...CLAIMS_WITHOUT_SCOPE,
    ...Object.fromEntries(Object.entries(IDENTITY_SCOPES).map(([scope, claims]) => [scope, [...claims]])),
    [REPRESENTATION_SCOPE]: ['act'],
  };
}

/** Every scope the broker knows: identity scopes, `representation`, and the data providers' scopes. */
export function allScopes(dataScopes: Iterable<string>): string[] {
  return [...new Set([...Object.keys(IDENTITY_SCOPES), REPRESENTATION_SCOPE, ...dataScopes])];
}
