import { isSiren, isSiret } from '../../lib/contracts/company-identifiers.ts';
import { loadContract } from '../../lib/federation/contract.ts';
import { sirenOf, siretOf } from '../../sandbox/seed/companies.ts';
import {
  citizen,
  citizenSelection,
  company,
  companyEntitiesQuery,
  entitiesQuery,
  entitySelection,
  post,
  sandbox,
  startTestSubgraphs,
  tokenClaims,
  type TestSubgraphs,
} from './support/subgraphs.ts';

/** What each subgraph answers about each sandbox citizen (docs/sandbox.md), through the real HTTP service. */
let env: TestSubgraphs;
beforeAll(async () => {
  env = await startTestSubgraphs();
});
afterAll(async () => {
  await env.close();
});

const ALL_SCOPES: Record<string, string> = {
  dgfip: 'dgfip_adresse_fiscale dgfip_rfr dgfip_nbpart dgfip_sitfam',
  ants: 'ants_vehicules ants_caracteristiques ants_critair',
  cnaf: 'cnaf_quotient_familial cnaf_prestations cnaf_enfants',
  entreprises: 'entreprises_mandats_sociaux',
};
const SELECTIONS: Record<string, string> = {
  dgfip:
    'taxAddress { lines postalCode city cityCode } taxHousehold { taxYear referenceTaxIncome shares familySituation }',
  ants: 'vehicles { registrationNumber holderRole make model category energy firstRegistrationDate critAir }',
  cnaf: 'familyQuotient { value month regime } benefits { kind monthlyAmount since } dependentChildren',
  entreprises: `legalRepresentations { role roleLabel since company {
    siren legalName legalForm { code label } activity { nafCode label } creationDate active ceasedOn
    headOffice { siret address { city } } establishments { siret headOffice active address { lines postalCode city cityCode } } } }`,
};

/** The citizen's data from one provider, as the gateway would fetch it. */
async function fetchCitizen(provider: string, login: string) {
  const claims = tokenClaims(env.issuer, provider, sandbox(login), ALL_SCOPES[provider]!);
  const response = await post(
    env.urls[provider]!,
    await env.issuer.sign(claims),
    entitiesQuery(SELECTIONS[provider]!),
    { representations: [citizen(claims.sub!)] },
  );
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  return (response.body.data!._entities as Array<Record<string, any>>)[0]!;
}

describe('DGFiP', () => {
  test.each([
    ['marie.dupont', '30189', '30000', 'SINGLE', 2],
    ['jean.martin', '30189', '30900', 'MARRIED', 3],
    ['sofia.garcia', '30189', '30000', 'SINGLE', 1],
    ['lucas.bernard', '34172', '34000', 'SINGLE', 1],
    ['camille.petit', '30189', '30000', 'SINGLE', 1],
    ['anne-sophie.lefevre-roy', '30189', '30900', 'MARRIED', 3],
  ])('%s: tax address and household', async (login, cityCode, postalCode, situation, shares) => {
    const data = await fetchCitizen('dgfip', login);
    expect(data.taxAddress).toMatchObject({
      cityCode,
      postalCode,
      city: cityCode === '30189' ? 'Nîmes' : 'Montpellier',
    });
    expect(data.taxAddress.lines.length).toBeGreaterThan(0);
    expect(data.taxHousehold).toMatchObject({ taxYear: 2024, familySituation: situation, shares });
    expect(data.taxHousehold.referenceTaxIncome).toBeGreaterThan(0);
  });
});

describe('ANTS', () => {
  test.each([
    [
      'marie.dupont',
      [
        {
          registrationNumber: 'GE-512-KL',
          energy: 'ELECTRIC',
          make: 'Renault',
          model: 'Zoé',
          critAir: 0,
          holderRole: 'HOLDER',
        },
      ],
    ],
    ['jean.martin', [{ energy: 'DIESEL', firstRegistrationDate: '2012-03-15', critAir: 2, holderRole: 'HOLDER' }]],
    ['sofia.garcia', [{ energy: 'PETROL', critAir: 1, holderRole: 'HOLDER' }]],
    ['lucas.bernard', [{ registrationNumber: 'EQ-644-RD', holderRole: 'HOLDER' }]],
    [
      'anne-sophie.lefevre-roy',
      [
        { registrationNumber: 'AG-731-TE', critAir: 3, holderRole: 'HOLDER' },
        { registrationNumber: 'FV-926-HS', critAir: 1, holderRole: 'CO_HOLDER' },
      ],
    ],
  ])('%s: vehicles', async (login, vehicles) => {
    const data = await fetchCitizen('ants', login);
    expect(data.vehicles).toHaveLength(vehicles.length);
    vehicles.forEach((v, i) => expect(data.vehicles[i]).toMatchObject({ category: 'M1', ...v }));
    for (const v of data.vehicles) expect(v.registrationNumber).toMatch(/^[A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2}$/);
  });

  test('camille.petit holds no vehicle: null, not an error', async () => {
    expect((await fetchCitizen('ants', 'camille.petit')).vehicles).toBeNull();
  });
});

describe('CNAF', () => {
  test.each([
    ['marie.dupont', 540, 1],
    ['jean.martin', 1450, 2],
    ['anne-sophie.lefevre-roy', 900, 2],
  ])('%s: family quotient %d', async (login, value, children) => {
    const data = await fetchCitizen('cnaf', login);
    expect(data.familyQuotient).toMatchObject({ value, regime: 'CAF' });
    expect(data.familyQuotient.month).toMatch(/^\d{4}-\d{2}$/);
    expect(data.dependentChildren).toBe(children);
    expect(data.benefits.length).toBeGreaterThan(0);
  });

  test.each(['sofia.garcia', 'lucas.bernard', 'camille.petit'])(
    '%s is not a CAF or MSA beneficiary: nulls, no error',
    async (login) => {
      expect(await fetchCitizen('cnaf', login)).toEqual({
        familyQuotient: null,
        benefits: null,
        dependentChildren: null,
      });
    },
  );
});

describe('Entreprises', () => {
  test('marie.dupont is gérante of her bakery, its one shop the head office', async () => {
    const [bakery, ...others] = (await fetchCitizen('entreprises', 'marie.dupont')).legalRepresentations;
    expect(others).toEqual([]);
    expect(bakery).toMatchObject({
      role: 'GERANT',
      roleLabel: 'Gérant',
      since: '2015-03-02',
      company: {
        legalName: 'BOULANGERIE DUPONT',
        legalForm: { code: '5499', label: 'Société à responsabilité limitée (SARL)' },
        activity: { nafCode: '10.71C', label: 'Boulangerie et boulangerie-pâtisserie' },
        active: true,
        ceasedOn: null,
      },
    });
    const { siren, headOffice, establishments } = bakery.company;
    expect(isSiren(siren)).toBe(true);
    expect(establishments.map((e: { headOffice: boolean }) => e.headOffice)).toEqual([true]);
    for (const e of establishments) {
      expect(isSiret(e.siret)).toBe(true);
      expect(e.siret.slice(0, 9)).toBe(siren);
      expect(e.address).toMatchObject({ city: 'Nîmes', cityCode: '30189' });
    }
    expect(headOffice.siret).toBe(establishments[0].siret);
  });

  test('jean.martin: his current company only (the term at the company that ceased in 2011 ended)', async () => {
    const representations = (await fetchCitizen('entreprises', 'jean.martin')).legalRepresentations;
    expect(representations.map((r: any) => [r.role, r.company.legalName, r.company.legalForm.code])).toEqual([
      ['PRESIDENT', 'TRANSPORTS MARTIN', '5710'],
    ]);
    // An SAS in road haulage, in Lyon: the head office and a depot.
    const { activity, establishments } = representations[0].company;
    expect(activity.nafCode).toBe('49.41A');
    expect(establishments.map((e: any) => [e.headOffice, e.address.city])).toEqual([
      [true, 'Lyon'],
      [false, 'Lyon'],
    ]);
  });

  test('camille.petit is a sole trader; sofia.garcia, whom the register does not know, gets null', async () => {
    const [trade] = (await fetchCitizen('entreprises', 'camille.petit')).legalRepresentations;
    expect(trade).toMatchObject({ role: 'ENTREPRENEUR_INDIVIDUEL', company: { legalName: 'PETIT CAMILLE' } });
    expect((await fetchCitizen('entreprises', 'sofia.garcia')).legalRepresentations).toBeNull();
  });
});

test('a citizen no registry knows gets null everywhere, not an error', async () => {
  const stranger = {
    given_name: 'Zéphyrin',
    family_name: 'Inconnu',
    birthdate: '1960-02-29',
    gender: 'male' as const,
    birthcountry: '99100',
    birthplace: '30189',
  };
  // Every configured provider of citizens, every field it serves, every scope of its catalog.
  for (const contract of loadContract(env.config).providers) {
    if (!citizenSelection(contract)) continue;
    const claims = tokenClaims(env.issuer, contract.name, stranger, Object.keys(contract.catalog.scopes).join(' '));
    const response = await post(
      env.urls[contract.name]!,
      await env.issuer.sign(claims),
      entitiesQuery(citizenSelection(contract)),
      { representations: [citizen(claims.sub!)] },
    );
    expect(response.body.errors).toBeUndefined();
    const data = (response.body.data!._entities as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(data).length).toBeGreaterThan(0);
    expect(Object.values(data).every((v) => v === null)).toBe(true);
  }
});

test('a company a registry does not know gets null, not an error', async () => {
  // A valid SIREN no sandbox registry holds, in a token issued for that company.
  const unknown = sirenOf(90_000_999);
  let asked = 0;
  for (const contract of loadContract(env.config).providers) {
    // Fields that may be null (the register's identity of a company it does not hold cannot be).
    const selection = entitySelection(contract, 'Company', { nullableOnly: true });
    if (!selection || entitySelection(contract, 'Company') !== selection) continue;
    asked++;
    const claims = tokenClaims(
      env.issuer,
      contract.name,
      sandbox('marie.dupont'),
      Object.keys(contract.catalog.scopes).join(' '),
      {
        company: { siren: unknown, siret: siretOf(unknown, 1), role: 'legal_representative' },
      },
    );
    const response = await post(
      env.urls[contract.name]!,
      await env.issuer.sign(claims),
      companyEntitiesQuery(selection),
      {
        representations: [company(unknown)],
      },
    );
    expect(response.body.errors).toBeUndefined();
    const data = (response.body.data!._entities as Array<Record<string, unknown>>)[0]!;
    expect(Object.values(data).every((v) => v === null)).toBe(true);
  }
  expect(asked).toBeGreaterThanOrEqual(2);
});
