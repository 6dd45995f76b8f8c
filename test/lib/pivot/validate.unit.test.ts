import { describe, expect, test } from '@jest/globals';
import { PivotIdentitySchema } from '../../../lib/contracts/pivot-identity.ts';
import { communeValidDuring, findCommune } from '../../../lib/pivot/cog/communes.ts';
import { cogFromIso, findCountry } from '../../../lib/pivot/cog/countries.ts';
import { pivotErrors } from '../../../lib/pivot/errors.ts';
import { pivotIdentityError, validatePivotIdentity, type PivotValidation } from '../../../lib/pivot/validate.ts';
import { FRENCH_ACCOUNTS } from '../../../sandbox/idps/accounts.ts';
import { EIDAS_PEOPLE } from '../../../sandbox/idps/eidas/minimum-data-set.ts';
import { eidasToPivotClaims } from '../../../sandbox/idps/eidas/to-pivot.ts';

const MARIE = {
  given_name: 'Marie',
  family_name: 'Dupont',
  gender: 'female',
  birthdate: '1985-04-12',
  birthcountry: '99100',
  birthplace: '30189',
};
const NOW = new Date('2026-03-15T12:00:00Z');

/** Every identity the broker accepts must be one the rest of the federation reads too (the wire schema of lib/contracts/pivot-identity.ts). */
const validate = (claims: Record<string, unknown>): PivotValidation => {
  const result = validatePivotIdentity(claims, { now: NOW });
  if (result.ok) expect(PivotIdentitySchema.safeParse(result.identity).error?.issues ?? []).toEqual([]);
  return result;
};
const codes = (result: PivotValidation): Array<[string, string]> =>
  result.ok ? [] : result.errors.map((e) => [e.code, e.claim]);
const withClaims = (changes: Record<string, unknown>): Record<string, unknown> => {
  const claims: Record<string, unknown> = { ...MARIE, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete claims[key];
  return claims;
};

describe('sandbox identities', () => {
  test.each(Object.keys(FRENCH_ACCOUNTS).filter((login) => login !== 'identite.invalide'))('%s is valid', (login) => {
    const { email: _email, ...claims } = FRENCH_ACCOUNTS[login]!.claims;
    const result = validate({ ...claims, sub: 'abc', email: FRENCH_ACCOUNTS[login]!.claims.email });
    expect(result).toEqual({ ok: true, identity: claims });
  });

  test('identite.invalide is refused: born in France without birthplace', () => {
    expect(codes(validatePivotIdentity(FRENCH_ACCOUNTS['identite.invalide']!.claims))).toEqual([
      ['PIVOT_BIRTHPLACE_REQUIRED', 'birthplace'],
    ]);
  });

  test.each(Object.keys(EIDAS_PEOPLE))('eIDAS citizen %s maps to a valid identity with no birthplace', (login) => {
    const result = validate(eidasToPivotClaims(EIDAS_PEOPLE[login]!));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.identity.birthplace).toBeUndefined();
  });

  test('Sofía García López, born in Spain', () => {
    const result = validatePivotIdentity(eidasToPivotClaims(EIDAS_PEOPLE['sofia.garcia']!));
    expect(result).toEqual({
      ok: true,
      identity: {
        given_name: 'Sofía',
        family_name: 'García López',
        birthdate: '1990-06-21',
        gender: 'female',
        birthcountry: '99134',
      },
    });
  });
});

describe('claims', () => {
  test('protocol claims are ignored and not returned', () => {
    const result = validate({
      ...MARIE,
      iss: 'x',
      sub: 'y',
      aud: 'z',
      exp: 1,
      iat: 1,
      nonce: 'n',
      acr: 'eidas1',
      amr: ['pwd'],
      auth_time: 1,
      at_hash: 'h',
      sid: 's',
      email: 'm@example.org',
      email_verified: true,
      preferred_username: 'marie',
    });
    expect(result).toEqual({ ok: true, identity: MARIE });
  });

  test('unknown claims are refused, each named', () => {
    expect(codes(validate({ ...MARIE, name: 'Marie Dupont', nir: '2850430189000' }))).toEqual([
      ['PIVOT_CLAIM_UNKNOWN', 'name'],
      ['PIVOT_CLAIM_UNKNOWN', 'nir'],
    ]);
  });

  test('required claims: missing or null', () => {
    expect(codes(validate({ gender: 'male', birthplace: null }))).toEqual([
      ['PIVOT_CLAIM_MISSING', 'given_name'],
      ['PIVOT_CLAIM_MISSING', 'family_name'],
      ['PIVOT_CLAIM_MISSING', 'birthdate'],
      ['PIVOT_CLAIM_MISSING', 'birthcountry'],
    ]);
    expect(codes(validate(withClaims({ family_name: null })))).toEqual([['PIVOT_CLAIM_MISSING', 'family_name']]);
  });

  test('claims that are not strings', () => {
    expect(codes(validate(withClaims({ birthdate: 19850412, birthplace: 30189, given_name: ['Marie'] })))).toEqual([
      ['PIVOT_CLAIM_NOT_STRING', 'given_name'],
      ['PIVOT_CLAIM_NOT_STRING', 'birthdate'],
      ['PIVOT_CLAIM_NOT_STRING', 'birthplace'],
    ]);
  });

  test('not an object', () => {
    expect(codes(validatePivotIdentity(null as unknown as Record<string, unknown>))).toEqual([
      ['PIVOT_CLAIMS_NOT_OBJECT', ''],
    ]);
    expect(codes(validatePivotIdentity([] as unknown as Record<string, unknown>))).toEqual([
      ['PIVOT_CLAIMS_NOT_OBJECT', ''],
    ]);
  });

  test('every error carries the catalog message, never the value', () => {
    const result = validate(withClaims({ family_name: 'Dupont<script>', birthdate: '1985-13-01' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const error of result.errors) {
      expect(error.message).toBe(pivotErrors.errors[error.code].message.en);
      expect(error.message).not.toContain('script');
    }
  });

  test('pivotIdentityError lists codes and claims only', () => {
    const result = validate(withClaims({ birthplace: undefined }));
    if (result.ok) throw new Error('expected errors');
    const error = pivotIdentityError(result.errors);
    expect(error.status).toBe(502);
    expect(error.toJSON()).toEqual({
      error: 'PIVOT_IDENTITY_INVALID',
      message: pivotErrors.errors.PIVOT_IDENTITY_INVALID.message.en,
      details: { errors: [{ code: 'PIVOT_BIRTHPLACE_REQUIRED', claim: 'birthplace' }] },
    });
  });
});

describe('names', () => {
  test('several given names, accents, hyphens and apostrophes', () => {
    const result = validate(withClaims({ given_name: 'Anne-Sophie Hélène', family_name: "N’Diaye d'Arc" }));
    expect(result.ok && [result.identity.given_name, result.identity.family_name]).toEqual([
      'Anne-Sophie Hélène',
      "N’Diaye d'Arc",
    ]);
  });

  test('trimmed, spaces collapsed, NFC-normalized', () => {
    const decomposed = 'He\u0301le\u0300ne';
    const result = validate(withClaims({ given_name: `  ${decomposed}\u00a0 Marie `, family_name: ' Dupont' }));
    expect(result.ok && [result.identity.given_name, result.identity.family_name]).toEqual(['Hélène Marie', 'Dupont']);
  });

  test('non-Latin scripts are letters too', () => {
    expect(validate(withClaims({ given_name: 'Σοφία', family_name: 'Παπαδοπούλου' })).ok).toBe(true);
  });

  test.each([
    ['empty', '', 'PIVOT_NAME_LENGTH'],
    ['only spaces', '   ', 'PIVOT_NAME_LENGTH'],
    ['257 characters', 'a'.repeat(257), 'PIVOT_NAME_LENGTH'],
    ['a control character', 'Ma\u0000rie', 'PIVOT_NAME_CHARACTERS'],
    ['a tab', 'Marie\tClaire', 'PIVOT_NAME_CHARACTERS'],
    ['a line feed', 'Marie\nClaire', 'PIVOT_NAME_CHARACTERS'],
    ['a zero-width character', 'Ma\u200brie', 'PIVOT_NAME_CHARACTERS'],
    ['digits', 'Marie2', 'PIVOT_NAME_CHARACTERS'],
    ['markup', '<b>Marie</b>', 'PIVOT_NAME_CHARACTERS'],
    ['no letter', "-'.", 'PIVOT_NAME_CHARACTERS'],
  ])('given_name with %s is refused', (_label, given_name, code) => {
    expect(codes(validate(withClaims({ given_name })))).toEqual([[code, 'given_name']]);
  });

  test('256 characters (code points, not UTF-16 units) are accepted', () => {
    expect(validate(withClaims({ family_name: 'é'.repeat(256) })).ok).toBe(true);
    expect(validate(withClaims({ family_name: '𐐀'.repeat(256) })).ok).toBe(true);
  });
});

describe('birthdate', () => {
  test.each([
    ['2000-02-29', 'a leap day'],
    ['1990-00-00', 'month and day unknown'],
    ['1990-06-00', 'day unknown'],
    ['1900-01-01', 'the earliest accepted day'],
    ['2026-03-15', 'today'],
    ['2026-00-00', 'this year, month unknown'],
  ])('%s (%s) is valid', (birthdate) => {
    expect(validate(withClaims({ birthdate, birthplace: '30189' })).ok).toBe(true);
  });

  test.each([
    ['1990-02-29', 'PIVOT_BIRTHDATE_NOT_A_DATE'],
    ['1900-02-29', 'PIVOT_BIRTHDATE_NOT_A_DATE'],
    ['1990-04-31', 'PIVOT_BIRTHDATE_NOT_A_DATE'],
    ['1990-13-01', 'PIVOT_BIRTHDATE_NOT_A_DATE'],
    ['1990-00-12', 'PIVOT_BIRTHDATE_NOT_A_DATE'],
    ['1990-6-21', 'PIVOT_BIRTHDATE_FORMAT'],
    ['21/06/1990', 'PIVOT_BIRTHDATE_FORMAT'],
    ['1990-06-21T00:00:00Z', 'PIVOT_BIRTHDATE_FORMAT'],
    ['', 'PIVOT_BIRTHDATE_FORMAT'],
    ['1899-12-31', 'PIVOT_BIRTHDATE_TOO_OLD'],
    ['1899-00-00', 'PIVOT_BIRTHDATE_TOO_OLD'],
    ['2026-03-17', 'PIVOT_BIRTHDATE_IN_FUTURE'],
    ['2026-04-00', 'PIVOT_BIRTHDATE_IN_FUTURE'],
    ['2027-00-00', 'PIVOT_BIRTHDATE_IN_FUTURE'],
  ])('%s is refused with %s', (birthdate, code) => {
    expect(codes(validate(withClaims({ birthdate })))).toEqual([[code, 'birthdate']]);
  });

  test('tomorrow in UTC is still today somewhere (UTC+14)', () => {
    expect(validate(withClaims({ birthdate: '2026-03-16' })).ok).toBe(true);
  });
});

describe('gender', () => {
  test.each(['female', 'male', 'unspecified'])('%s is valid', (gender) => {
    expect(validate(withClaims({ gender })).ok).toBe(true);
  });

  test('absent, null or empty: no gender in the identity', () => {
    for (const gender of [undefined, null, '']) {
      const result = validate(withClaims({ gender }));
      expect(result.ok && 'gender' in result.identity).toBe(false);
    }
  });

  test.each(['F', 'Female', 'other', 'femme'])('%s is refused', (gender) => {
    expect(codes(validate(withClaims({ gender })))).toEqual([['PIVOT_GENDER_INVALID', 'gender']]);
  });
});

describe('birthcountry and birthplace', () => {
  test.each([
    ['75115', 'Paris 15e', '1978-09-09'],
    ['75101', 'Paris 1er', '1950-01-01'],
    ['75120', 'Paris 20e', '2000-01-01'],
    ['69381', 'Lyon 1er', '1972-11-03'],
    ['69389', 'Lyon 9e', '1990-00-00'],
    ['13201', 'Marseille 1er', '1990-01-01'],
    ['13216', 'Marseille 16e', '1990-01-01'],
    ['97120', 'Pointe-à-Pitre', '1990-00-00'],
    ['97411', 'Saint-Denis (La Réunion)', '1990-01-01'],
    ['97611', 'Mamoudzou', '1990-01-01'],
    ['98818', 'Nouméa', '1990-01-01'],
    ['2A004', 'Ajaccio (since 1976)', '1990-01-01'],
    ['20004', 'Ajaccio (before 1976)', '1960-05-05'],
    ['01015', 'Arbignieu, a delegated commune since 2016', '1960-05-05'],
  ])('birthplace %s (%s) born %s is valid', (birthplace, _label, birthdate) => {
    expect(codes(validate(withClaims({ birthplace, birthdate })))).toEqual([]);
  });

  test('a former commune is valid at birthdates while it existed, not after', () => {
    // Aubigny (10016) existed until 1965-06-15 (merged).
    expect(findCommune('10016')?.periods).toEqual([[null, '1965-06-15']]);
    expect(validate(withClaims({ birthplace: '10016', birthdate: '1950-01-01' })).ok).toBe(true);
    expect(validate(withClaims({ birthplace: '10016', birthdate: '1965-06-14' })).ok).toBe(true);
    expect(codes(validate(withClaims({ birthplace: '10016', birthdate: '1965-06-15' })))).toEqual([
      ['PIVOT_BIRTHPLACE_NOT_AT_BIRTHDATE', 'birthplace'],
    ]);
    // A partial date overlapping the last days is accepted.
    expect(validate(withClaims({ birthplace: '10016', birthdate: '1965-06-00' })).ok).toBe(true);
    expect(validate(withClaims({ birthplace: '10016', birthdate: '1965-00-00' })).ok).toBe(true);
  });

  test('Corsican codes: 20xxx until 1976, 2A/2B after', () => {
    expect(codes(validate(withClaims({ birthplace: '20004', birthdate: '1980-01-01' })))).toEqual([
      ['PIVOT_BIRTHPLACE_NOT_AT_BIRTHDATE', 'birthplace'],
    ]);
    expect(codes(validate(withClaims({ birthplace: '2A004', birthdate: '1970-01-01' })))).toEqual([
      ['PIVOT_BIRTHPLACE_NOT_AT_BIRTHDATE', 'birthplace'],
    ]);
  });

  test('born in France (99100) with no birthplace', () => {
    for (const birthplace of [undefined, null, '']) {
      expect(codes(validate(withClaims({ birthplace })))).toEqual([['PIVOT_BIRTHPLACE_REQUIRED', 'birthplace']]);
    }
  });

  test('born abroad: no birthplace', () => {
    const result = validate(withClaims({ birthcountry: '99134', birthplace: undefined }));
    expect(result).toEqual({ ok: true, identity: { ...MARIE, birthcountry: '99134', birthplace: undefined } });
    expect(result.ok && 'birthplace' in result.identity).toBe(false);
    expect(validate(withClaims({ birthcountry: '99134', birthplace: null })).ok).toBe(true);
  });

  test('born abroad with a birthplace is refused', () => {
    expect(codes(validate(withClaims({ birthcountry: '99134', birthplace: '30189' })))).toEqual([
      ['PIVOT_BIRTHPLACE_NOT_ALLOWED', 'birthplace'],
    ]);
    expect(codes(validate(withClaims({ birthcountry: '99134', birthplace: '99134' })))).toEqual([
      ['PIVOT_BIRTHPLACE_NOT_ALLOWED', 'birthplace'],
    ]);
  });

  test.each([
    ['30999', 'PIVOT_BIRTHPLACE_UNKNOWN'],
    ['75100', 'PIVOT_BIRTHPLACE_UNKNOWN'],
    ['75121', 'PIVOT_BIRTHPLACE_UNKNOWN'],
    ['99134', 'PIVOT_BIRTHPLACE_UNKNOWN'],
    ['3018', 'PIVOT_BIRTHPLACE_FORMAT'],
    ['301890', 'PIVOT_BIRTHPLACE_FORMAT'],
    ['2a004', 'PIVOT_BIRTHPLACE_FORMAT'],
    ['Nîmes', 'PIVOT_BIRTHPLACE_FORMAT'],
    [' 30189', 'PIVOT_BIRTHPLACE_FORMAT'],
  ])('birthplace %s is refused with %s', (birthplace, code) => {
    expect(codes(validate(withClaims({ birthplace })))).toEqual([[code, 'birthplace']]);
  });

  test.each([
    ['99999', 'PIVOT_BIRTHCOUNTRY_UNKNOWN'],
    ['99000', 'PIVOT_BIRTHCOUNTRY_UNKNOWN'],
    ['FR', 'PIVOT_BIRTHCOUNTRY_FORMAT'],
    ['100', 'PIVOT_BIRTHCOUNTRY_FORMAT'],
    ['30189', 'PIVOT_BIRTHCOUNTRY_FORMAT'],
  ])('birthcountry %s is refused with %s (birthplace then not judged)', (birthcountry, code) => {
    expect(codes(validate(withClaims({ birthcountry })))).toEqual([[code, 'birthcountry']]);
  });

  test('former states and territories are birth countries too', () => {
    for (const birthcountry of ['99115', '99142', '99120', '99157', '99230', '99349']) {
      expect(validate(withClaims({ birthcountry, birthplace: undefined })).ok).toBe(true);
    }
  });

  test('all problems are reported at once', () => {
    expect(
      codes(
        validate({
          given_name: '1',
          family_name: 'Dupont',
          birthdate: '1990-02-30',
          gender: 'x',
          birthcountry: '99100',
          birthplace: '30999',
          extra: 1,
        }),
      ),
    ).toEqual([
      ['PIVOT_CLAIM_UNKNOWN', 'extra'],
      ['PIVOT_NAME_CHARACTERS', 'given_name'],
      ['PIVOT_BIRTHDATE_NOT_A_DATE', 'birthdate'],
      ['PIVOT_GENDER_INVALID', 'gender'],
      ['PIVOT_BIRTHPLACE_UNKNOWN', 'birthplace'],
    ]);
  });
});

describe('COG tables', () => {
  test('every current arrondissement municipal is there', () => {
    const arrondissements = [
      ...Array.from({ length: 20 }, (_, i) => 75101 + i),
      ...Array.from({ length: 9 }, (_, i) => 69381 + i),
      ...Array.from({ length: 16 }, (_, i) => 13201 + i),
    ];
    for (const code of arrondissements) expect(findCommune(String(code))).toBeDefined();
  });

  test('overseas departments 971 to 976', () => {
    for (const code of ['97105', '97209', '97302', '97411', '97611']) expect(findCommune(code)).toBeDefined();
  });

  test('validity periods are inclusive of the start, exclusive of the end', () => {
    const commune = findCommune('2A004')!;
    expect(communeValidDuring(commune, '1976-01-01', '1976-01-01')).toBe(true);
    expect(communeValidDuring(commune, '1975-12-31', '1975-12-31')).toBe(false);
  });

  test('ISO 3166 <-> COG for the EU and neighbours', () => {
    const expected: Record<string, string> = {
      FR: '99100',
      DK: '99101',
      DE: '99109',
      AT: '99110',
      IT: '99127',
      BE: '99131',
      GB: '99132',
      ES: '99134',
      NL: '99135',
      IE: '99136',
      LU: '99137',
      PT: '99139',
      CH: '99140',
      PL: '99122',
      CZ: '99116',
      CY: '99254',
      MA: '99350',
    };
    for (const [iso, cog] of Object.entries(expected)) {
      expect(cogFromIso(iso)).toBe(cog);
      expect(findCountry(cog)?.iso).toContain(iso);
    }
    expect(cogFromIso('es')).toBe('99134');
    expect(cogFromIso('ZZ')).toBeUndefined();
  });
});

describe('the wire schema (lib/contracts/pivot-identity.ts)', () => {
  const wire = (identity: Record<string, unknown>) => PivotIdentitySchema.safeParse(identity).success;

  test('refuses what the broker would never issue', () => {
    expect(wire(MARIE)).toBe(true);
    expect(wire({ ...MARIE, given_name: ' Marie' })).toBe(false);
    expect(wire({ ...MARIE, family_name: 'Du  pont' })).toBe(false);
    expect(wire({ ...MARIE, family_name: 'Dupont2' })).toBe(false);
    expect(wire({ ...MARIE, birthdate: '1985-02-30' })).toBe(false);
    expect(wire({ ...MARIE, birthdate: '1899-12-31' })).toBe(false);
    expect(wire({ ...MARIE, birthplace: '1A189' })).toBe(false);
    expect(wire({ ...MARIE, birthplace: undefined })).toBe(false);
    expect(wire({ ...MARIE, birthcountry: '99134' })).toBe(false);
    expect(wire({ ...MARIE, email: 'marie@example.org' })).toBe(false);
  });
});
