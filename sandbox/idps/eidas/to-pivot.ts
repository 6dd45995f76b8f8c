import { cogFromIso } from '../../../lib/pivot/cog/countries.ts';
import type { AccountClaims } from '../accounts.ts';
import type { EidasPerson } from './minimum-data-set.ts';

const GENDERS = { Male: 'male', Female: 'female', Unspecified: 'unspecified' } as const;

/**
 * Maps an eIDAS minimum data set to the pivot claims the bridge releases:
 * birthcountry is the INSEE COG code of the country of birth (ISO -> COG), no
 * birthplace (the person was not born in a French commune), gender only when
 * the person's country provided it. A country of birth with no COG code is left
 * out, so the broker refuses the identity rather than guessing; so is an EU
 * citizen born in France, whose French birthplace the eIDAS data does not give.
 */
export function eidasToPivotClaims(person: EidasPerson): AccountClaims {
  const claims: AccountClaims = {
    given_name: person.FirstName,
    family_name: person.FamilyName,
    birthdate: person.DateOfBirth,
    email: person.email,
  };
  const birthcountry = cogFromIso(person.CountryOfBirth);
  if (birthcountry) claims.birthcountry = birthcountry;
  if (person.Gender) claims.gender = GENDERS[person.Gender];
  return claims;
}
