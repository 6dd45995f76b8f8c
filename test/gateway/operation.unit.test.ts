import { loadPlatformConfig } from '../../bin/config.ts';
import { composeContract } from '../../lib/federation/compose.ts';
import { loadContract } from '../../lib/federation/contract.ts';
import {
  analyzeOperation,
  checkGrant,
  operationHash,
  operationSchemaFromSupergraph,
  type AnalysisResult,
  type OperationAnalysis,
} from '../../lib/federation/operation.ts';

const composed = composeContract(loadContract(loadPlatformConfig({ env: {} })));
const context = operationSchemaFromSupergraph(composed.supergraphSdl, composed.scopes);

const PARKING = /* GraphQL */ `
  # the parking permit: address, vehicles, family quotient
  query Parking {
    me {
      taxAddress {
        cityCode
        city
      }
      vehicles {
        registrationNumber
        holderRole
        critAir
      }
      familyQuotient {
        value
      }
    }
  }
`;

function analysis(text: string, operationName?: string): OperationAnalysis {
  const result = analyzeOperation(text, operationName, context);
  if (!result.ok) throw new Error(`unexpected refusal: ${result.errors.map((e) => e.code).join(', ')}`);
  return result.analysis;
}
function codes(result: AnalysisResult): string[] {
  return result.ok ? [] : result.errors.map((e) => e.code);
}

describe('operation analysis', () => {
  test('lists every field read with its coordinate, response path, scopes and provider', () => {
    const a = analysis(PARKING);
    expect(a.operationName).toBe('Parking');
    expect(a.fields.map((f) => [f.coordinate, f.path.join('.'), f.anyOf.join('|'), f.provider ?? '-'])).toEqual([
      ['Query.me', 'me', '', '-'],
      ['Citizen.taxAddress', 'me.taxAddress', 'dgfip_adresse_fiscale', 'dgfip'],
      ['TaxAddress.cityCode', 'me.taxAddress.cityCode', 'dgfip_adresse_fiscale', 'dgfip'],
      ['TaxAddress.city', 'me.taxAddress.city', 'dgfip_adresse_fiscale', 'dgfip'],
      ['Citizen.vehicles', 'me.vehicles', 'ants_vehicules', 'ants'],
      ['Vehicle.registrationNumber', 'me.vehicles.registrationNumber', 'ants_vehicules', 'ants'],
      ['Vehicle.holderRole', 'me.vehicles.holderRole', 'ants_vehicules', 'ants'],
      ['Vehicle.critAir', 'me.vehicles.critAir', 'ants_critair', 'ants'],
      ['Citizen.familyQuotient', 'me.familyQuotient', 'cnaf_quotient_familial', 'cnaf'],
      ['FamilyQuotient.value', 'me.familyQuotient.value', 'cnaf_quotient_familial', 'cnaf'],
    ]);
    expect(a.neededScopes).toEqual([
      'ants_critair',
      'ants_vehicules',
      'cnaf_quotient_familial',
      'dgfip_adresse_fiscale',
    ]);
    expect(a.providers).toEqual(['ants', 'cnaf', 'dgfip']);
    expect(a.minAcr).toBeUndefined();
  });

  test('follows aliases, named and inline fragments, once per path', () => {
    const a = analysis(`
      query Q { citizen: me { ...Address ... on Citizen { home: taxAddress { city } } } }
      fragment Address on Citizen { taxAddress { city } home: taxAddress { city } }`);
    expect(a.fields.map((f) => f.path.join('.'))).toEqual([
      'citizen',
      'citizen.taxAddress',
      'citizen.taxAddress.city',
      'citizen.home',
      'citizen.home.city',
    ]);
  });

  test('the hash ignores layout and comments, not meaning', () => {
    const compact =
      'query Parking{me{taxAddress{cityCode city} vehicles{registrationNumber holderRole critAir} familyQuotient{value}}}';
    expect(analysis(compact).hash).toBe(analysis(PARKING).hash);
    expect(operationHash(PARKING)).toBe(analysis(PARKING).hash);
    expect(analysis(PARKING.replace('critAir', 'make')).hash).not.toBe(analysis(PARKING).hash);
    expect(analysis(PARKING.replace('query Parking', 'query Parking2')).hash).not.toBe(analysis(PARKING).hash);
    expect(analysis(PARKING).hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("knows whom it reads about, and takes the register's Company scopes of that subject", () => {
    const mine = analysis('{ me { legalRepresentations { company { legalName establishments { siret } } } } }');
    expect([mine.subject, mine.neededScopes]).toEqual(['citizen', ['entreprises_mandats_sociaux']]);
    const company = analysis('{ company { legalName establishments { siret } fiscalCompliance { upToDate } } }');
    expect([company.subject, company.neededScopes]).toEqual([
      'company',
      ['dgfip_regularite_fiscale', 'entreprises_identite'],
    ]);
    expect(analysis('{ company { siren } }')).toMatchObject({ subject: 'company', neededScopes: [] });
  });

  test('chooses an anyOf scope deterministically: one already needed, else the first listed', () => {
    expect(analysis('{ me { taxHousehold { taxYear } } }').neededScopes).toEqual(['dgfip_rfr']);
    expect(analysis('{ me { taxHousehold { taxYear shares } } }').neededScopes).toEqual(['dgfip_nbpart']);
    expect(analysis('{ me { taxHousehold { shares taxYear familySituation } } }').neededScopes).toEqual([
      'dgfip_nbpart',
      'dgfip_sitfam',
    ]);
  });

  test('the minimum acr is the highest of the needed scopes', () => {
    expect(analysis('{ me { benefits { kind } dependentChildren } }').minAcr).toBe('eidas2');
  });

  test('selects the named operation of a document with several', () => {
    const text = 'query A { me { id } } query B { me { taxAddress { city } } }';
    expect(analysis(text, 'B').fields.map((f) => f.coordinate)).toContain('TaxAddress.city');
    expect(codes(analyzeOperation(text, undefined, context))).toEqual(['OPERATION_NAME_REQUIRED']);
    expect(codes(analyzeOperation(text, 'C', context))).toEqual(['OPERATION_NOT_FOUND']);
  });

  test('refuses syntax errors and invalid documents, without field suggestions', () => {
    expect(codes(analyzeOperation('{ me { ', undefined, context))).toEqual(['OPERATION_SYNTAX_ERROR']);
    const invalid = analyzeOperation('{ me { taxAdress { city } } }', undefined, context);
    expect(codes(invalid)).toEqual(['OPERATION_INVALID']);
    const problems = JSON.stringify(!invalid.ok && invalid.errors[0]!.details);
    expect(problems).toContain('Cannot query field \\"taxAdress\\" on type \\"Citizen\\".');
    expect(problems).not.toMatch(/Did you mean|taxAddress/);
  });

  test('refuses introspection', () => {
    expect(codes(analyzeOperation('{ __schema { types { name } } }', undefined, context))).toEqual([
      'OPERATION_INTROSPECTION_DISABLED',
    ]);
    expect(codes(analyzeOperation('{ __type(name: "Citizen") { name } }', undefined, context))).toEqual([
      'OPERATION_INTROSPECTION_DISABLED',
    ]);
    expect(analysis('{ __typename me { __typename id } }').fields.map((f) => f.coordinate)).toEqual([
      'Query.me',
      'Citizen.id',
    ]);
  });

  test('enforces the limits with their own codes', () => {
    const small = operationSchemaFromSupergraph(composed.supergraphSdl, composed.scopes, {
      maxDepth: 2,
      maxAliases: 1,
      maxDirectives: 1,
      maxTokens: 30,
      maxDocumentBytes: 200,
    });
    expect(codes(analyzeOperation('{ me { taxAddress { city } } }', undefined, small))).toEqual(['OPERATION_TOO_DEEP']);
    expect(codes(analyzeOperation('{ a: me { id } b: me { id } }', undefined, small))).toEqual([
      'OPERATION_TOO_MANY_ALIASES',
    ]);
    expect(codes(analyzeOperation('{ me { id @skip(if: false) @include(if: true) } }', undefined, small))).toEqual([
      'OPERATION_TOO_MANY_DIRECTIVES',
    ]);
    expect(codes(analyzeOperation(`{ me { ${'id '.repeat(40)}} }`, undefined, small))).toEqual([
      'OPERATION_TOO_MANY_TOKENS',
    ]);
    expect(codes(analyzeOperation(`{ me { id } } # ${'x'.repeat(300)}`, undefined, small))).toEqual([
      'OPERATION_TOO_LARGE',
    ]);
  });

  test('refuses mutations', () => {
    expect(codes(analyzeOperation('mutation { me { id } }', undefined, context))).toEqual(['OPERATION_NOT_A_QUERY']);
  });
});

describe('checking a grant', () => {
  const parking = analysis(PARKING);
  const all = new Set(parking.neededScopes);

  test('everything granted at a sufficient level passes', () => {
    expect(checkGrant(parking, all, 'eidas1', composed.scopes)).toEqual({ notConsented: [], acrTooLow: [] });
  });

  test('lists the fields whose scope is not granted', () => {
    const check = checkGrant(parking, new Set([...all].filter((s) => s !== 'ants_critair')), 'eidas1', composed.scopes);
    expect(check.notConsented.map((f) => f.coordinate)).toEqual(['Vehicle.critAir']);
  });

  test('any one of anyOf grants a field', () => {
    const a = analysis('{ me { taxHousehold { taxYear } } }');
    expect(checkGrant(a, new Set(['dgfip_sitfam']), 'eidas1', composed.scopes).notConsented).toEqual([]);
  });

  test('a granted scope whose minimum acr is above the token acr is refused', () => {
    const a = analysis('{ me { benefits { kind } } }');
    const check = checkGrant(a, new Set(['cnaf_prestations']), 'eidas1', composed.scopes);
    expect(check.notConsented).toEqual([]);
    expect(check.acrTooLow.map((f) => [f.coordinate, f.minAcr])).toEqual([
      ['Citizen.benefits', 'eidas2'],
      ['Benefit.kind', 'eidas2'],
    ]);
    expect(checkGrant(a, new Set(['cnaf_prestations']), 'eidas2', composed.scopes).acrTooLow).toEqual([]);
  });
});
