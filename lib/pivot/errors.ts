import { defineErrors, type ErrorDefinition } from '../errors/define.ts';

/**
 * Why an identity provider's claims are not a valid pivot identity
 * (`validatePivotIdentity`). They come from outside the platform (the IdP), so
 * they are reported as 502: the citizen did nothing wrong. Messages never
 * carry the claim values (personal data); `details.claim` names the claim.
 */
const upstream = (fr: string, en: string, description: string): ErrorDefinition => ({
  status: 502,
  message: { fr, en },
  description,
});

export const pivotErrors = defineErrors('pivot', {
  PIVOT_IDENTITY_INVALID: upstream(
    'Le fournisseur d’identité a transmis une identité incomplète ou invalide.',
    'The identity provider sent an incomplete or invalid identity.',
    'The claims an identity provider returned are not a valid pivot identity; `details.errors` lists each problem as { code, claim } with the codes below. The sign-in stops: nothing is passed on to the service provider.',
  ),
  PIVOT_CLAIMS_NOT_OBJECT: upstream(
    'Les informations d’identité reçues sont illisibles.',
    'The identity claims are not a JSON object.',
    'The validator was given something other than a claims object.',
  ),
  PIVOT_CLAIM_UNKNOWN: upstream(
    'Le fournisseur d’identité a transmis une information inattendue.',
    'The identity provider sent an unexpected claim.',
    'A claim that is neither a pivot identity claim nor a standard OpenID protocol claim (OPENID_PROTOCOL_CLAIMS in lib/contracts/pivot-identity.ts) nor an email or profile claim. Unknown claims are refused rather than silently dropped or passed on.',
  ),
  PIVOT_CLAIM_MISSING: upstream(
    'Une information d’identité obligatoire manque.',
    'A required identity claim is missing.',
    'given_name, family_name, birthdate and birthcountry are required (null counts as missing).',
  ),
  PIVOT_CLAIM_NOT_STRING: upstream(
    'Une information d’identité n’a pas le bon format.',
    'An identity claim is not a string.',
    'Every pivot identity claim is a JSON string.',
  ),
  PIVOT_NAME_LENGTH: upstream(
    'Un nom ou prénom est vide ou trop long.',
    'A name is empty or longer than 256 characters.',
    'given_name and family_name hold 1 to 256 characters (Unicode code points) once trimmed.',
  ),
  PIVOT_NAME_CHARACTERS: upstream(
    'Un nom ou prénom contient des caractères non autorisés.',
    'A name contains characters that are not allowed.',
    'Names hold letters (any script, with accents), spaces, hyphens, apostrophes and periods, and at least one letter: no digits, symbols or control characters.',
  ),
  PIVOT_BIRTHDATE_FORMAT: upstream(
    'La date de naissance n’a pas le bon format.',
    'The birthdate is not written YYYY-MM-DD.',
    'birthdate is `YYYY-MM-DD`; `YYYY-MM-00` when the day is unknown, `YYYY-00-00` when the month and day are unknown.',
  ),
  PIVOT_BIRTHDATE_NOT_A_DATE: upstream(
    'La date de naissance n’existe pas dans le calendrier.',
    'The birthdate is not a calendar date.',
    'A month above 12, a day past the end of the month (2023-02-29), or a known day with an unknown month (1990-00-12).',
  ),
  PIVOT_BIRTHDATE_IN_FUTURE: upstream(
    'La date de naissance est dans le futur.',
    'The birthdate is in the future.',
    'The earliest day the birthdate can denote is after today (in the earliest time zone, UTC+14).',
  ),
  PIVOT_BIRTHDATE_TOO_OLD: upstream(
    'La date de naissance est antérieure à 1900.',
    'The birthdate is before 1900.',
    'Birthdates before 1900-01-01 are refused: nobody alive was born then, so it is a data error.',
  ),
  PIVOT_GENDER_INVALID: upstream(
    'Le sexe transmis n’est pas reconnu.',
    'The gender is not female, male or unspecified.',
    'gender, when present, is one of `female`, `male`, `unspecified`.',
  ),
  PIVOT_BIRTHCOUNTRY_FORMAT: upstream(
    'Le pays de naissance n’a pas le bon format.',
    'The birth country is not an INSEE country code (99xxx).',
    'birthcountry is an INSEE COG country code: five digits starting with 99 (France: 99100).',
  ),
  PIVOT_BIRTHCOUNTRY_UNKNOWN: upstream(
    'Le pays de naissance est inconnu.',
    'The birth country is not in the INSEE country list.',
    'birthcountry is not in the shipped INSEE COG country list (lib/pivot/cog/data/countries.json).',
  ),
  PIVOT_BIRTHPLACE_REQUIRED: upstream(
    'La commune de naissance manque pour une personne née en France.',
    'The birthplace is required for a person born in France.',
    'birthcountry is 99100 (France): birthplace, the INSEE COG commune code, is required.',
  ),
  PIVOT_BIRTHPLACE_NOT_ALLOWED: upstream(
    'Une commune de naissance est indiquée pour une personne née hors de France.',
    'A birthplace is given for a person born outside France.',
    'birthplace must be absent (or null / empty) when birthcountry is not 99100.',
  ),
  PIVOT_BIRTHPLACE_FORMAT: upstream(
    'La commune de naissance n’a pas le bon format.',
    'The birthplace is not an INSEE commune code.',
    'birthplace is an INSEE COG commune code: five characters, the department (2 digits, 2A or 2B) then 3 digits.',
  ),
  PIVOT_BIRTHPLACE_UNKNOWN: upstream(
    'La commune de naissance est inconnue.',
    'The birthplace is not in the INSEE commune list.',
    'birthplace is in no version of the shipped INSEE COG commune list (current communes, arrondissements municipaux, communes déléguées and associées, overseas, and every commune since 1943).',
  ),
  PIVOT_BIRTHPLACE_NOT_AT_BIRTHDATE: upstream(
    'La commune de naissance n’existait pas à la date de naissance.',
    'The birthplace did not exist at the birthdate.',
    'The commune code exists in the COG but was not valid at any day the birthdate can denote (e.g. a Corsican 20xxx code after 1976, or a commune merged before the birth).',
  ),
});

export type PivotErrorCode = keyof typeof pivotErrors.errors;
