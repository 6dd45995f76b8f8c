import { FRANCE_COG, type Gender, type PivotIdentity } from '../contracts/pivot-identity.ts';

/**
 * Normalization of pivot identities, so that a data provider finds a citizen in its
 * own registry whatever the spelling the identity provider and the registry use.
 *
 * THE MATCHING RULE. A registry record is the citizen of a pivot identity when:
 *  1. family names are equal once compacted: upper case, accents and ligatures folded
 *     (É→E, Œ→OE, ß→SS), and every non-letter removed (spaces, hyphens, apostrophes
 *     straight or typographic, dots). "Lefèvre-Roy", "LEFEVRE ROY", "lefevreroy" match;
 *     "Lefèvre" alone does not (a part of a double name is another name).
 *  2. birthdates are equal, unknown parts included: `1990-00-00` matches only a record
 *     born `1990-00-00`. A vaguer date never picks a more precise record (that could be
 *     anyone born that year), and a different date never matches.
 *  3. birthplaces are equal: the INSEE commune code when born in France (99100), the
 *     INSEE country code when born abroad (commune codes and country codes never overlap:
 *     country codes are 99xxx). Codes are compared upper-cased (Corsica: 2A, 2B).
 *  4. the given names sent, compacted as one string, equal the registry's first k given
 *     names compacted (k ≥ 1). Given names are separated by spaces in the registry
 *     ("Anne-Sophie Hélène": two given names, the first one composed). So "Anne-Sophie",
 *     "anne sophie", "ANNE-SOPHIE HÉLÈNE" match; "Anne" (another first name), "Hélène"
 *     (not the first one) or "Anne-Sophie Marie" do not.
 *  5. genders do not contradict: compared only when both sides know it (female/male);
 *     `unspecified` or absent matches any record.
 * Rules 1–3 form the `identityKey`, looked up through an index; rules 4–5 filter the
 * handful of records sharing it (twins, homonyms born the same day in the same place).
 * Two records passing every rule: the match is ambiguous and nothing is returned.
 */

/** Letters that Unicode decomposition does not split into a base letter and an accent. */
const FOLDED: Record<string, string> = {
  Œ: 'OE',
  œ: 'OE',
  Æ: 'AE',
  æ: 'AE',
  ß: 'SS',
  ẞ: 'SS',
  Ø: 'O',
  ø: 'O',
  Ł: 'L',
  ł: 'L',
  Đ: 'D',
  đ: 'D',
  Ð: 'D',
  ð: 'D',
  Þ: 'TH',
  þ: 'TH',
  ı: 'I',
  Ħ: 'H',
  ħ: 'H',
};
const FOLDED_PATTERN = new RegExp(`[${Object.keys(FOLDED).join('')}]`, 'g');

/** Upper case, accents and ligatures folded, separators kept as single spaces: "LEFEVRE ROY". */
export function normalizeName(name: string): string {
  return name
    .replace(FOLDED_PATTERN, (c) => FOLDED[c]!)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim();
}

/** The comparison form of a name: `normalizeName` without any separator: "LEFEVREROY". */
export function compactName(name: string): string {
  return normalizeName(name).replace(/ /g, '');
}

/**
 * The forms a registry's given names answer to: the first given name, the first two, ...,
 * each compacted. "Anne-Sophie Hélène" → ["ANNESOPHIE", "ANNESOPHIEHELENE"].
 * Given names are separated by white space or commas; a hyphen joins a composed name.
 */
export function givenNameKeys(givenNames: string): string[] {
  const names = givenNames
    .split(/[\s,]+/u)
    .map(compactName)
    .filter(Boolean);
  return names.map((_, i) => names.slice(0, i + 1).join(''));
}

export class PivotNormalizationError extends Error {
  override name = 'PivotNormalizationError';
}

const BIRTHDATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A birthdate in its canonical form `YYYY-MM-DD`, `00` standing for an unknown month or
 * day. Refuses impossible dates and a known day in an unknown month.
 */
export function normalizeBirthdate(birthdate: string): string {
  const match = BIRTHDATE.exec(birthdate.trim());
  if (!match) throw new PivotNormalizationError('birthdate must be YYYY-MM-DD (00 for an unknown month or day)');
  const [, y, m, d] = match as unknown as [string, string, string, string];
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1800 || month > 12 || (month === 0 && day !== 0))
    throw new PivotNormalizationError('birthdate is not a possible date');
  if (day !== 0) {
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCMonth() !== month - 1) throw new PivotNormalizationError('birthdate is not a possible date');
  }
  return `${y}-${m}-${d}`;
}

/** The birth location code: the commune when born in France, the country otherwise. */
export function birthLocationKey(birthcountry: string, birthplace?: string | null): string {
  const country = birthcountry.trim().toUpperCase();
  if (!/^99\d{3}$/.test(country))
    throw new PivotNormalizationError('birthcountry must be an INSEE country code (99xxx)');
  if (country !== FRANCE_COG) return country;
  const place = birthplace?.trim().toUpperCase();
  if (!place || !/^(\d{2}|2A|2B)\d{3}$/.test(place) || place.startsWith('99')) {
    throw new PivotNormalizationError('birthplace must be an INSEE commune code when born in France');
  }
  return place;
}

/** Rules 1–3: what the registry index is keyed on. */
export function identityKey(identity: {
  family_name: string;
  birthdate: string;
  birthcountry: string;
  birthplace?: string | null | undefined;
}): string {
  const family = compactName(identity.family_name);
  if (!family) throw new PivotNormalizationError('family_name has no letter');
  return `${family}|${normalizeBirthdate(identity.birthdate)}|${birthLocationKey(identity.birthcountry, identity.birthplace)}`;
}

/** Registries record only a known gender; `unspecified` and absent are unknown. */
function genderKey(gender: Gender | string | null | undefined): 'female' | 'male' | null {
  return gender === 'female' || gender === 'male' ? gender : null;
}

/** What a data provider looks a citizen up with. */
export interface PivotMatchKeys {
  identityKey: string;
  /** All the given names sent, compacted (rule 4). */
  givenNames: string;
  gender: 'female' | 'male' | null;
}

export function pivotMatchKeys(pivot: PivotIdentity): PivotMatchKeys {
  const givenNames = compactName(pivot.given_name);
  if (!givenNames) throw new PivotNormalizationError('given_name has no letter');
  return { identityKey: identityKey(pivot), givenNames, gender: genderKey(pivot.gender) };
}

/** A registry record's identity as stored, and the keys stored beside it. */
export interface RegistryIdentity {
  givenNames: string;
  familyName: string;
  birthdate: string;
  gender?: Gender | null | undefined;
  birthCountry: string;
  birthPlace?: string | null | undefined;
}

export interface RegistryMatchKeys {
  identityKey: string;
  givenNameKeys: string[];
  gender: 'female' | 'male' | null;
}

export function registryMatchKeys(record: RegistryIdentity): RegistryMatchKeys {
  const keys = givenNameKeys(record.givenNames);
  if (!keys.length) throw new PivotNormalizationError('given names have no letter');
  return {
    identityKey: identityKey({
      family_name: record.familyName,
      birthdate: record.birthdate,
      birthcountry: record.birthCountry,
      birthplace: record.birthPlace,
    }),
    givenNameKeys: keys,
    gender: genderKey(record.gender),
  };
}

/** Rules 1–5 in memory: the same decision the registry query makes (used by tests and tools). */
export function matches(pivot: PivotIdentity, record: RegistryIdentity): boolean {
  let wanted: PivotMatchKeys;
  let stored: RegistryMatchKeys;
  try {
    wanted = pivotMatchKeys(pivot);
    stored = registryMatchKeys(record);
  } catch (error) {
    if (error instanceof PivotNormalizationError) return false;
    throw error;
  }
  return (
    wanted.identityKey === stored.identityKey &&
    stored.givenNameKeys.includes(wanted.givenNames) &&
    (wanted.gender === null || stored.gender === null || wanted.gender === stored.gender)
  );
}
