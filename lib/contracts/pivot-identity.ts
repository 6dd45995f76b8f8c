import { z } from 'zod';
import { parseBirthdate } from '../pivot/birthdate.ts';

/**
 * The pivot identity: the claims that identify a citizen across the federation
 * (docs/tokens.md). The broker validates it from an identity provider's claims
 * (`lib/pivot/validate.ts`, with a code per problem and the INSEE tables), then puts it
 * in pivot tokens; the gateway passes it on in internal provider tokens; data providers
 * match their registries on its normalized form (`lib/pivot/normalize.ts`). Every side
 * reads it with `PivotIdentitySchema` below: the rules are written once, here.
 */
export const GENDERS = ['female', 'male', 'unspecified'] as const;
export type Gender = (typeof GENDERS)[number];

/** INSEE COG code of France in the country list. */
export const FRANCE_COG = '99100';

export interface PivotIdentity {
  /** One or more given names, space-separated, as the IdP spelled them. */
  given_name: string;
  family_name: string;
  /** `YYYY-MM-DD`, or `YYYY-MM-00` / `YYYY-00-00` when the day / month is unknown. */
  birthdate: string;
  /** May be absent for eIDAS identities. */
  gender?: Gender;
  /** INSEE COG country code (France = 99100). */
  birthcountry: string;
  /** INSEE COG commune code: required when born in France, absent otherwise. */
  birthplace?: string;
}

/** The claim names of the pivot identity, in display order. */
export const PIVOT_CLAIMS = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'] as const;

/** Longest name, in Unicode code points. */
const MAX_NAME_LENGTH = 256;
/** Letters and combining marks of any script, space, hyphen, apostrophes, period. */
const NAME_CHARACTERS = /^[\p{L}\p{M} '’.-]+$/u;
/** Control, format, separator (line, paragraph) and surrogate characters: never in a name. */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
/** INSEE country code (99xxx). */
export const COUNTRY_CODE = /^99\d{3}$/;
/** INSEE commune code: department (two digits, 2A or 2B for Corsica) and three digits. */
export const COMMUNE_CODE = /^(?:\d{2}|2[AB])\d{3}$/;

/**
 * A name as the federation carries it — NFC, runs of spaces collapsed to one, trimmed —
 * or what is wrong with it: control or format characters (looked for before trimming),
 * a length outside 1..MAX_NAME_LENGTH, characters that are not letters, marks, space,
 * hyphen, apostrophes or period, or no letter at all.
 */
export function readPivotName(raw: string): { name: string } | { problem: 'CHARACTERS' | 'LENGTH' } {
  if (FORBIDDEN_IN_NAME.test(raw)) return { problem: 'CHARACTERS' };
  const name = raw
    .normalize('NFC')
    .replace(/\p{Zs}+/gu, ' ')
    .trim();
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) return { problem: 'LENGTH' };
  if (!NAME_CHARACTERS.test(name) || !/\p{L}/u.test(name)) return { problem: 'CHARACTERS' };
  return { name };
}

const Name = z.string().superRefine((value, ctx) => {
  const read = readPivotName(value);
  if ('problem' in read)
    ctx.addIssue({
      code: 'custom',
      message: `not a pivot name (${read.problem === 'LENGTH' ? 'length' : 'characters'})`,
    });
  else if (read.name !== value) ctx.addIssue({ code: 'custom', message: 'not a pivot name (not normalized)' });
});

/**
 * A pivot identity on the wire (pivot tokens, internal provider tokens): exactly the
 * pivot claims, names already normalized, a birthdate that is a real date between
 * 1900 and today, INSEE codes, and a birthplace when (and only when) born in France.
 */
export const PivotIdentitySchema: z.ZodType<PivotIdentity> = z
  .strictObject({
    given_name: Name,
    family_name: Name,
    birthdate: z
      .string()
      .refine((value) => 'range' in parseBirthdate(value), 'must be YYYY-MM-DD (00 when unknown), from 1900 to today'),
    gender: z.enum(GENDERS).optional(),
    birthcountry: z.string().regex(COUNTRY_CODE, 'must be an INSEE country code'),
    birthplace: z.string().regex(COMMUNE_CODE, 'must be an INSEE commune code').optional(),
  })
  .refine((p) => (p.birthcountry === FRANCE_COG) === (p.birthplace !== undefined), {
    message: 'birthplace is required when born in France and absent otherwise',
    path: ['birthplace'],
  });

/**
 * Claims of the OpenID protocol itself (ID token, userinfo), never identity data: the
 * broker drops them from what an identity provider returns before reading the pivot identity.
 */
export const OPENID_PROTOCOL_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
  's_hash',
  'sid',
]);
