import { parseBirthdate, type BirthdateProblem, type BirthdateRange } from './birthdate.ts';
import { communeValidDuring, findCommune } from './cog/communes.ts';
import { findCountry } from './cog/countries.ts';
import {
  COMMUNE_CODE,
  COUNTRY_CODE,
  FRANCE_COG,
  GENDERS,
  OPENID_PROTOCOL_CLAIMS,
  PIVOT_CLAIMS,
  readPivotName,
  type Gender,
  type PivotIdentity,
} from '../contracts/pivot-identity.ts';
import { pivotErrors, type PivotErrorCode } from './errors.ts';

/**
 * Validates the claims an identity provider returned (ID token + userinfo) as a
 * pivot identity (docs/pivot-identity.md; its rules, and the schema every other side reads it
 * with, are lib/contracts/pivot-identity.ts). Every problem is reported, each with a
 * stable code from `pivotErrors`; the messages never carry claim values.
 *
 * - OpenID protocol claims (OPENID_PROTOCOL_CLAIMS) and the email / profile claims
 *   (IGNORED_CLAIMS) are ignored; any other claim that is not a pivot claim is refused
 *   (PIVOT_CLAIM_UNKNOWN).
 * - `null` counts as absent (OpenID Core asks IdPs to omit such claims; some
 *   send null); so does `""` for the optional `gender` and `birthplace`.
 * - Names are NFC-normalized, trimmed, with runs of spaces collapsed: the
 *   returned identity holds these normalized values.
 * - Birthdates: see `birthdate.ts` (1900-01-01 to today).
 * - birthcountry / birthplace: the INSEE COG tables of `cog/` — the birthplace
 *   must be a commune code that was valid at some day the birthdate denotes.
 */
export interface PivotClaimError {
  code: PivotErrorCode;
  claim: string;
  message: string;
}

export type PivotValidation = { ok: true; identity: PivotIdentity } | { ok: false; errors: PivotClaimError[] };

/** Not identity data, not refused either: the protocol's claims, and email / profile claims (the broker reads email itself). */
const IGNORED_CLAIMS: ReadonlySet<string> = new Set([
  ...OPENID_PROTOCOL_CLAIMS,
  'email',
  'email_verified',
  'preferred_username',
]);

const BIRTHDATE_CODES: Record<BirthdateProblem, PivotErrorCode> = {
  FORMAT: 'PIVOT_BIRTHDATE_FORMAT',
  NOT_A_DATE: 'PIVOT_BIRTHDATE_NOT_A_DATE',
  TOO_OLD: 'PIVOT_BIRTHDATE_TOO_OLD',
  IN_FUTURE: 'PIVOT_BIRTHDATE_IN_FUTURE',
};

export function validatePivotIdentity(claims: Record<string, unknown>, options: { now?: Date } = {}): PivotValidation {
  const errors: PivotClaimError[] = [];
  const fail = (code: PivotErrorCode, claim: string): undefined => {
    errors.push({ code, claim, message: pivotErrors.errors[code].message.en });
    return undefined;
  };
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    fail('PIVOT_CLAIMS_NOT_OBJECT', '');
    return { ok: false, errors };
  }

  const pivotClaims: ReadonlySet<string> = new Set(PIVOT_CLAIMS);
  for (const name of Object.keys(claims)) {
    if (!pivotClaims.has(name) && !IGNORED_CLAIMS.has(name)) fail('PIVOT_CLAIM_UNKNOWN', name);
  }

  const value = (name: string): unknown => (Object.hasOwn(claims, name) ? claims[name] : undefined);
  const present = (name: string): boolean => value(name) !== undefined && value(name) !== null && value(name) !== '';

  /** The claim as a string; undefined when absent (reported if required) or not a string (reported). */
  const text = (name: string, required: boolean): string | undefined => {
    const raw = value(name);
    if (raw === undefined || raw === null || (!required && raw === '')) {
      return required ? fail('PIVOT_CLAIM_MISSING', name) : undefined;
    }
    return typeof raw === 'string' ? raw : fail('PIVOT_CLAIM_NOT_STRING', name);
  };

  const name = (claim: 'given_name' | 'family_name'): string | undefined => {
    const raw = text(claim, true);
    if (raw === undefined) return undefined;
    const read = readPivotName(raw);
    if ('problem' in read)
      return fail(read.problem === 'LENGTH' ? 'PIVOT_NAME_LENGTH' : 'PIVOT_NAME_CHARACTERS', claim);
    return read.name;
  };

  const givenName = name('given_name');
  const familyName = name('family_name');

  const birthdate = text('birthdate', true);
  let birthRange: BirthdateRange | undefined;
  if (birthdate !== undefined) {
    const parsed = parseBirthdate(birthdate, options.now);
    if ('problem' in parsed) fail(BIRTHDATE_CODES[parsed.problem], 'birthdate');
    else birthRange = parsed.range;
  }

  const genderValue = text('gender', false);
  let gender: Gender | undefined;
  if (genderValue !== undefined) {
    if ((GENDERS as readonly string[]).includes(genderValue)) gender = genderValue as Gender;
    else fail('PIVOT_GENDER_INVALID', 'gender');
  }

  const birthcountry = text('birthcountry', true);
  let countryOk = false;
  if (birthcountry !== undefined) {
    if (!COUNTRY_CODE.test(birthcountry)) fail('PIVOT_BIRTHCOUNTRY_FORMAT', 'birthcountry');
    else if (!findCountry(birthcountry)) fail('PIVOT_BIRTHCOUNTRY_UNKNOWN', 'birthcountry');
    else countryOk = true;
  }

  const birthplace = text('birthplace', false);
  if (countryOk && birthcountry === FRANCE_COG) {
    if (birthplace !== undefined) checkCommune(birthplace, birthRange, fail);
    // A present non-string birthplace is reported already as PIVOT_CLAIM_NOT_STRING.
    else if (!present('birthplace')) fail('PIVOT_BIRTHPLACE_REQUIRED', 'birthplace');
  } else if (countryOk && birthplace !== undefined) {
    fail('PIVOT_BIRTHPLACE_NOT_ALLOWED', 'birthplace');
  }

  if (errors.length) return { ok: false, errors };
  const identity: PivotIdentity = {
    given_name: givenName!,
    family_name: familyName!,
    birthdate: birthdate!,
    birthcountry: birthcountry!,
  };
  if (gender) identity.gender = gender;
  if (birthcountry === FRANCE_COG) identity.birthplace = birthplace!;
  return { ok: true, identity };
}

function checkCommune(
  code: string,
  birthRange: BirthdateRange | undefined,
  fail: (code: PivotErrorCode, claim: string) => undefined,
): void {
  if (!COMMUNE_CODE.test(code)) return void fail('PIVOT_BIRTHPLACE_FORMAT', 'birthplace');
  const commune = findCommune(code);
  if (!commune) return void fail('PIVOT_BIRTHPLACE_UNKNOWN', 'birthplace');
  // Only checked against a valid birthdate: an invalid one is reported already.
  if (birthRange && !communeValidDuring(commune, birthRange.from, birthRange.to))
    fail('PIVOT_BIRTHPLACE_NOT_AT_BIRTHDATE', 'birthplace');
}

/** The error the broker throws for a failed validation: codes and claim names only, no values. */
export function pivotIdentityError(errors: PivotClaimError[]) {
  return pivotErrors.error('PIVOT_IDENTITY_INVALID', { errors: errors.map(({ code, claim }) => ({ code, claim })) });
}
