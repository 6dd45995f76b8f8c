import { FRANCE_COG, type Gender, type PivotIdentity } from '../../lib/contracts/pivot-identity.ts';
import { FOREIGN_NAMES, FRENCH_FAMILY, FRENCH_FEMALE, FRENCH_MALE } from './names.ts';
import { ADDRESS_COMPLEMENTS, COMMUNES, COUNTRY_WEIGHTS, RESIDENCE_WEIGHTS, STREETS } from './places.ts';
import { createRandom, seedOf, type Random } from './random.ts';

/**
 * Synthetic households: the life situation each registry sees a part of (the tax
 * household, the cars, the family benefits), generated once per household number so
 * that the three registries agree. Household h is a pure function of h: seeding can
 * resume anywhere, and a benchmark can recompute the identity of any citizen.
 */
export const REFERENCE_YEAR = 2025; // ages at 1 January 2025; incomes of 2024

export interface SyntheticPerson {
  /** `<household>-<slot>`: each registry derives its own person number from it. */
  ref: string;
  pivot: PivotIdentity;
}

export interface SyntheticChild {
  givenNames: string;
  birthdate: string;
}

export type Union = 'SINGLE' | 'DIVORCED' | 'WIDOWED' | 'MARRIED' | 'CIVIL_PARTNERSHIP' | 'COHABITING';

export interface SyntheticHousehold {
  index: number;
  /** One or two adults: the citizens. */
  adults: SyntheticPerson[];
  union: Union;
  children: SyntheticChild[];
  address: { lines: string[]; postalCode: string; city: string; cityCode: string };
  /** Taxable income of the household for the income year, in euros. */
  income: number;
  /** Draws of one registry for this household, the same on every run. */
  random(stream: string): Random;
}

export function syntheticHousehold(index: number): SyntheticHousehold {
  const random = createRandom(seedOf(index, 'household'));
  const couple = random.chance(0.55);
  const union: Union = couple
    ? random.weighted([
        ['MARRIED', 50],
        ['CIVIL_PARTNERSHIP', 20],
        ['COHABITING', 30],
      ])
    : random.weighted([
        ['SINGLE', 60],
        ['DIVORCED', 25],
        ['WIDOWED', 15],
      ]);
  const age = union === 'WIDOWED' ? random.int(55, 95) : couple ? random.int(22, 85) : random.int(18, 90);
  const firstGender: Gender = random.chance(0.5) ? 'female' : 'male';
  const adults = [person(random, `${index}-0`, firstGender, age)];
  if (couple) {
    const partnerGender: Gender = random.chance(0.95) ? (firstGender === 'female' ? 'male' : 'female') : firstGender;
    adults.push(person(random, `${index}-1`, partnerGender, Math.max(18, age + random.int(-6, 6))));
  }
  const children = age >= 22 && age <= 60 ? childrenOf(random, age) : [];
  const retired = age >= 63;
  const perAdult = (retired ? 21_000 : 25_000) * Math.exp(0.55 * random.normal());
  return {
    index,
    adults,
    union,
    children,
    address: address(random),
    income: Math.round(perAdult * adults.length),
    random: (stream) => createRandom(seedOf(index, stream)),
  };
}

const BIRTHPLACE_WEIGHTS = COMMUNES.map((c) => [c.code, c.weight] as const);

/**
 * Picks towards the front of a list (names are listed by rough frequency), mildly: with
 * a few hundred names, a steeper bias would make homonyms far more common than in life.
 */
function frequent<T>(random: Random, items: readonly T[], bias = 1.2): T {
  return items[Math.floor(items.length * random.next() ** bias)]!;
}

function person(random: Random, ref: string, gender: Gender, age: number): SyntheticPerson {
  const abroad = random.chance(0.12);
  const country = abroad ? random.weighted(COUNTRY_WEIGHTS) : FRANCE_COG;
  const birthplace = abroad ? undefined : random.weighted(BIRTHPLACE_WEIGHTS);
  const names = abroad ? FOREIGN_NAMES[country]! : { female: FRENCH_FEMALE, male: FRENCH_MALE, family: FRENCH_FAMILY };
  const given = givenNames(random, gender === 'female' ? names.female : names.male);
  let family = frequent(random, names.family);
  if (!abroad && random.chance(0.04)) family = `${family}-${frequent(random, FRENCH_FAMILY)}`;
  const pivot: PivotIdentity = {
    given_name: given,
    family_name: family,
    birthdate: birthdate(random, REFERENCE_YEAR - 1 - age, abroad || birthplace!.startsWith('97')),
    // A few identities carry no gender (eIDAS) or an unspecified one.
    ...(random.chance(0.995) ? { gender } : random.chance(0.5) ? { gender: 'unspecified' as const } : {}),
    birthcountry: country,
    ...(birthplace ? { birthplace } : {}),
  };
  return { ref, pivot };
}

/** One to three given names, the first one the usual one. */
function givenNames(random: Random, pool: readonly string[]): string {
  const count = random.weighted([
    [1, 30],
    [2, 45],
    [3, 25],
  ]);
  const names = [frequent(random, pool)];
  while (names.length < count) {
    const next = random.pick(pool);
    if (!names.includes(next)) names.push(next);
  }
  return names.join(' ');
}

/** A birthdate of that year; unknown parts (`00`) happen mostly to people born abroad or overseas. */
function birthdate(random: Random, year: number, oftenUnknown: boolean): string {
  const month = random.int(1, 12);
  const day = random.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  const unknown = random.next();
  const pad = (n: number) => String(n).padStart(2, '0');
  if (unknown < (oftenUnknown ? 0.03 : 0.0002)) return `${year}-00-00`;
  if (unknown < (oftenUnknown ? 0.04 : 0.0003)) return `${year}-${pad(month)}-00`;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function childrenOf(random: Random, parentAge: number): SyntheticChild[] {
  const count = random.weighted([
    [0, 35],
    [1, 25],
    [2, 28],
    [3, 9],
    [4, 3],
  ]);
  const children: SyntheticChild[] = [];
  for (let i = 0; i < count; i++) {
    const age = random.int(0, Math.min(19, parentAge - 20));
    const month = random.int(1, 12);
    const day = random.int(1, 28);
    const pad = (n: number) => String(n).padStart(2, '0');
    children.push({
      givenNames: frequent(random, random.chance(0.5) ? FRENCH_FEMALE : FRENCH_MALE),
      birthdate: `${REFERENCE_YEAR - 1 - age}-${pad(month)}-${pad(day)}`,
    });
  }
  return children;
}

function address(random: Random): SyntheticHousehold['address'] {
  const commune = random.weighted(RESIDENCE_WEIGHTS);
  const lines = [`${random.int(1, 150)} ${random.pick(STREETS)}`];
  if (random.chance(0.25)) lines.push(random.pick(ADDRESS_COMPLEMENTS));
  return { lines, postalCode: random.pick(commune.postalCodes), city: commune.name, cityCode: commune.code };
}
