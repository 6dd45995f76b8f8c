import type { PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import type { AccountClaims } from '../idps/accounts.ts';
import { SANDBOX_IDPS } from '../idps/definitions.ts';

/**
 * The sandbox citizens (docs/sandbox.md "Sandbox citizens"), by login, with the pivot identity their sandbox
 * identity provider asserts (`sandbox/idps/`): the registries are seeded for exactly
 * what the IdPs send. Registries spell names their own way (upper case, no accents,
 * spaces for hyphens...): matching them is the normalization's job.
 */
function pivotOf(claims: AccountClaims): PivotIdentity {
  const { email: _email, ...pivot } = claims;
  return pivot as PivotIdentity;
}

export const SANDBOX_IDENTITIES: Readonly<Record<string, PivotIdentity>> = Object.fromEntries(
  Object.values(SANDBOX_IDPS).flatMap((idp) => idp.logins.map((login) => [login, pivotOf(idp.claimsOf(login))])),
);

/** Relatives the registries know who do not sign in: spouses sharing a tax return, a car, a benefit file. */
export const SANDBOX_RELATIVES: Readonly<Record<string, PivotIdentity>> = {
  'julien.marchand': {
    // Anne-Sophie's husband
    given_name: 'Julien Pierre',
    family_name: 'Marchand',
    birthdate: '1976-02-14',
    gender: 'male',
    birthcountry: '99100',
    birthplace: '30189',
  },
  'sylvie.rousseau': {
    // Jean's wife (birth name Rousseau)
    given_name: 'Sylvie',
    family_name: 'Rousseau',
    birthdate: '1974-05-19',
    gender: 'female',
    birthcountry: '99100',
    birthplace: '30189',
  },
};
