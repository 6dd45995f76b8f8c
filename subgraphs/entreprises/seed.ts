import { SANDBOX_COMPANIES, sirenOf, siretOf, type SyntheticCompany } from '../../sandbox/seed/companies.ts';
import { SANDBOX_IDENTITIES as who } from '../../sandbox/seed/identities.ts';
import { registryPerson, SPELLINGS, type RegistrySeed } from '../../sandbox/seed/registry-seed.ts';
import type { EntreprisesRecords } from './records.ts';

export { sirenOf, siretOf };

/**
 * Company register seed data: names in upper case without accents (as Sirene writes
 * them). Sandbox SIRENs start with 9 and sandbox person numbers with PP9; synthetic ones
 * derive from the company number (sandbox/seed/companies.ts: SIREN base 10,000,000 + k,
 * person PP + 2k + slot), so the two never meet and company k is always the same.
 */
const spelling = SPELLINGS.upperWithoutAccents;

function sandboxRecords(): EntreprisesRecords {
  const nimes = (lines: string[], postalCode: string) => ({ lines, postalCode, city: 'Nîmes', cityCode: '30189' });
  const boulangerie = SANDBOX_COMPANIES.boulangerieDupont;
  const lyon = (lines: string[], postalCode: string, cityCode: string) => ({
    lines,
    postalCode,
    city: 'Lyon',
    cityCode,
  });
  const transports = SANDBOX_COMPANIES.transportsMartin;
  const formerCompany = SANDBOX_COMPANIES.jmBatiment;
  const coiffure = SANDBOX_COMPANIES.petitCamille;
  const conseil = SANDBOX_COMPANIES.lefevreRoyConseil;
  return {
    persons: [
      registryPerson('PP9000000101', who['marie.dupont']!, spelling),
      registryPerson('PP9000000201', who['jean.martin']!, spelling),
      registryPerson('PP9000000501', who['camille.petit']!, spelling),
      registryPerson('PP9000000601', who['anne-sophie.lefevre-roy']!, spelling),
    ],
    companies: [
      // Marie: gérante of her bakery (a SARL), one shop in Nîmes.
      {
        siren: boulangerie,
        legalName: 'BOULANGERIE DUPONT',
        legalForm: '5499',
        nafCode: '10.71C',
        createdOn: '2015-03-02',
        establishments: [
          { siret: siretOf(boulangerie, 1), headOffice: true, address: nimes(['4 rue de la Madeleine'], '30000') },
        ],
        representatives: [{ ref: 'PP9000000101', role: 'GERANT', since: '2015-03-02' }],
      },
      // Jean: président of his road haulage company (an SAS) in Lyon, head office and a depot;
      // before it, gérant of an EURL in Nîmes that ceased.
      {
        siren: transports,
        legalName: 'TRANSPORTS MARTIN',
        legalForm: '5710',
        nafCode: '49.41A',
        createdOn: '2012-01-16',
        establishments: [
          { siret: siretOf(transports, 1), headOffice: true, address: lyon(['12 rue de Gerland'], '69007', '69387') },
          {
            siret: siretOf(transports, 2),
            headOffice: false,
            address: lyon(['27 quai Paul Sédallian'], '69009', '69389'),
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

/**
 * Synthetic companies (sandbox/seed/companies.ts): the register holds each with its
 * establishments and its directors, who are synthetic citizens (their household's adults).
 * Synthetic households alone (`--citizens`) bring no company here: the companies come with
 * `--companies`, so that no person is ever written twice.
 */
function syntheticCompanyRecords(companies: SyntheticCompany[]): EntreprisesRecords {
  const records: EntreprisesRecords = { persons: [], companies: [] };
  for (const c of companies) {
    const refs = c.directors.map((_, slot) => personRef(c.index, slot));
    c.directors.forEach((d, slot) => records.persons.push(registryPerson(refs[slot]!, d.person.pivot, spelling)));
    records.companies.push({
      siren: c.siren,
      legalName: c.legalName,
      legalForm: c.legalForm,
      nafCode: c.nafCode,
      createdOn: c.createdOn,
      ...(c.ceasedOn ? { ceasedOn: c.ceasedOn } : {}),
      establishments: c.establishments,
      representatives: c.directors.map((d, slot) => ({ ref: refs[slot]!, role: d.role, since: d.since })),
    });
  }
  return records;
}

/** The register's number of a synthetic director: PP, then 10 digits from the company and the slot. */
const personRef = (company: number, slot: number) => `PP${String(company * 2 + slot).padStart(10, '0')}`;

export const registrySeed: RegistrySeed<EntreprisesRecords> = {
  sandboxRecords,
  syntheticCompanyRecords,
};
