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

/** Claims released without any scope: the ID token's own (standard, always present or managed by oidc-provider). */
const CLAIMS_WITHOUT_SCOPE = { acr: null, auth_time: null, sid: null, iss: null } as const;

export function claimsConfiguration(): Record<string, null | string[]> {
  return {
    ...CLAIMS_WITHOUT_SCOPE,
    ...Object.fromEntries(Object.entries(IDENTITY_SCOPES).map(([scope, claims]) => [scope, [...claims]])),
  };
}

/** Every scope the broker knows: identity scopes plus the data providers' scopes. */
export function allScopes(dataScopes: Iterable<string>): string[] {
  return [...new Set([...Object.keys(IDENTITY_SCOPES), ...dataScopes])];
}
