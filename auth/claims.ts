import { PIVOT_CLAIMS } from '../lib/contracts/pivot-identity.ts';
import { COMPANY_CLAIMS } from './companies/company-claims.ts';

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

/**
 * The opt-in to acting for a company (docs/companies.md): after sign-in the broker asks
 * "Pour quelle entreprise ?" among the companies the register lists the person as a legal
 * representative of (and those that mandated them); the tokens then describe the company
 * (`siren`, `siret`, `company_name`) with the person as `act`, and only company data may be
 * asked for. Excludes `representation`.
 */
export const COMPANY_SCOPE = 'company';

/** Whether the request's `scope` asks to act for a company. */
export function asksForCompany(scope: unknown): boolean {
  return typeof scope === 'string' && scope.split(' ').includes(COMPANY_SCOPE);
}

/** Claims released without any scope: the ID token's own (standard, always present or managed by oidc-provider). */
const CLAIMS_WITHOUT_SCOPE = { acr: null, auth_time: null, sid: null, iss: null } as const;

export function claimsConfiguration(): Record<string, null | string[]> {
  return {
    ...CLAIMS_WITHOUT_SCOPE,
    ...Object.fromEntries(Object.entries(IDENTITY_SCOPES).map(([scope, claims]) => [scope, [...claims]])),
    [REPRESENTATION_SCOPE]: ['act'],
    [COMPANY_SCOPE]: [...COMPANY_CLAIMS],
  };
}

/** Every scope the broker knows: identity scopes, `representation`, `company`, and the data providers' scopes. */
export function allScopes(dataScopes: Iterable<string>): string[] {
  return [...new Set([...Object.keys(IDENTITY_SCOPES), REPRESENTATION_SCOPE, COMPANY_SCOPE, ...dataScopes])];
}
