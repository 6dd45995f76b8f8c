import { SANDBOX_COMPANIES, siretOf } from '../../sandbox/seed/companies.ts';
import {
  company,
  companyEntitiesQuery,
  post,
  sandbox,
  startTestSubgraphs,
  tokenClaims,
  type TestSubgraphs,
} from './support/subgraphs.ts';

/**
 * The `Company` entity at the providers (docs/companies.md): the runtime resolves a
 * reference only to the token's company (`company.siren` of the internal token), whatever
 * the provider; the register keeps a ceased company readable; the sandbox companies'
 * compliance (docs/sandbox.md).
 */
let env: TestSubgraphs;
beforeAll(async () => {
  env = await startTestSubgraphs(['entreprises', 'dgfip', 'urssaf']);
});
afterAll(async () => {
  await env.close();
});

const SELECTIONS: Record<string, { scopes: string; selection: string }> = {
  entreprises: {
    scopes: 'entreprises_identite entreprises_representants',
    selection: 'legalName active ceasedOn establishments { siret active } representatives { familyName role since }',
  },
  dgfip: {
    scopes: 'dgfip_regularite_fiscale',
    selection: 'fiscalCompliance { upToDate asOf missing { tax taxLabel kind period } }',
  },
  urssaf: {
    scopes: 'urssaf_attestation_vigilance',
    selection: 'socialCompliance { upToDate asOf validUntil attestationNumber employeesBand { code label } }',
  },
};

/** `_entities` for `representation` with a token issued for `tokenCompany` (none: a citizen's token). */
async function read(provider: string, tokenCompany: string | undefined, representation: string) {
  const { scopes, selection } = SELECTIONS[provider]!;
  const claims = tokenClaims(env.issuer, provider, sandbox('jean.martin'), scopes, {
    ...(tokenCompany
      ? { company: { siren: tokenCompany, siret: siretOf(tokenCompany, 1), role: 'legal_representative' } }
      : {}),
  });
  const response = await post(env.urls[provider]!, await env.issuer.sign(claims), companyEntitiesQuery(selection), {
    representations: [company(representation)],
  });
  expect(response.status).toBe(200);
  return response.body;
}

describe.each(Object.keys(SELECTIONS))('%s', (provider) => {
  test("another company's SIREN in a representation: PROVIDER_COMPANY_MISMATCH, nothing read", async () => {
    const body = await read(provider, SANDBOX_COMPANIES.transportsMartin, SANDBOX_COMPANIES.boulangerieDupont);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['PROVIDER_COMPANY_MISMATCH']);
    expect((body.data?._entities as unknown[])[0]).toBeNull();
  });

  test('a company in a token not issued for one: PROVIDER_COMPANY_MISMATCH', async () => {
    const body = await read(provider, undefined, SANDBOX_COMPANIES.transportsMartin);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['PROVIDER_COMPANY_MISMATCH']);
  });

  test("the token's own company is read", async () => {
    const body = await read(provider, SANDBOX_COMPANIES.transportsMartin, SANDBOX_COMPANIES.transportsMartin);
    expect(body.errors).toBeUndefined();
    expect((body.data?._entities as unknown[])[0]).not.toBeNull();
  });
});

test('a ceased company stays readable in the register, active: false, its establishment closed', async () => {
  const body = await read('entreprises', SANDBOX_COMPANIES.jmBatiment, SANDBOX_COMPANIES.jmBatiment);
  expect(body.errors).toBeUndefined();
  expect((body.data?._entities as unknown[])[0]).toMatchObject({
    legalName: 'JM BATIMENT',
    active: false,
    ceasedOn: '2011-12-31',
    establishments: [{ active: false }],
    // Jean's term ended with it: no legal representative today.
    representatives: [],
  });
});

test("a company's representatives: names as the register writes them, roles, since", async () => {
  const body = await read('entreprises', SANDBOX_COMPANIES.transportsMartin, SANDBOX_COMPANIES.transportsMartin);
  expect((body.data?._entities as any[])[0].representatives).toEqual([
    { familyName: 'MARTIN', role: 'PRESIDENT', since: '2012-01-16' },
  ]);
});

describe('sandbox compliance (docs/sandbox.md)', () => {
  const compliance = async (provider: 'dgfip' | 'urssaf', siren: string) => {
    const body = await read(provider, siren, siren);
    expect(body.errors).toBeUndefined();
    const entity = (body.data?._entities as any[])[0];
    return provider === 'dgfip' ? entity.fiscalCompliance : entity.socialCompliance;
  };

  test("Marie's bakery is up to date with the DGFiP and URSSAF", async () => {
    expect(await compliance('dgfip', SANDBOX_COMPANIES.boulangerieDupont)).toMatchObject({
      upToDate: true,
      missing: [],
    });
    expect(await compliance('urssaf', SANDBOX_COMPANIES.boulangerieDupont)).toMatchObject({
      upToDate: true,
      attestationNumber: expect.stringMatching(/^[A-Z0-9]{15}$/),
      employeesBand: { code: '01' },
    });
  });

  test("Jean's haulage company is up to date with the DGFiP, not with URSSAF: no attestation", async () => {
    expect(await compliance('dgfip', SANDBOX_COMPANIES.transportsMartin)).toMatchObject({ upToDate: true });
    expect(await compliance('urssaf', SANDBOX_COMPANIES.transportsMartin)).toMatchObject({
      upToDate: false,
      validUntil: null,
      attestationNumber: null,
      employeesBand: { code: '11', label: '10 à 19 salariés' },
    });
  });

  test("Anne-Sophie's consulting company has not filed last quarter's VAT return", async () => {
    const fiscal = await compliance('dgfip', SANDBOX_COMPANIES.lefevreRoyConseil);
    expect(fiscal).toMatchObject({
      upToDate: false,
      missing: [{ tax: 'TVA', taxLabel: 'Taxe sur la valeur ajoutée', kind: 'RETURN_NOT_FILED' }],
    });
    expect(fiscal.missing[0].period).toMatch(/^\d{4}-T[1-4]$/);
  });
});
