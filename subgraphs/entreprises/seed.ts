import { LA_POSTE_SIREN, luhnCheckDigit } from '../../lib/contracts/company-identifiers.ts';
import { REFERENCE_YEAR, type SyntheticHousehold, type SyntheticPerson } from '../../sandbox/seed/households.ts';
import { STREETS } from '../../sandbox/seed/places.ts';
import type { Random } from '../../sandbox/seed/random.ts';
import { SANDBOX_IDENTITIES as who } from '../../sandbox/seed/identities.ts';
import { registryPerson, SPELLINGS, type RegistrySeed } from '../../sandbox/seed/registry-seed.ts';
import type { LegalRepresentativeRole } from './nomenclatures.ts';
import type { CompanyRecord, EntreprisesRecords } from './records.ts';

/**
 * Company register seed data: names in upper case without accents (as Sirene writes
 * them). Sandbox SIRENs start with 9 and sandbox person numbers with PP9; synthetic ones
 * derive from the household number (SIREN base 10,000,000 + 2 × household + slot), so the
 * two never meet and household h always gets the same companies.
 */
const spelling = SPELLINGS.upperWithoutAccents;
const upper = (name: string) => spelling.family(name);

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

function sandboxRecords(): EntreprisesRecords {
  const nimes = (lines: string[], postalCode: string) => ({ lines, postalCode, city: 'Nîmes', cityCode: '30189' });
  const boulangerie = sirenOf(90_000_001);
  const renovation = sirenOf(90_000_002);
  const formerCompany = sirenOf(90_000_003);
  const coiffure = sirenOf(90_000_004);
  const conseil = sirenOf(90_000_005);
  return {
    persons: [
      registryPerson('PP9000000101', who['marie.dupont']!, spelling),
      registryPerson('PP9000000201', who['jean.martin']!, spelling),
      registryPerson('PP9000000501', who['camille.petit']!, spelling),
      registryPerson('PP9000000601', who['anne-sophie.lefevre-roy']!, spelling),
    ],
    companies: [
      // Marie: gérante of her bakery (a SARL), two shops in Nîmes.
      {
        siren: boulangerie,
        legalName: 'BOULANGERIE DUPONT',
        legalForm: '5499',
        nafCode: '10.71C',
        createdOn: '2015-03-02',
        establishments: [
          { siret: siretOf(boulangerie, 1), headOffice: true, address: nimes(['4 rue de la Madeleine'], '30000') },
          { siret: siretOf(boulangerie, 2), headOffice: false, address: nimes(['61 avenue Jean Jaurès'], '30900') },
        ],
        representatives: [{ ref: 'PP9000000101', role: 'GERANT', since: '2015-03-02' }],
      },
      // Jean: président of his building company; before it, gérant of an EURL that ceased.
      {
        siren: renovation,
        legalName: 'MARTIN RENOVATION',
        legalForm: '5710',
        nafCode: '41.20A',
        createdOn: '2012-01-16',
        establishments: [
          {
            siret: siretOf(renovation, 1),
            headOffice: true,
            address: nimes(['140 chemin du Mas de Cheylon'], '30900'),
          },
        ],
        representatives: [{ ref: 'PP9000000201', role: 'PRESIDENT', since: '2012-01-16' }],
      },
      {
        siren: formerCompany,
        legalName: 'JM BATIMENT',
        legalForm: '5498',
        nafCode: '43.32A',
        createdOn: '2004-06-01',
        ceasedOn: '2011-12-31',
        establishments: [
          {
            siret: siretOf(formerCompany, 1),
            headOffice: true,
            closedOn: '2011-12-31',
            address: nimes(['27 avenue Jean Jaurès'], '30900'),
          },
        ],
        representatives: [{ ref: 'PP9000000201', role: 'GERANT', since: '2004-06-01', until: '2011-12-31' }],
      },
      // Camille: hairdresser, sole trader.
      {
        siren: coiffure,
        legalName: 'PETIT CAMILLE',
        legalForm: '1000',
        nafCode: '96.02A',
        createdOn: '2021-09-06',
        establishments: [{ siret: siretOf(coiffure, 1), headOffice: true, address: nimes(['8 rue Fresque'], '30000') }],
        representatives: [{ ref: 'PP9000000501', role: 'ENTREPRENEUR_INDIVIDUEL', since: '2021-09-06' }],
      },
      // Anne-Sophie: présidente of her consulting company (a SASU), head office in Montpellier.
      {
        siren: conseil,
        legalName: 'LEFEVRE ROY CONSEIL',
        legalForm: '5720',
        nafCode: '70.22Z',
        createdOn: '2019-05-13',
        establishments: [
          {
            siret: siretOf(conseil, 1),
            headOffice: true,
            address: { lines: ['35 rue Foch'], postalCode: '34000', city: 'Montpellier', cityCode: '34172' },
          },
        ],
        representatives: [{ ref: 'PP9000000601', role: 'PRESIDENT', since: '2019-05-13' }],
      },
    ],
  };
}

/** About one adult in eleven aged 25–69 directs a company (some 4 million companies for 40 million such adults). */
const DIRECTOR_SHARE = 0.09;

const FORMS: ReadonlyArray<readonly [{ code: string; role: LegalRepresentativeRole }, number]> = [
  [{ code: '1000', role: 'ENTREPRENEUR_INDIVIDUEL' }, 40],
  [{ code: '5499', role: 'GERANT' }, 18],
  [{ code: '5498', role: 'GERANT' }, 10],
  [{ code: '5710', role: 'PRESIDENT' }, 12],
  [{ code: '5720', role: 'PRESIDENT' }, 17],
  [{ code: '5599', role: 'PRESIDENT_CONSEIL_ADMINISTRATION' }, 3],
];

/** Activities and how a company of each is often named (`F`: the founder's family name). */
const ACTIVITIES: ReadonlyArray<readonly [{ naf: string; name: (family: string) => string }, number]> = [
  [{ naf: '10.71C', name: (f) => `BOULANGERIE ${f}` }, 4],
  [{ naf: '41.20A', name: (f) => `${f} CONSTRUCTION` }, 6],
  [{ naf: '43.21A', name: (f) => `${f} ELEC` }, 6],
  [{ naf: '43.32A', name: (f) => `MENUISERIE ${f}` }, 5],
  [{ naf: '45.20A', name: (f) => `GARAGE ${f}` }, 4],
  [{ naf: '47.11B', name: (f) => `EPICERIE ${f}` }, 3],
  [{ naf: '49.32Z', name: (f) => `TAXI ${f}` }, 4],
  [{ naf: '56.10A', name: (f) => `RESTAURANT ${f}` }, 7],
  [{ naf: '62.01Z', name: (f) => `${f} DIGITAL` }, 8],
  [{ naf: '69.20Z', name: (f) => `CABINET ${f}` }, 3],
  [{ naf: '70.22Z', name: (f) => `${f} CONSEIL` }, 12],
  [{ naf: '81.21Z', name: (f) => `${f} PROPRETE` }, 5],
  [{ naf: '85.59A', name: (f) => `${f} FORMATION` }, 5],
  [{ naf: '86.21Z', name: (f) => `CABINET MEDICAL ${f}` }, 3],
  [{ naf: '96.02A', name: (f) => `SALON ${f}` }, 5],
];

const personRef = (household: number, slot: number) => `PP${String(household * 2 + slot).padStart(10, '0')}`;
const ageOf = (person: SyntheticPerson) => REFERENCE_YEAR - Number(person.pivot.birthdate.slice(0, 4));
const date = (random: Random, year: number) =>
  `${year}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;

function syntheticCompany(h: SyntheticHousehold, slot: number, random: Random): CompanyRecord | undefined {
  if (h.index >= 40_000_000) throw new Error('synthetic SIRENs derive from household numbers below 40,000,000');
  const base = 10_000_000 + h.index * 2 + slot;
  const siren = sirenOf(base);
  if (siren.startsWith(LA_POSTE_SIREN.slice(0, 8))) return undefined; // La Poste's SIREN is taken
  const founder = h.adults[slot]!;
  const age = ageOf(founder);
  const form = random.weighted(FORMS);
  const activity = random.weighted(ACTIVITIES);
  const createdYear = REFERENCE_YEAR - random.int(0, Math.min(30, age - 21));
  const createdOn = date(random, createdYear);
  const family = upper(founder.pivot.family_name);
  const legalName =
    form.code === '1000' ? `${family} ${upper(founder.pivot.given_name.split(' ')[0]!)}` : activity.name(family);
  const second = form.code !== '1000' && random.chance(0.15);
  const street = () => `${random.int(1, 200)} ${random.pick(STREETS)}`;
  const headOfficeAddress = random.chance(0.5) ? h.address : { ...h.address, lines: [street()] };
  const representatives: CompanyRecord['representatives'] = [
    { ref: personRef(h.index, slot), role: form.role, since: createdOn },
  ];
  // A couple's SARL often has both as co-gérants.
  const partner = h.adults[1 - slot];
  if (partner && form.code === '5499' && ageOf(partner) >= 21 && random.chance(0.3))
    representatives.push({ ref: personRef(h.index, 1 - slot), role: 'GERANT', since: createdOn });
  return {
    siren,
    legalName,
    legalForm: form.code,
    nafCode: activity.naf,
    createdOn,
    establishments: [
      { siret: siretOf(siren, 1), headOffice: true, address: headOfficeAddress },
      ...(second
        ? [{ siret: siretOf(siren, 2), headOffice: false, address: { ...h.address, lines: [street()] } }]
        : []),
    ],
    representatives,
  };
}

function syntheticRecords(households: SyntheticHousehold[]): EntreprisesRecords {
  const records: EntreprisesRecords = { persons: [], companies: [] };
  for (const h of households) {
    const random = h.random('entreprises');
    const directors = new Set<string>();
    h.adults.forEach((adult, slot) => {
      const age = ageOf(adult);
      if (age < 25 || age > 69 || !random.chance(DIRECTOR_SHARE)) return;
      const company = syntheticCompany(h, slot, random);
      if (!company) return;
      records.companies.push(company);
      for (const r of company.representatives) directors.add(r.ref);
    });
    h.adults.forEach((adult, slot) => {
      if (directors.has(personRef(h.index, slot)))
        records.persons.push(registryPerson(personRef(h.index, slot), adult.pivot, spelling));
    });
  }
  return records;
}

export const registrySeed: RegistrySeed<EntreprisesRecords> = { sandboxRecords, syntheticRecords };
