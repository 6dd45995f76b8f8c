import { LA_POSTE_SIREN, luhnCheckDigit } from '../../lib/contracts/company-identifiers.ts';
import { REFERENCE_YEAR, syntheticHousehold, type SyntheticPerson } from './households.ts';
import { STREETS } from './places.ts';
import { createRandom, seedOf, type Random } from './random.ts';

/**
 * Synthetic companies (`passerelle seed --companies N`, docs/companies.md): company k is a
 * pure function of k, as household h is of h (./households.ts), so that every registry
 * that knows companies agrees on them — the register (`entreprises`: identity,
 * establishments, legal representatives), the tax office (`dgfip`: tax compliance), URSSAF
 * (the attestation de vigilance) — and seeding can resume anywhere.
 *
 * Company k is founded and directed by the first adult of synthetic household k (with,
 * for some SARL, the household's second adult as co-gérant), so its directors are the
 * synthetic citizens the other registries know (`--citizens`), and no person directs two
 * synthetic companies (a registry never holds one person twice). Its SIREN is
 * 10,000,000 + k with its check digit; sandbox companies' SIRENs start with 9.
 */
export interface SyntheticCompany {
  index: number;
  siren: string;
  legalName: string;
  /** INSEE legal category (subgraphs/entreprises/nomenclatures.ts). */
  legalForm: string;
  /** NAF rév. 2 code. */
  nafCode: string;
  createdOn: string;
  ceasedOn?: string;
  /** The head office first. */
  establishments: Array<{
    siret: string;
    headOffice: boolean;
    closedOn?: string;
    address: { lines: string[]; postalCode: string; city: string; cityCode: string };
  }>;
  directors: Array<{ person: SyntheticPerson; role: DirectorRole; since: string }>;
  /** INSEE tranche d'effectif salarié (NN: no employee, 00, 01…). */
  employeesBand: string;
  /** Draws of one registry for this company, the same on every run. */
  random(stream: string): Random;
}

export type DirectorRole = 'ENTREPRENEUR_INDIVIDUEL' | 'GERANT' | 'PRESIDENT' | 'PRESIDENT_CONSEIL_ADMINISTRATION';

/** Synthetic SIRENs are 10,000,000 + k: below the sandbox's 9xxxxxxxx. */
export const MAX_SYNTHETIC_COMPANIES = 80_000_000;

/** The SIREN of an 8-digit base, with its check digit. */
export function sirenOf(base: number): string {
  const digits = String(base).padStart(8, '0');
  return digits + luhnCheckDigit(digits);
}

/** The SIRET of the `n`-th establishment (1, 2, …) of a company: NIC = 4 digits and a check digit. */
export function siretOf(siren: string, n: number): string {
  const digits = `${siren}${String(n).padStart(4, '0')}`;
  return digits + luhnCheckDigit(digits);
}

/** The SIREN of synthetic company k (La Poste's base, whose check digit follows its own rule, is skipped). */
export function syntheticSiren(k: number): string {
  if (k < 0 || k >= MAX_SYNTHETIC_COMPANIES - 1)
    throw new Error(`synthetic company numbers stop below ${MAX_SYNTHETIC_COMPANIES - 1}`);
  const laPosteBase = Number(LA_POSTE_SIREN.slice(0, 8)) - 10_000_000;
  return sirenOf(10_000_000 + k + (k >= laPosteBase ? 1 : 0));
}

/**
 * The SIRENs of the sandbox companies (docs/sandbox.md "Sandbox companies"), for every
 * registry that knows them: the register's seed describes them, the others hold their
 * compliance.
 */
export const SANDBOX_COMPANIES = {
  /** Marie Dupont's bakery in Nîmes (SARL). */
  boulangerieDupont: sirenOf(90_000_001),
  /** Jean Martin's road haulage company in Lyon (SAS), two establishments. */
  transportsMartin: sirenOf(90_000_002),
  /** Jean Martin's former EURL, ceased at the end of 2011. */
  jmBatiment: sirenOf(90_000_003),
  /** Camille Petit, hairdresser, sole trader. */
  petitCamille: sirenOf(90_000_004),
  /** Anne-Sophie Lefèvre-Roy's consulting company in Montpellier (SASU). */
  lefevreRoyConseil: sirenOf(90_000_005),
} as const;

/** Legal forms by frequency among small French companies, with the director's role. */
const FORMS: ReadonlyArray<readonly [{ code: string; role: DirectorRole }, number]> = [
  [{ code: '1000', role: 'ENTREPRENEUR_INDIVIDUEL' }, 40],
  [{ code: '5499', role: 'GERANT' }, 18],
  [{ code: '5498', role: 'GERANT' }, 10],
  [{ code: '5710', role: 'PRESIDENT' }, 12],
  [{ code: '5720', role: 'PRESIDENT' }, 17],
  [{ code: '5599', role: 'PRESIDENT_CONSEIL_ADMINISTRATION' }, 3],
];

/** Activities and how a company of each is often named (the founder's family name). */
const ACTIVITIES: ReadonlyArray<readonly [{ naf: string; name: (family: string) => string }, number]> = [
  [{ naf: '10.71C', name: (f) => `BOULANGERIE ${f}` }, 4],
  [{ naf: '41.20A', name: (f) => `${f} CONSTRUCTION` }, 6],
  [{ naf: '43.21A', name: (f) => `${f} ELEC` }, 6],
  [{ naf: '43.32A', name: (f) => `MENUISERIE ${f}` }, 5],
  [{ naf: '45.20A', name: (f) => `GARAGE ${f}` }, 4],
  [{ naf: '47.11B', name: (f) => `EPICERIE ${f}` }, 3],
  [{ naf: '49.32Z', name: (f) => `TAXI ${f}` }, 4],
  [{ naf: '49.41A', name: (f) => `TRANSPORTS ${f}` }, 3],
  [{ naf: '56.10A', name: (f) => `RESTAURANT ${f}` }, 7],
  [{ naf: '62.01Z', name: (f) => `${f} DIGITAL` }, 8],
  [{ naf: '69.20Z', name: (f) => `CABINET ${f}` }, 3],
  [{ naf: '70.22Z', name: (f) => `${f} CONSEIL` }, 12],
  [{ naf: '81.21Z', name: (f) => `${f} PROPRETE` }, 5],
  [{ naf: '85.59A', name: (f) => `${f} FORMATION` }, 5],
  [{ naf: '86.21Z', name: (f) => `CABINET MEDICAL ${f}` }, 3],
  [{ naf: '96.02A', name: (f) => `SALON ${f}` }, 5],
];

/** Employee bands of a sole trader, and of a company (most French companies employ nobody or few). */
const SOLE_TRADER_BANDS: ReadonlyArray<readonly [string, number]> = [
  ['NN', 80],
  ['00', 12],
  ['01', 6],
  ['02', 2],
];
const COMPANY_BANDS: ReadonlyArray<readonly [string, number]> = [
  ['NN', 30],
  ['00', 20],
  ['01', 18],
  ['02', 12],
  ['03', 8],
  ['11', 6],
  ['12', 4],
  ['21', 1.2],
  ['22', 0.5],
  ['31', 0.1],
  ['32', 0.1],
  ['41', 0.05],
];

const upper = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
const ageOf = (person: SyntheticPerson) => REFERENCE_YEAR - Number(person.pivot.birthdate.slice(0, 4));
const pad = (n: number) => String(n).padStart(2, '0');
const date = (random: Random, year: number) => `${year}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`;

export function syntheticCompany(k: number): SyntheticCompany {
  const siren = syntheticSiren(k);
  const household = syntheticHousehold(k);
  const random = createRandom(seedOf(k, 'company'));
  const founder = household.adults[0]!;
  const age = ageOf(founder);
  // Under 21, a sole trader (micro-entrepreneur); otherwise by frequency.
  const form = age < 21 ? FORMS[0]![0] : random.weighted(FORMS);
  const activity = random.weighted(ACTIVITIES);
  const createdYear = REFERENCE_YEAR - random.int(0, Math.max(0, Math.min(30, age - 18)));
  const createdOn = date(random, createdYear);
  // Most companies of founders past retirement age have ceased; a few others too.
  const ceased = random.chance(age >= 68 ? 0.6 : 0.04) && createdYear < REFERENCE_YEAR;
  const ceasedOn = ceased ? date(random, random.int(createdYear + 1, REFERENCE_YEAR)) : undefined;
  const family = upper(founder.pivot.family_name);
  const legalName =
    form.code === '1000' ? `${family} ${upper(founder.pivot.given_name.split(' ')[0]!)}` : activity.name(family);
  const street = () => `${random.int(1, 200)} ${random.pick(STREETS)}`;
  const inTown = (lines: string[]) => ({ ...household.address, lines });
  const extra =
    form.code === '1000'
      ? 0
      : random.weighted([
          [0, 85],
          [1, 12],
          [2, 3],
        ] as const);
  const establishments: SyntheticCompany['establishments'] = [
    {
      siret: siretOf(siren, 1),
      headOffice: true,
      address: random.chance(0.5) ? household.address : inTown([street()]),
    },
  ];
  for (let n = 2; n <= extra + 1; n++)
    establishments.push({ siret: siretOf(siren, n), headOffice: false, address: inTown([street()]) });
  if (ceasedOn) for (const e of establishments) e.closedOn = ceasedOn;
  const directors: SyntheticCompany['directors'] = [{ person: founder, role: form.role, since: createdOn }];
  // A couple's SARL often has both as co-gérants.
  const partner = household.adults[1];
  if (partner && form.code === '5499' && ageOf(partner) >= 21 && random.chance(0.3))
    directors.push({ person: partner, role: 'GERANT', since: createdOn });
  return {
    index: k,
    siren,
    legalName,
    legalForm: form.code,
    nafCode: activity.naf,
    createdOn,
    ...(ceasedOn ? { ceasedOn } : {}),
    establishments,
    directors,
    employeesBand: random.weighted(form.code === '1000' ? SOLE_TRADER_BANDS : COMPANY_BANDS),
    random: (stream) => createRandom(seedOf(k, `company:${stream}`)),
  };
}

/** Companies `from` .. `from + count - 1`. */
export function syntheticCompanies(from: number, count: number): SyntheticCompany[] {
  return Array.from({ length: count }, (_, i) => syntheticCompany(from + i));
}

/** `YYYY-MM-DD` of `today` moved by `days` (UTC). */
export function daysFrom(today: Date, days: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + days))
    .toISOString()
    .slice(0, 10);
}
