import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { operationHash } from '../../lib/federation/operation.ts';
import { BROKER_CLIENT_ID, type PivotTokenCompany } from '../../lib/contracts/pivot-token.ts';
import { SANDBOX_COMPANIES, siretOf } from '../../sandbox/seed/companies.ts';
import { SANDBOX_IDENTITIES } from '../../sandbox/seed/identities.ts';
import { PROVIDERS } from '../helpers/providers.ts';
import type { TestGateway } from './support/gateway.ts';
import { startGatewayWithProviders, type GatewayWithProviders } from './support/providers.ts';

/**
 * Acting for a company (docs/companies.md) through the real gateway and the real
 * subgraphs: a pivot token with `company` reads `Query.company` and the `Company` fields of
 * the register, the DGFiP and URSSAF; every provider's token names the company; the
 * exchange is recorded with it. Refused before any provider: company scopes in a citizen's
 * token, citizen scopes in a company's token, a `company` claim that is not one the broker
 * issues. And the broker's own read of a person's companies, with their establishments.
 */
const COMPANY = `query Company { company { siren legalName legalForm { code label } activity { nafCode } active
  headOffice { siret address { city } } establishments { siret headOffice }
  representatives { familyName givenNames role }
  fiscalCompliance { upToDate asOf missing { tax kind period } }
  socialCompliance { upToDate asOf validUntil attestationNumber employeesBand { code label } } } }`;
const COMPANY_SCOPES = [
  'dgfip_regularite_fiscale',
  'entreprises_identite',
  'entreprises_representants',
  'urssaf_attestation_vigilance',
];
/** What the broker runs to list the companies a person represents ("Pour quelle entreprise ?"). */
const MY_COMPANIES = `query MyCompanies { me { legalRepresentations { role roleLabel
  company { siren legalName active establishments { siret headOffice active address { lines postalCode city } } } } } }`;

let platform: GatewayWithProviders;
let gw: TestGateway;

const actingFor = (siren: string, siret: string, fn: string): PivotTokenCompany => ({
  siren,
  siret,
  legal_name: 'unused by the gateway',
  role: 'legal_representative',
  function: fn,
});
const marieBakery = actingFor(
  SANDBOX_COMPANIES.boulangerieDupont,
  siretOf(SANDBOX_COMPANIES.boulangerieDupont, 1),
  'GERANT',
);
const jeanTransports = actingFor(
  SANDBOX_COMPANIES.transportsMartin,
  siretOf(SANDBOX_COMPANIES.transportsMartin, 2),
  'PRESIDENT',
);

function tokenFor(
  login: string,
  query: string,
  operationName: string,
  scopes: string[],
  company?: PivotTokenCompany,
  clientId?: string,
) {
  return gw.issuer.issue({
    accountId: login,
    pivot: SANDBOX_IDENTITIES[login]!,
    acr: 'eidas2',
    operations: [{ hash: operationHash(query), operationName, scopes }],
    ...(company ? { company } : {}),
    ...(clientId ? { clientId } : {}),
  });
}
const calls = () => Object.fromEntries(PROVIDERS.map((p) => [p, platform.proxies[p]!.graphqlCalls().length]));

beforeAll(async () => {
  platform = await startGatewayWithProviders();
  ({ gw } = platform);
}, 60_000);
afterAll(() => platform?.close());

describe('a company token through the gateway and the subgraphs', () => {
  test('Marie, gérante of her bakery: its identity, its gérante, up to date with the DGFiP and URSSAF', async () => {
    const { token } = await tokenFor('marie.dupont', COMPANY, 'Company', COMPANY_SCOPES, marieBakery);
    const requestId = `companies-marie-${Date.now()}`;
    const { status, json } = await gw.post({ query: COMPANY }, token, { 'x-request-id': requestId });
    expect([status, json.errors]).toEqual([200, undefined]);
    const company = json.data.company;
    expect(company).toMatchObject({
      siren: SANDBOX_COMPANIES.boulangerieDupont,
      legalName: 'BOULANGERIE DUPONT',
      legalForm: { code: '5499' },
      activity: { nafCode: '10.71C' },
      active: true,
      headOffice: { siret: siretOf(SANDBOX_COMPANIES.boulangerieDupont, 1), address: { city: 'Nîmes' } },
      representatives: [{ familyName: 'DUPONT', givenNames: 'MARIE', role: 'GERANT' }],
      fiscalCompliance: { upToDate: true, missing: [] },
      socialCompliance: { upToDate: true, employeesBand: { code: '01', label: '1 ou 2 salariés' } },
    });
    expect(company.establishments).toHaveLength(1);
    const social = company.socialCompliance;
    expect(social.attestationNumber).toMatch(/^[A-Z0-9]{15}$/);
    // Valid six months from its date, and still valid today.
    const sixMonths = new Date(`${social.asOf}T00:00:00Z`);
    sixMonths.setUTCMonth(sixMonths.getUTCMonth() + 6);
    expect(social.validUntil).toBe(sixMonths.toISOString().slice(0, 10));
    expect(social.validUntil > new Date().toISOString().slice(0, 10)).toBe(true);

    // Filed under the person (citizen_ref) and the company (its SIREN, the person's role).
    const [event] = await gw.exchangeEvents(requestId);
    expect(event).toMatchObject({
      citizenRef: 'marie.dupont',
      data: {
        outcome: 'success',
        company: { siren: SANDBOX_COMPANIES.boulangerieDupont, role: 'legal_representative' },
        providers: ['dgfip', 'entreprises', 'urssaf'],
        scopes: COMPANY_SCOPES,
      },
    });
  });

  test('Jean, président of his haulage SAS in Lyon: two establishments, up to date with the DGFiP, not with URSSAF', async () => {
    const { token } = await tokenFor('jean.martin', COMPANY, 'Company', COMPANY_SCOPES, jeanTransports);
    const { status, json } = await gw.post({ query: COMPANY }, token);
    expect([status, json.errors]).toEqual([200, undefined]);
    const company = json.data.company;
    expect(company).toMatchObject({
      legalName: 'TRANSPORTS MARTIN',
      legalForm: { code: '5710' },
      headOffice: { address: { city: 'Lyon' } },
      fiscalCompliance: { upToDate: true, missing: [] },
      socialCompliance: { upToDate: false, validUntil: null, attestationNumber: null, employeesBand: { code: '11' } },
    });
    expect(company.establishments.map((e: any) => e.headOffice)).toEqual([true, false]);
  });

  test('every provider called is told the company (SIREN, the SIRET chosen, the role), never its name', async () => {
    const before = Object.fromEntries(PROVIDERS.map((p) => [p, platform.proxies[p]!.graphqlCalls().length]));
    const { token } = await tokenFor('jean.martin', COMPANY, 'Company', COMPANY_SCOPES, jeanTransports);
    expect((await gw.post({ query: COMPANY }, token)).status).toBe(200);
    const jwks = createLocalJWKSet((await (await fetch(`${gw.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
    const called = PROVIDERS.filter((p) => platform.proxies[p]!.graphqlCalls().length > before[p]!);
    expect(called.sort()).toEqual(['dgfip', 'entreprises', 'urssaf']);
    for (const provider of called) {
      const [received] = platform.proxies[provider]!.graphqlCalls().slice(before[provider]);
      const internal = /^Bearer (.+)$/.exec(received!.headers.authorization!)![1]!;
      const { payload } = await jwtVerify(internal, jwks, { audience: `urn:passerelle:dp:${provider}` });
      expect(payload.company).toEqual({
        siren: SANDBOX_COMPANIES.transportsMartin,
        siret: siretOf(SANDBOX_COMPANIES.transportsMartin, 2),
        role: 'legal_representative',
      });
      expect(JSON.stringify(payload)).not.toContain('unused by the gateway');
    }
  });

  test('Query.company is null in a citizen token', async () => {
    const query = 'query Which { company { siren } }';
    const { token } = await tokenFor('marie.dupont', query, 'Which', []);
    const { status, json } = await gw.post({ query }, token);
    expect([status, json]).toEqual([200, { data: { company: null } }]);
  });
});

describe('refused before any provider, and audited', () => {
  test('company scopes in a citizen token: COMPANY_TOKEN_REQUIRED', async () => {
    const before = calls();
    const { token } = await tokenFor('marie.dupont', COMPANY, 'Company', COMPANY_SCOPES);
    const requestId = `companies-no-company-${Date.now()}`;
    const { status, json } = await gw.post({ query: COMPANY }, token, { 'x-request-id': requestId });
    expect(status).toBe(403);
    expect(json.errors[0].extensions).toMatchObject({ code: 'COMPANY_TOKEN_REQUIRED', scopes: COMPANY_SCOPES });
    expect(calls()).toEqual(before);
    const [event] = await gw.exchangeEvents(requestId);
    expect(event!.data).toMatchObject({ outcome: 'refused', errorCodes: ['COMPANY_TOKEN_REQUIRED'], providers: [] });
  });

  test("citizen scopes in a company's token: CITIZEN_TOKEN_REQUIRED", async () => {
    const before = calls();
    const query = 'query Mine { me { taxAddress { city } } }';
    const { token } = await tokenFor('marie.dupont', query, 'Mine', ['dgfip_adresse_fiscale'], marieBakery);
    const requestId = `companies-citizen-scope-${Date.now()}`;
    const { status, json } = await gw.post({ query }, token, { 'x-request-id': requestId });
    expect(status).toBe(403);
    expect(json.errors[0].extensions).toMatchObject({
      code: 'CITIZEN_TOKEN_REQUIRED',
      scopes: ['dgfip_adresse_fiscale'],
    });
    expect(calls()).toEqual(before);
    const [event] = await gw.exchangeEvents(requestId);
    expect(event!.data).toMatchObject({
      outcome: 'refused',
      errorCodes: ['CITIZEN_TOKEN_REQUIRED'],
      company: { siren: SANDBOX_COMPANIES.boulangerieDupont, role: 'legal_representative' },
    });
  });

  test.each([
    ['a SIRET of another company', { siret: siretOf(SANDBOX_COMPANIES.transportsMartin, 1) }, ['company.siret']],
    ['a SIREN failing its check digit', { siren: '900000010', siret: '90000001000018' }, ['company.siren']],
    ['a mandated person without a mandate id', { role: 'mandated' as const }, ['company.mandate_id']],
    ['a mandate id for a legal representative', { mandate_id: 'm-1' }, ['company.mandate_id']],
  ])('a company claim with %s: PIVOT_TOKEN_CLAIMS_INVALID', async (_case, change, claims) => {
    const before = calls();
    const { token } = await tokenFor('marie.dupont', COMPANY, 'Company', COMPANY_SCOPES, { ...marieBakery, ...change });
    const { status, json } = await gw.post({ query: COMPANY }, token);
    expect(status).toBe(401);
    expect(json.errors[0].extensions).toMatchObject({
      code: 'PIVOT_TOKEN_CLAIMS_INVALID',
      claims: expect.arrayContaining(claims),
    });
    expect(calls()).toEqual(before);
  });
});

test("the broker's own read of a person's companies, with their establishments (citizen scope, no company)", async () => {
  const { token } = await tokenFor(
    'jean.martin',
    MY_COMPANIES,
    'MyCompanies',
    ['entreprises_mandats_sociaux'],
    undefined,
    BROKER_CLIENT_ID,
  );
  const { status, json } = await gw.post({ query: MY_COMPANIES }, token);
  expect([status, json.errors]).toEqual([200, undefined]);
  const [representation, ...others] = json.data.me.legalRepresentations;
  expect(others).toEqual([]);
  expect(representation).toMatchObject({
    role: 'PRESIDENT',
    company: { siren: SANDBOX_COMPANIES.transportsMartin, legalName: 'TRANSPORTS MARTIN', active: true },
  });
  expect(representation.company.establishments.map((e: any) => [e.siret, e.headOffice, e.address.city])).toEqual([
    [siretOf(SANDBOX_COMPANIES.transportsMartin, 1), true, 'Lyon'],
    [siretOf(SANDBOX_COMPANIES.transportsMartin, 2), false, 'Lyon'],
  ]);
});
